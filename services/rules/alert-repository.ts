import { type Db, withTransaction } from '../../lib/db/index.ts';
import { enqueueAlertNotifications, type NotificationEvent, type NotifyConfig } from '../notify/index.ts';
import type { AlertKind, Phase, Severity } from './alert-kinds.ts';
import type { AlertTransition } from './alert-tracker.ts';
import { AlertError } from './errors.ts';

// Alert rows and their lifecycle (docs/notify.md "Lifecycle"):
//   open ──acknowledge──▶ acknowledged ──resolve──▶ resolved
//     └──────────────resolve (manual, with a note)──────▲
//     └──condition cleared (rules: auto-resolve)────────┘
// Comments at any time. Every change writes an alert_events row (actor, action, note, at), in
// the same transaction as the change, together with the outbox rows it causes.

export type Queryable = Pick<Db, 'query'>;
export type AlertState = 'open' | 'acknowledged' | 'resolved';
export type AlertAction =
  'opened' | 'acknowledged' | 'commented' | 'cleared' | 'resolved' | 'reopened' | 'escalated' | 'notified';

/** The actor name the rules service writes under. */
export const RULES_ACTOR = 'rules';

export interface AlertRecord {
  id: number;
  alertKey: string | null;
  kind: AlertKind;
  phase: Phase | null;
  severity: Severity;
  state: AlertState;
  openedAt: Date;
  clearedAt: Date | null;
  raisedAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  resolutionNote: string | null;
  escalatedAt: Date | null;
  escalatedTo: string | null;
  evidence: Record<string, unknown>;
  meter: { id: number; code: string; name: string };
  account: { id: number; code: string; name: string; tier: string };
  manager: { id: number; code: string; name: string };
}

export interface AlertEventRecord {
  id: number;
  alertId: number;
  at: Date;
  actor: string;
  action: AlertAction;
  note: string | null;
  details: Record<string, unknown>;
}

interface NewEvent {
  alert_id: number;
  at: Date;
  actor: string;
  action: AlertAction;
  note: string | null;
  details: Record<string, unknown>;
}

async function insertEvents(q: Queryable, events: readonly NewEvent[]): Promise<AlertEventRecord[]> {
  if (events.length === 0) return [];
  const { rows } = await q.query<EventRow>(
    `INSERT INTO alert_events (alert_id, at, actor, action, note, details)
     SELECT e.alert_id, e.at, e.actor, e.action, e.note, e.details
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
              AS (alert_id bigint, at timestamptz, actor text, action text, note text, details jsonb))
            WITH ORDINALITY AS e(alert_id, at, actor, action, note, details, n)
      ORDER BY e.n
     RETURNING id, alert_id, at, actor, action, note, details`,
    [JSON.stringify(events)],
  );
  return rows.map(toEvent);
}

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
  notify: NotifyConfig,
  now: Date,
): Promise<AppliedTransitions> {
  const result: AppliedTransitions = { opened: [], cleared: [], skipped: [], notifications: 0 };
  const events: NewEvent[] = [];
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
  await insertEvents(q, events);
  result.notifications = await enqueueAlertNotifications(q, notices, notify, now);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle commands (the API puts HTTP on top).

export interface LifecycleOptions {
  /** the clock; default the wall clock */
  now?: () => Date;
  /** when given, acknowledgements and manual resolutions are also sent to the webhook */
  notify?: NotifyConfig;
}

function checkId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new AlertError('ALERT_INVALID_INPUT', `alert id must be a positive integer, got ${String(id)}`);
  }
}

function checkText(what: string, value: string | undefined, required: boolean, max: number): string | null {
  const v = value?.trim() ?? '';
  if (required && v.length === 0) throw new AlertError('ALERT_INVALID_INPUT', `${what} must not be empty`);
  if (v.length > max) throw new AlertError('ALERT_INVALID_INPUT', `${what} must be at most ${max} characters`);
  return v.length > 0 ? v : null;
}

