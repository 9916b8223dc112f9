import type { AlertTransition } from '../../lib/domain/index.ts';
import type { Queryable } from '../../lib/db/index.ts';
import { type AlertState, type NotificationEvent, type NotificationPlanner, RULES_ACTOR } from './alert.ts';
import { insertAlertEvents } from './alert-repository.ts';
import type { NewAlertEvent } from './alert-row.ts';
import { enqueueAlertNotifications } from './outbox.ts';

// Opening and clearing: the rules service hands its transitions here (docs/rules.md).

export interface AppliedTransitions {
  opened: number[];
  cleared: number[];
  /** transitions that changed nothing: already written (replay) or, for a clear, no such alert */
  skipped: AlertTransition[];
  notifications: number;
}

/**
 * Write the core's transitions, in order, inside the caller's transaction: opens are
 * `INSERT … ON CONFLICT (alert_key) DO NOTHING` and clears touch only an uncleared row with that
 * key, so a cycle replayed after a crash writes nothing twice. A clear resolves the alert
 * (actor 'rules') unless a person already did. An open that finds another unresolved alert of
 * the same meter and kind (the service lost its state) resolves that one as superseded first,
 * so the one-open-per-(meter, kind) index never stops the service.
 */
export async function applyTransitions(
  q: Queryable,
  transitions: readonly AlertTransition[],
  plan: NotificationPlanner,
  now: Date,
): Promise<AppliedTransitions> {
  const result: AppliedTransitions = { opened: [], cleared: [], skipped: [], notifications: 0 };
  const events: NewAlertEvent[] = [];
  const notices: { alertId: number; event: NotificationEvent }[] = [];
  for (const t of transitions) {
    if (t.type === 'open') {
      const superseded = await q.query<{ id: number }>(
        `UPDATE alerts SET state = 'resolved', resolved_at = GREATEST($4::timestamptz, opened_at), resolved_by = $5,
                resolution_note = 'superseded by ' || $3
          WHERE meter_id = $1 AND kind = $2 AND state <> 'resolved' AND alert_key IS DISTINCT FROM $3
          RETURNING id`,
        [t.meterId, t.kind, t.alertKey, t.at, RULES_ACTOR],
      );
      for (const { id } of superseded.rows) {
        events.push({
          alert_id: id,
          at: now,
          actor: RULES_ACTOR,
          action: 'resolved',
          note: `superseded by ${t.alertKey}`,
          details: { supersededBy: t.alertKey },
        });
      }
      const inserted = await q.query<{ id: number }>(
        `INSERT INTO alerts (meter_id, account_id, kind, phase, severity, state, opened_at, evidence, alert_key, raised_at)
         VALUES ($1, $2, $3, $4, $5, 'open', $6, $7, $8, $9)
         ON CONFLICT (alert_key) DO NOTHING
         RETURNING id`,
        [t.meterId, t.accountId, t.kind, t.phase, t.severity, t.at, JSON.stringify(t.evidence), t.alertKey, now],
      );
      const id = inserted.rows[0]?.id;
      if (id === undefined) {
        result.skipped.push(t);
        continue;
      }
      result.opened.push(id);
      events.push({
        alert_id: id,
        at: now,
        actor: RULES_ACTOR,
        action: 'opened',
        note: null,
        details: { alertKey: t.alertKey, conditionAt: t.at.toISOString(), severity: t.severity, phase: t.phase },
      });
      notices.push({ alertId: id, event: 'opened' });
    } else {
      const cleared = await q.query<{ id: number; previous_state: AlertState }>(
        `UPDATE alerts a
            SET cleared_at = $2, state = 'resolved',
                resolved_at = COALESCE(a.resolved_at, $2), resolved_by = COALESCE(a.resolved_by, $4),
                resolution_note = COALESCE(a.resolution_note, 'condition cleared'),
                evidence = a.evidence || jsonb_build_object('clear', $3::jsonb)
           FROM (SELECT id, state FROM alerts WHERE alert_key = $1 AND cleared_at IS NULL FOR UPDATE) o
          WHERE a.id = o.id
          RETURNING a.id, o.state AS previous_state`,
        [t.alertKey, t.at, JSON.stringify(t.evidence), RULES_ACTOR],
      );
      const row = cleared.rows[0];
      if (!row) {
        result.skipped.push(t);
        continue;
      }
      result.cleared.push(row.id);
      const details = { alertKey: t.alertKey, conditionAt: t.at.toISOString() };
      events.push({ alert_id: row.id, at: now, actor: RULES_ACTOR, action: 'cleared', note: null, details });
      if (row.previous_state !== 'resolved') {
        events.push({
          alert_id: row.id,
          at: now,
          actor: RULES_ACTOR,
          action: 'resolved',
          note: 'auto-resolved: condition cleared',
          details,
        });
        notices.push({ alertId: row.id, event: 'cleared' });
      }
    }
  }
  await insertAlertEvents(q, events);
  result.notifications = await enqueueAlertNotifications(q, notices, plan, now);
  return result;
}
