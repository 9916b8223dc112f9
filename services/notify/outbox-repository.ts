import type { Queryable } from '../../lib/db/index.ts';
import type { NotifyChannel } from './notify-config.ts';
import type { OutboundMessage } from './notification-types.ts';

// Delivery state of the outbox (migrations/004 notifications + 006): holding, claiming, marking
// sent or failed. Rows are enqueued by services/alerts with the alert change that causes them.

/** Pending rows of channels without a transport become 'held'; held rows of configured channels are released. */
export async function reconcileHeldNotifications(
  q: Queryable,
  enabled: readonly NotifyChannel[],
  now: Date,
): Promise<{ held: number; released: number }> {
  const held = await q.query(
    `UPDATE notifications
        SET status = 'held', updated_at = $2,
            last_error = 'channel ' || channel || ' is not configured; held until it is'
      WHERE status = 'pending' AND NOT (channel = ANY($1::text[]))`,
    [enabled, now],
  );
  const released = await q.query(
    `UPDATE notifications SET status = 'pending', updated_at = $2, next_attempt_at = $2, last_error = NULL
      WHERE status = 'held' AND channel = ANY($1::text[])`,
    [enabled, now],
  );
  return { held: held.rowCount ?? 0, released: released.rowCount ?? 0 };
}

/**
 * Claim due rows in one statement: `FOR UPDATE SKIP LOCKED` so concurrent workers take different
 * rows; the attempt is counted and next_attempt_at pushed out by the lease before anything is
 * sent, so a worker that dies mid-send leaves the row to be retried after the lease.
 */
export async function claimDueNotifications(
  q: Queryable,
  enabled: readonly NotifyChannel[],
  now: Date,
  limit: number,
  leaseMs: number,
): Promise<OutboundMessage[]> {
  if (enabled.length === 0) return [];
  const { rows } = await q.query<OutboundMessage & Record<string, unknown>>(
    `UPDATE notifications n
        SET attempts = n.attempts + 1, last_attempt_at = $1, updated_at = $1,
            next_attempt_at = $1::timestamptz + $4 * INTERVAL '1 millisecond'
      WHERE n.id IN (SELECT id FROM notifications
                      WHERE status = 'pending' AND next_attempt_at <= $1 AND channel = ANY($2::text[])
                      ORDER BY next_attempt_at, id
                      LIMIT $3
                        FOR UPDATE SKIP LOCKED)
      RETURNING n.id, n.alert_id AS "alertId", n.channel, n.event, n.recipient, n.subject, n.body, n.payload,
                n.idempotency_key AS "idempotencyKey", n.attempts AS attempt`,
    [now, enabled, limit, leaseMs],
  );
  return rows.sort((a, b) => a.id - b.id);
}

/** Mark sent and record 'notified' in the alert's audit trail, in one statement. */
export async function markNotificationSent(q: Queryable, id: number, now: Date): Promise<void> {
  await q.query(
    `WITH sent AS (
       UPDATE notifications SET status = 'sent', sent_at = $2, last_error = NULL, updated_at = $2
        WHERE id = $1 AND status <> 'sent'
        RETURNING id, alert_id, channel, recipient, event, audience, attempts)
     INSERT INTO alert_events (alert_id, at, actor, action, details)
     SELECT alert_id, $2, 'notifier', 'notified',
            jsonb_build_object('notificationId', id, 'channel', channel, 'recipient', recipient, 'event', event,
                               'audience', audience, 'attempts', attempts)
       FROM sent WHERE alert_id IS NOT NULL`,
    [id, now],
  );
}

/** Record a failed attempt: back to pending with the next attempt time, or 'failed' when out of attempts. */
export async function markNotificationFailed(
  q: Queryable,
  id: number,
  error: string,
  now: Date,
  nextAttemptAt: Date | null,
): Promise<void> {
  await q.query(
    `UPDATE notifications
        SET last_error = $2, updated_at = $3,
            status = CASE WHEN $4::timestamptz IS NULL THEN 'failed' ELSE 'pending' END,
            next_attempt_at = COALESCE($4::timestamptz, next_attempt_at)
      WHERE id = $1 AND status = 'pending'`,
    [id, error.slice(0, 1000), now, nextAttemptAt],
  );
}
