import { type Config } from '../../lib/config/index.ts';
import { type Logger } from '../../lib/log/index.ts';
import { runUntilSignal } from '../../lib/process/index.ts';
import { notifyConfigFromEnv } from '../../services/notify/index.ts';
import { listOpenAlertsCommand, runRulesCommand } from '../../services/rules/index.ts';
import { openDatabase } from './open-database.ts';

/** `kam rules`: the rules service and notifier as their own process. */
export async function runRules({ config, logger }: { config: Config; logger: Logger }): Promise<number> {
  const notifyConfig = notifyConfigFromEnv(config.notifyEnv);
  const { db, close } = await openDatabase(config, logger);
  const controller = new AbortController();
  const done = runRulesCommand({
    db,
    logger,
    signal: controller.signal,
    notifier: true,
    notifyConfig,
    config: { notify: notifyConfig, intervalMs: config.rulesIntervalMs },
  });
  const code = await runUntilSignal(logger, async () => {
    controller.abort();
    await done;
    await close();
  });
  return code;
}

/** `kam alerts`: the open alerts as a table. */
export async function runAlerts({ config, logger }: { config: Config; logger: Logger }): Promise<number> {
  const { db, close } = await openDatabase(config, logger.child({}, { level: 'warn' }));
  try {
    return await listOpenAlertsCommand(db, process.stdout);
  } finally {
    await close();
  }
}
