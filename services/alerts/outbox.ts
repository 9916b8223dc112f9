import type { Queryable } from '../../lib/db/index.ts';
import type { NotificationEvent, NotificationPlanner, OutboxRow } from './alert.ts';
import { loadAlerts } from './alert-repository.ts';

// Enqueueing notifications (migrations/004 notifications + 006 delivery state). The notifier
// (services/notify) claims and delivers the rows; writing them belongs to the alert change that
// causes them, in the same transaction, so the outbox and the alert state commit together.

/** Insert outbox rows in one statement; a row whose idempotency key exists is skipped. Returns the count inserted. */
export async function insertOutboxRows(q: Queryable, rows: readonly OutboxRow[], now: Date): Promise<number> {
  if (rows.length === 0) return 0;
  const json = rows.map((r) => ({
    alert_id: r.alertId,
    channel: r.channel,
    recipient: r.recipient,
    subject: r.subject,
    body: r.body,
    payload: r.payload,
    idempotency_key: r.idempotencyKey,
    event: r.event,
    audience: r.audience,
    not_before: r.notBefore.toISOString(),
  }));
  const result = await q.query(
    `INSERT INTO notifications (alert_id, channel, recipient, subject, body, payload, idempotency_key, event, audience,
                                next_attempt_at, status, created_at, updated_at)
     SELECT r.alert_id, r.channel, r.recipient, r.subject, r.body, r.payload, r.idempotency_key, r.event, r.audience,
            r.not_before, 'pending', $2, $2
       FROM jsonb_to_recordset($1::jsonb) AS r(alert_id bigint, channel text, recipient text, subject text, body text,
            payload jsonb, idempotency_key text, event text, audience text, not_before timestamptz)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [JSON.stringify(json), now],
  );
  return result.rowCount ?? 0;
}

/**
 * Plan and insert the notifications of alert events: one query for the alerts and their routing,
 * the planner (pure) for the rows, one insert. Call it inside the transaction that changed the
 * alerts. Returns the count inserted.
 */
export async function enqueueAlertNotifications(
  q: Queryable,
  items: readonly { alertId: number; event: NotificationEvent }[],
  plan: NotificationPlanner,
  now: Date,
): Promise<number> {
  if (items.length === 0) return 0;
  const alerts = new Map((await loadAlerts(q, [...new Set(items.map((i) => i.alertId))])).map((a) => [a.id, a]));
  const rows = items.flatMap(({ alertId, event }) => {
    const alert = alerts.get(alertId);
    return alert ? plan(alert, event, now) : [];
  });
  return insertOutboxRows(q, rows, now);
}
