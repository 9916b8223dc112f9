import { type Config } from '../../lib/config/index.ts';
import { type Logger } from '../../lib/log/index.ts';
import { runUntilSignal } from '../../lib/process/index.ts';
import { listAlerts } from '../../services/alerts/index.ts';
import { formatChinaTime, notifyConfigFromEnv } from '../../services/notify/index.ts';
import { runRulesCommand } from '../../services/rules/index.ts';
import type { Queryable } from '../../lib/db/index.ts';
import { formatTable } from '../format-table.ts';
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

export interface TextSink {
  write(text: string): unknown;
}

/** `kam alerts`: a table of unresolved alerts, newest first. Returns how many were listed. */
export async function listOpenAlertsCommand(
  db: Queryable,
  out: TextSink,
  options: { limit?: number } = {},
): Promise<number> {
  const alerts = await listAlerts(db, { states: ['open', 'acknowledged'], limit: options.limit ?? 1000 });
  if (alerts.length === 0) {
    out.write('no open alerts\n');
    return 0;
  }
  const header = ['ID', 'ACCOUNT', 'METER', 'KIND', 'PHASE', 'SEVERITY', 'OPENED (CST)', 'STATE', 'MANAGER'];
  const rows = alerts.map((a) => [
    String(a.id),
    a.account.name,
    a.meter.code,
    a.kind,
    a.phase ?? '-',
    a.severity,
    formatChinaTime(a.openedAt).slice(0, 16),
    a.state === 'acknowledged' && a.acknowledgedBy
      ? `ack by ${a.acknowledgedBy}`
      : a.escalatedAt
        ? 'open (escalated)'
        : a.state,
    a.manager.name,
  ]);
  out.write(formatTable([header, ...rows]));
  out.write(`${alerts.length} open alert(s)\n`);
  return alerts.length;
}