async function lockAlert(q: Queryable, id: number): Promise<AlertState> {
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
): Promise<AlertRecord> {
  checkId(id);
  const who = checkText('actor', actor, true, 200)!;
  const text = checkText('note', note, false, 4000);
  const now = (options.now ?? (() => new Date()))();
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
    await insertEvents(client, [
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
): Promise<AlertEventRecord> {
  checkId(id);
  const who = checkText('actor', actor, true, 200)!;
  const text = checkText('note', note, true, 4000)!;
  const now = (options.now ?? (() => new Date()))();
  return withTransaction(db, async (client) => {
    await lockAlert(client, id);
    return (
      await insertEvents(client, [{ alert_id: id, at: now, actor: who, action: 'commented', note: text, details: {} }])
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
): Promise<AlertRecord> {
  checkId(id);
  const who = checkText('actor', actor, true, 200)!;
  const text = checkText('note', note, true, 4000)!;
  const now = (options.now ?? (() => new Date()))();
  return withTransaction(db, async (client) => {
    const state = await lockAlert(client, id);
    if (state === 'resolved') throw new AlertError('ALERT_ALREADY_RESOLVED', `alert ${id} is already resolved`, id);
    await client.query(
      "UPDATE alerts SET state = 'resolved', resolved_by = $2, resolved_at = $3, resolution_note = $4 WHERE id = $1",
      [id, who, now, text],
    );
    await insertEvents(client, [
      { alert_id: id, at: now, actor: who, action: 'resolved', note: text, details: { previousState: state } },
    ]);
    if (options.notify)
      await enqueueAlertNotifications(client, [{ alertId: id, event: 'resolved' }], options.notify, now);
    return (await selectAlerts(client, { id }))[0]!;
  });
}

export interface AlertFilter {
  /** default: every state */
  states?: readonly AlertState[];
  accountCode?: string;
  meterCode?: string;
  managerCode?: string;
  kinds?: readonly AlertKind[];
  severities?: readonly Severity[];
  openedFrom?: Date;
  openedBefore?: Date;
  /** default 100, at most 1000 */
  limit?: number;
  offset?: number;
}

/** Alerts with account, meter and manager, newest first. */
export async function listAlerts(db: Queryable, filter: AlertFilter = {}): Promise<AlertRecord[]> {
  const limit = filter.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new AlertError('ALERT_INVALID_INPUT', 'limit must be an integer between 1 and 1000');
  }
  const offset = filter.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw new AlertError('ALERT_INVALID_INPUT', 'offset must be ≥ 0');
  return selectAlerts(db, { ...filter, limit, offset });
}

/** One alert with its audit trail. */
export async function getAlert(db: Queryable, id: number): Promise<AlertRecord & { events: AlertEventRecord[] }> {
  checkId(id);
  const alert = (await selectAlerts(db, { id }))[0];
  if (!alert) throw new AlertError('ALERT_NOT_FOUND', `alert ${id} does not exist`, id);
  return { ...alert, events: await listAlertEvents(db, id) };
}

export async function listAlertEvents(db: Queryable, alertId: number): Promise<AlertEventRecord[]> {
  const { rows } = await db.query<EventRow>(
    'SELECT id, alert_id, at, actor, action, note, details FROM alert_events WHERE alert_id = $1 ORDER BY at, id',
    [alertId],
  );
  return rows.map(toEvent);
}

interface EventRow extends Record<string, unknown> {
  id: number;
  alert_id: number;
  at: Date;
  actor: string;
  action: AlertAction;
  note: string | null;
  details: Record<string, unknown>;
}

const toEvent = (r: EventRow): AlertEventRecord => ({
  id: r.id,
  alertId: r.alert_id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  note: r.note,
  details: r.details,
});

interface AlertRow extends Record<string, unknown> {
  id: number;
  alert_key: string | null;
  kind: AlertKind;
  phase: Phase | null;
  severity: Severity;
  state: AlertState;
  opened_at: Date;
  cleared_at: Date | null;
  raised_at: Date;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution_note: string | null;
  escalated_at: Date | null;
  escalated_to: string | null;
  evidence: Record<string, unknown>;
  meter_id: number;
  meter_code: string;
  meter_name: string;
  account_id: number;
  account_code: string;
  account_name: string;
  tier: string;
  manager_id: number;
  manager_code: string;
  manager_name: string;
}

/** Every filter is a fixed clause with a typed parameter (conventions.md §17): no SQL built from input. */
async function selectAlerts(q: Queryable, f: AlertFilter & { id?: number }): Promise<AlertRecord[]> {
  const { rows } = await q.query<AlertRow>(
    `SELECT a.id, a.alert_key, a.kind, a.phase, a.severity, a.state, a.opened_at, a.cleared_at, a.raised_at,
            a.acknowledged_by, a.acknowledged_at, a.resolved_by, a.resolved_at, a.resolution_note,
            a.escalated_at, a.escalated_to, a.evidence,
            m.id AS meter_id, m.code AS meter_code, m.name AS meter_name,
            ac.id AS account_id, ac.code AS account_code, ac.name AS account_name, ac.tier,
            g.id AS manager_id, g.code AS manager_code, g.name AS manager_name
       FROM alerts a
       JOIN meters m ON m.id = a.meter_id
       JOIN accounts ac ON ac.id = a.account_id
       JOIN managers g ON g.id = ac.manager_id
      WHERE ($1::bigint IS NULL OR a.id = $1)
        AND ($2::text[] IS NULL OR a.state = ANY($2))
        AND ($3::text IS NULL OR ac.code = $3)
        AND ($4::text IS NULL OR m.code = $4)
        AND ($5::text IS NULL OR g.code = $5)
        AND ($6::text[] IS NULL OR a.kind = ANY($6))
        AND ($7::text[] IS NULL OR a.severity = ANY($7))
        AND ($8::timestamptz IS NULL OR a.opened_at >= $8)
        AND ($9::timestamptz IS NULL OR a.opened_at < $9)
      ORDER BY a.opened_at DESC, a.id DESC
      LIMIT $10 OFFSET $11`,
    [
      f.id ?? null,
      f.states ?? null,
      f.accountCode ?? null,
      f.meterCode ?? null,
      f.managerCode ?? null,
      f.kinds ?? null,
      f.severities ?? null,
      f.openedFrom ?? null,
      f.openedBefore ?? null,
      f.limit ?? 1,
      f.offset ?? 0,
    ],
  );
  return rows.map((r) => ({
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
    escalatedAt: r.escalated_at,
    escalatedTo: r.escalated_to,
    evidence: r.evidence,
    meter: { id: r.meter_id, code: r.meter_code, name: r.meter_name },
    account: { id: r.account_id, code: r.account_code, name: r.account_name, tier: r.tier },
    manager: { id: r.manager_id, code: r.manager_code, name: r.manager_name },
  }));
}
