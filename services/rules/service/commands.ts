import type { Clock } from '../../../lib/domain/index.ts';
import type { Db } from '../../../lib/db/index.ts';
import type { Logger } from '../../../lib/log/index.ts';
import { createNotifier, type NotifyConfig } from '../../notify/index.ts';
import { createRulesService } from './rules-service.ts';
import type { RulesServiceConfigInput } from './rules-service-config.ts';

// `kam rules`: the rules service (and, when asked, the notifier) as its own process; cli/ wires
// arguments and the database.

export interface RulesCommandOptions {
  db: Db;
  logger: Logger;
  config?: RulesServiceConfigInput;
  /** stop when aborted (SIGINT/SIGTERM in the CLI) */
  signal: AbortSignal;
  /** also run the notifier (outbox + escalation) in this process; default false */
  notifier?: boolean;
  /** required with `notifier`: the parsed notifier settings (the rules service's own `config.notify` if absent) */
  notifyConfig?: NotifyConfig;
  clock?: Clock;
}

/** Run the rules service alone until the signal aborts; resolves with the exit code. */
export async function runRulesCommand(options: RulesCommandOptions): Promise<number> {
  const rules = createRulesService({
    db: options.db,
    logger: options.logger,
    config: options.config ?? {},
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const notifier = options.notifier
    ? createNotifier({
        db: options.db,
        logger: options.logger,
        config: options.notifyConfig ?? rules.config.notify,
        ...(options.clock ? { clock: options.clock } : {}),
      })
    : undefined;
  // a first evaluation right away so a start-up catches up before the first interval
  await rules.evaluateOnce().catch((err: unknown) => options.logger.error({ err }, 'first rules evaluation failed'));
  rules.start();
  notifier?.start();
  if (!options.signal.aborted) {
    await new Promise<void>((resolve) => options.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  await rules.stop();
  await notifier?.stop();
  return 0;
}
