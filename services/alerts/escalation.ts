import { type Db, withTransaction } from '../../lib/db/index.ts';
import type { EscalationPolicy, NotificationPlanner } from './alert.ts';
import { enqueueAlertNotifications } from './outbox.ts';

// Escalation is an alert change (escalated_at, an 'escalated' audit event) that the notifier's
// cycle triggers; the escalation contact's messages are planned by the notifier's planner.

export interface Escalation {
  alertId: number;
  tier: string;
  /** escalation contact's email (or phone); null when the manager has none (recorded anyway, once) */
  escalatedTo: string | null;
  raisedAt: Date;
}

/**
 * Escalate every open (unacknowledged) alert whose tier limit has passed since it was raised
 * (docs/notify.md "Escalation"): set alerts.escalated_at/escalated_to, write an 'escalated'
 * alert event and the escalation contact's notifications, all in one transaction. The UPDATE
 * takes each row once (escalated_at IS NULL under the row lock), so two escalators, or a
 * replay, escalate an alert exactly once. `now` is the caller's clock.
 */
export async function escalateOverdueAlerts(
  db: Db,
  config: EscalationPolicy,
  plan: NotificationPlanner,
  now: Date,
): Promise<Escalation[]> {
  return withTransaction(db, async (client) => {
    const { rows } = await client.query<{
      id: number;
      tier: string;
      escalated_to: string | null;
      raised_at: Date;
      minutes: number;
    }>(
      `UPDATE alerts a
          SET escalated_at = $1, escalated_to = COALESCE(g.escalation_email, g.escalation_phone)
         FROM accounts ac
         JOIN managers g ON g.id = ac.manager_id
        WHERE ac.id = a.account_id
          AND a.state = 'open' AND a.escalated_at IS NULL
          AND a.severity = ANY($2::text[])
          AND a.raised_at + (CASE ac.tier WHEN 'A' THEN $3::float8 WHEN 'B' THEN $4::float8 ELSE $5::float8 END)
                            * INTERVAL '1 minute' <= $1
        RETURNING a.id, ac.tier, a.escalated_to, a.raised_at,
                  CASE ac.tier WHEN 'A' THEN $3::float8 WHEN 'B' THEN $4::float8 ELSE $5::float8 END AS minutes`,
      [
        now,
        config.escalateSeverities,
        config.escalationMinutes.A,
        config.escalationMinutes.B,
        config.escalationMinutes.C,
      ],
    );
    if (rows.length === 0) return [];
    await client.query(
      `INSERT INTO alert_events (alert_id, at, actor, action, note, details)
       SELECT e.alert_id, $1, 'notifier', 'escalated', e.note, e.details
         FROM jsonb_to_recordset($2::jsonb) AS e(alert_id bigint, note text, details jsonb)`,
      [
        now,
        JSON.stringify(
          rows.map((r) => ({
            alert_id: r.id,
            note: r.escalated_to
              ? `not acknowledged within ${r.minutes} min (tier ${r.tier}); escalated to ${r.escalated_to}`
              : `not acknowledged within ${r.minutes} min (tier ${r.tier}); the manager has no escalation contact`,
            details: { tier: r.tier, limitMinutes: r.minutes, escalatedTo: r.escalated_to },
          })),
        ),
      ],
    );
    await enqueueAlertNotifications(
      client,
      rows.map((r) => ({ alertId: r.id, event: 'escalated' as const })),
      plan,
      now,
    );
    return rows.map((r) => ({ alertId: r.id, tier: r.tier, escalatedTo: r.escalated_to, raisedAt: r.raised_at }));
  });
}
