import { type Clock, dateOf, systemClock } from '../../lib/domain/index.ts';
import { type Db, type DbClient, withTransaction } from '../../lib/db/index.ts';
import type { Alert, AlertEvent, AlertState, NotificationPlanner } from './alert.ts';
import { checkAlertId, insertAlertEvents, selectAlerts } from './alert-repository.ts';
import { AlertError } from './errors.ts';
import { enqueueAlertNotifications } from './outbox.ts';

// The human lifecycle (alert.ts): acknowledge, comment, resolve — each with its audit event and
// the notifications it causes, in one transaction. The API puts HTTP on top, the CLI a table.

export interface LifecycleOptions {
  /** the clock; default the system clock */
  clock?: Clock;
  /** when given, acknowledgements and manual resolutions are also notified (the webhook) */
  notify?: NotificationPlanner;
}

function checkText(what: string, value: string | undefined, required: boolean, max: number): string | null {
  const v = value?.trim() ?? '';
  if (required && v.length === 0) throw new AlertError('ALERT_INVALID_INPUT', `${what} must not be empty`);
  if (v.length > max) throw new AlertError('ALERT_INVALID_INPUT', `${what} must be at most ${max} characters`);
  return v.length > 0 ? v : null;
}

async function lockAlert(q: DbClient, id: number): Promise<AlertState> {
  const { rows } = await q.query<{ state: AlertState }>('SELECT state FROM alerts WHERE id = $1 FOR UPDATE', [id]);
  if (!rows[0]) throw new AlertError('ALERT_NOT_FOUND', `alert ${id} does not exist`, id);
  return rows[0].state;
}

interface Command {
  client: DbClient;
  /** the alert's state, locked for the transaction */
  state: AlertState;
  who: string;
  text: string | null;
  now: Date;
}

/** Checks the input, then runs `change` on the locked alert in one transaction. */
async function runCommand<T>(
  db: Db,
  input: { id: number; actor: string; note: string | undefined; noteRequired: boolean },
  options: LifecycleOptions,
  change: (command: Command) => Promise<T>,
): Promise<T> {
  checkAlertId(input.id);
  const who = checkText('actor', input.actor, true, 200)!;
  const text = checkText('note', input.note, input.noteRequired, 4000);
  const now = dateOf(options.clock ?? systemClock);
  return withTransaction(db, async (client) =>
    change({ client, state: await lockAlert(client, input.id), who, text, now }),
  );
}

/** open → acknowledged. Stops the escalation clock. */
export function acknowledgeAlert(
  db: Db,
  id: number,
  actor: string,
  note?: string,
  options: LifecycleOptions = {},
): Promise<Alert> {
  return runCommand(
    db,
    { id, actor, note, noteRequired: false },
    options,
    async ({ client, state, who, text, now }) => {
      if (state === 'resolved') throw new AlertError('ALERT_ALREADY_RESOLVED', `alert ${id} is already resolved`, id);
      if (state === 'acknowledged') {
        throw new AlertError('ALERT_ALREADY_ACKNOWLEDGED', `alert ${id} is already acknowledged`, id);
      }
      await client.query(
        "UPDATE alerts SET state = 'acknowledged', acknowledged_by = $2, acknowledged_at = $3 WHERE id = $1",
        [id, who, now],
      );
      await insertAlertEvents(client, [
        { alert_id: id, at: now, actor: who, action: 'acknowledged', note: text, details: {} },
      ]);
      if (options.notify)
        await enqueueAlertNotifications(client, [{ alertId: id, event: 'acknowledged' }], options.notify, now);
      return (await selectAlerts(client, { id }))[0]!;
    },
  );
}

/** A comment on an alert in any state (also after resolution, for the post-mortem). */
export function commentOnAlert(
  db: Db,
  id: number,
  actor: string,
  note: string,
  options: LifecycleOptions = {},
): Promise<AlertEvent> {
  return runCommand(db, { id, actor, note, noteRequired: true }, options, async ({ client, who, text, now }) => {
    const [event] = await insertAlertEvents(client, [
      { alert_id: id, at: now, actor: who, action: 'commented', note: text, details: {} },
    ]);
    return event!;
  });
}

/** open | acknowledged → resolved, by a person, with a note saying why. */
export function resolveAlert(
  db: Db,
  id: number,
  actor: string,
  note: string,
  options: LifecycleOptions = {},
): Promise<Alert> {
  return runCommand(db, { id, actor, note, noteRequired: true }, options, async ({ client, state, who, text, now }) => {
    if (state === 'resolved') throw new AlertError('ALERT_ALREADY_RESOLVED', `alert ${id} is already resolved`, id);
    await client.query(
      "UPDATE alerts SET state = 'resolved', resolved_by = $2, resolved_at = $3, resolution_note = $4 WHERE id = $1",
      [id, who, now, text],
    );
    await insertAlertEvents(client, [
      { alert_id: id, at: now, actor: who, action: 'resolved', note: text, details: { previousState: state } },
    ]);
    if (options.notify)
      await enqueueAlertNotifications(client, [{ alertId: id, event: 'resolved' }], options.notify, now);
    return (await selectAlerts(client, { id }))[0]!;
  });
}
