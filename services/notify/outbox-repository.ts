import type { Db } from '../../lib/db/index.ts';
import type { NotifyChannel, NotifyConfig } from './notify-config.ts';
import type { NotifiableAlert, NotificationEvent, OutboundMessage, OutboxRow } from './notification-types.ts';
import { planAlertNotifications } from './plan-notifications.ts';

// SQL of the outbox (migrations/004 notifications + 006 delivery state). Every function takes
// a `Queryable`: the pool, or the one client of a transaction (with the embedded database's
// single connection, code inside withTransaction must use only its client).

export type Queryable = Pick<Db, 'query'>;

interface AlertRow {
  id: number;
  alert_key: string | null;
  kind: NotifiableAlert['kind'];
  phase: NotifiableAlert['phase'];
  severity: NotifiableAlert['severity'];
  state: NotifiableAlert['state'];
  opened_at: Date;
  cleared_at: Date | null;
  raised_at: Date;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution_note: string | null;
  evidence: Record<string, unknown>;
  meter_id: number;
  meter_code: string;
  meter_name: string;
  account_id: number;
  account_code: string;
  account_name: string;
  tier: NotifiableAlert['account']['tier'];
  notify_customer: boolean;
  customer_contact_email: string | null;
  customer_contact_phone: string | null;
  manager_id: number;
  manager_code: string;
  manager_name: string;
  manager_email: string;
  manager_phone: string | null;
  locale: 'zh' | 'en';
  escalation_name: string | null;
  escalation_email: string | null;
  escalation_phone: string | null;
}

/** Alerts with their meter, account and the account's manager, in one statement. */
export async function loadNotifiableAlerts(q: Queryable, alertIds: readonly number[]): Promise<NotifiableAlert[]> {
  if (alertIds.length === 0) return [];
  const { rows } = await q.query<AlertRow & Record<string, unknown>>(
    `SELECT a.id, a.alert_key, a.kind, a.phase, a.severity, a.state, a.opened_at, a.cleared_at, a.raised_at,
            a.acknowledged_by, a.acknowledged_at, a.resolved_by, a.resolved_at, a.resolution_note, a.evidence,
            m.id AS meter_id, m.code AS meter_code, m.name AS meter_name,
            ac.id AS account_id, ac.code AS account_code, ac.name AS account_name, ac.tier, ac.notify_customer,
            ac.customer_contact_email, ac.customer_contact_phone,
            g.id AS manager_id, g.code AS manager_code, g.name AS manager_name, g.email AS manager_email,
            g.phone AS manager_phone, g.locale, g.escalation_name, g.escalation_email, g.escalation_phone
       FROM alerts a
       JOIN meters m ON m.id = a.meter_id
       JOIN accounts ac ON ac.id = a.account_id
       JOIN managers g ON g.id = ac.manager_id
      WHERE a.id = ANY($1::bigint[])
      ORDER BY a.id`,
    [alertIds],
  );
  return rows.map(toNotifiableAlert);
}

function toNotifiableAlert(r: AlertRow): NotifiableAlert {
  const hasEscalation = r.escalation_email !== null || r.escalation_phone !== null;
  return {
    id: r.id,
    alertKey: r.alert_key,
    kind: r.kind,
    phase: r.phase,
    severity: r.severity,
    state: r.state,
    openedAt: r.opened_at,
    clearedAt: r.cleared_at,
    raisedAt: r.raised_at,
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: r.acknowledged_at,
    resolvedBy: r.resolved_by,
    resolvedAt: r.resolved_at,
    resolutionNote: r.resolution_note,
    evidence: r.evidence,
    meter: { id: r.meter_id, code: r.meter_code, name: r.meter_name },
    account: {
      id: r.account_id,
      code: r.account_code,
      name: r.account_name,
      tier: r.tier,
      notifyCustomer: r.notify_customer,
      customerEmail: r.customer_contact_email,
      customerPhone: r.customer_contact_phone,
    },
    manager: {
      id: r.manager_id,
      code: r.manager_code,
      name: r.manager_name,
      email: r.manager_email,
      phone: r.manager_phone,
      locale: r.locale,
      escalation: hasEscalation
        ? { name: r.escalation_name, email: r.escalation_email, phone: r.escalation_phone }
        : null,
    },
  };
}

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
 * Plan and insert the notifications of alert events (alert-text.ts, plan-notifications.ts):
 * one query for the alerts and their routing, one insert. Call it inside the transaction that
 * changed the alerts, so the outbox and the alert state commit together.
 */
export async function enqueueAlertNotifications(
  q: Queryable,
  items: readonly { alertId: number; event: NotificationEvent }[],
  config: NotifyConfig,
  now: Date,
): Promise<number> {
  if (items.length === 0) return 0;
  const alerts = new Map(
    (await loadNotifiableAlerts(q, [...new Set(items.map((i) => i.alertId))])).map((a) => [a.id, a]),
  );
  const rows = items.flatMap(({ alertId, event }) => {
    const alert = alerts.get(alertId);
    return alert ? planAlertNotifications(alert, event, config, now) : [];
  });
  return insertOutboxRows(q, rows, now);
}

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

interface NotificationRow {
  id: number;
  alert_id: number | null;
  channel: NotifyChannel;
  event: NotificationEvent;
  recipient: string;
  subject: string | null;
  body: string;
  payload: Record<string, unknown>;
  idempotency_key: string;
  attempts: number;
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
  const { rows } = await q.query<NotificationRow & Record<string, unknown>>(
    `UPDATE notifications n
        SET attempts = n.attempts + 1, last_attempt_at = $1, updated_at = $1,
            next_attempt_at = $1::timestamptz + $4 * INTERVAL '1 millisecond'
      WHERE n.id IN (SELECT id FROM notifications
                      WHERE status = 'pending' AND next_attempt_at <= $1 AND channel = ANY($2::text[])
                      ORDER BY next_attempt_at, id
                      LIMIT $3
                        FOR UPDATE SKIP LOCKED)
      RETURNING n.id, n.alert_id, n.channel, n.event, n.recipient, n.subject, n.body, n.payload, n.idempotency_key, n.attempts`,
    [now, enabled, limit, leaseMs],
  );
  return rows
    .sort((a, b) => a.id - b.id)
    .map((r) => ({
      id: r.id,
      alertId: r.alert_id,
      channel: r.channel,
      event: r.event,
      recipient: r.recipient,
      subject: r.subject,
      body: r.body,
      payload: r.payload,
      idempotencyKey: r.idempotency_key,
      attempt: r.attempts,
    }));
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
