import type { Db } from '../../lib/db/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { createNotifier, formatChinaTime, type NotifyConfig } from '../notify/index.ts';
import { listAlerts } from './alert-repository.ts';
import { createRulesService, type RulesRunResult } from './rules-service.ts';
import type { RulesServiceConfigInput } from './rules-service-config.ts';

// Command functions for the CLI (`kam rules`, `kam alerts`); cli/ wires arguments and the database.

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
  now?: () => Date;
}

/** Run the rules service alone until the signal aborts; resolves with the exit code. */
export async function runRulesCommand(options: RulesCommandOptions): Promise<number> {
  const rules = createRulesService({
    db: options.db,
    logger: options.logger,
    config: options.config ?? {},
    ...(options.now ? { now: options.now } : {}),
  });
  const notifier = options.notifier
    ? createNotifier({
        db: options.db,
        logger: options.logger,
        config: options.notifyConfig ?? rules.config.notify,
        ...(options.now ? { now: options.now } : {}),
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

export type { RulesRunResult };

export interface TextSink {
  write(text: string): unknown;
}

/** `kam alerts`: a table of unresolved alerts, newest first. Returns how many were listed. */
export async function listOpenAlertsCommand(db: Db, out: TextSink, options: { limit?: number } = {}): Promise<number> {
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

/** Terminal columns of a string: CJK and full-width characters take two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    const wide =
      (cp >= 0x1100 && cp <= 0x115f) ||
      (cp >= 0x2e80 && cp <= 0xa4cf) ||
      (cp >= 0xac00 && cp <= 0xd7a3) ||
      (cp >= 0xf900 && cp <= 0xfaff) ||
      (cp >= 0xfe30 && cp <= 0xfe4f) ||
      (cp >= 0xff00 && cp <= 0xff60) ||
      (cp >= 0xffe0 && cp <= 0xffe6);
    width += wide ? 2 : 1;
  }
  return width;
}

export function formatTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => displayWidth(r[i] ?? ''))));
  return rows
    .map(
      (r) =>
        r
          .map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat(widths[i]! - displayWidth(cell))))
          .join('  ') + '\n',
    )
    .join('');
}
