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

/** open → acknowledged. Stops the escalation clock. */
export async function acknowledgeAlert(
  db: Db,
  id: number,
  actor: string,
  note?: string,
  options: LifecycleOptions = {},
): Promise<Alert> {
  checkAlertId(id);
  const who = checkText('actor', actor, true, 200)!;
  const text = checkText('note', note, false, 4000);
  const now = dateOf(options.clock ?? systemClock);
  return withTransaction(db, async (client) => {
    const state = await lockAlert(client, id);
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
  });
}

/** A comment on an alert in any state (also after resolution, for the post-mortem). */
export async function commentOnAlert(
  db: Db,
  id: number,
  actor: string,
  note: string,
  options: LifecycleOptions = {},
): Promise<AlertEvent> {
  checkAlertId(id);
  const who = checkText('actor', actor, true, 200)!;
  const text = checkText('note', note, true, 4000)!;
  const now = dateOf(options.clock ?? systemClock);
  return withTransaction(db, async (client) => {
    await lockAlert(client, id);
    return (
      await insertAlertEvents(client, [
        { alert_id: id, at: now, actor: who, action: 'commented', note: text, details: {} },
      ])
    )[0]!;
  });
}

/** open | acknowledged → resolved, by a person, with a note saying why. */
export async function resolveAlert(
  db: Db,
  id: number,
  actor: string,
  note: string,
  options: LifecycleOptions = {},
): Promise<Alert> {
  checkAlertId(id);
  const who = checkText('actor', actor, true, 200)!;
  const text = checkText('note', note, true, 4000)!;
  const now = dateOf(options.clock ?? systemClock);
  return withTransaction(db, async (client) => {
    const state = await lockAlert(client, id);
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
