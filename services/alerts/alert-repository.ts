import type { AlertKind, Severity } from '../../lib/domain/index.ts';
import type { Queryable } from '../../lib/db/index.ts';
import type { Alert, AlertChange, AlertEvent, AlertState } from './alert.ts';
import {
  ALERT_SELECT,
  type AlertRow,
  EVENT_COLUMNS,
  type EventRow,
  type NewAlertEvent,
  toAlert,
  toAlertEvent,
} from './alert-row.ts';
import { AlertError } from './errors.ts';

// Reading alerts and writing their audit trail (conventions.md §18: every filter is a fixed
// clause with a typed parameter, no SQL built from input).

export interface AlertFilter {
  /** default: every state */
  states?: readonly AlertState[];
  kinds?: readonly AlertKind[];
  severities?: readonly Severity[];
  accountId?: number;
  meterId?: number;
  accountCode?: string;
  meterCode?: string;
  managerCode?: string;
  openedFrom?: Date;
  openedBefore?: Date;
  /** only accounts of this manager / this account (a caller's scope; null = no limit) */
  scope?: { managerId: number | null; accountId: number | null };
  /** keyset: rows after this (openedAt desc, id desc) */
  after?: { openedAt: Date; id: number };
  /** default 100, at most 1000 */
  limit?: number;
  offset?: number;
}

export function checkAlertId(id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) {
    throw new AlertError('ALERT_INVALID_INPUT', `alert id must be a positive integer, got ${String(id)}`);
  }
}

/** Alerts with account, meter and manager, newest first. */
export async function listAlerts(q: Queryable, filter: AlertFilter = {}): Promise<Alert[]> {
  const limit = filter.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new AlertError('ALERT_INVALID_INPUT', 'limit must be an integer between 1 and 1000');
  }
  const offset = filter.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0) throw new AlertError('ALERT_INVALID_INPUT', 'offset must be ≥ 0');
  return selectAlerts(q, { ...filter, limit, offset });
}

/** One alert with its audit trail. */
export async function getAlert(q: Queryable, id: number): Promise<Alert & { events: AlertEvent[] }> {
  checkAlertId(id);
  const alert = (await selectAlerts(q, { id }))[0];
  if (!alert) throw new AlertError('ALERT_NOT_FOUND', `alert ${id} does not exist`, id);
  return { ...alert, events: await listAlertEvents(q, id) };
}

export async function listAlertEvents(q: Queryable, alertId: number): Promise<AlertEvent[]> {
  const { rows } = await q.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM alert_events WHERE alert_id = $1 ORDER BY at, id`,
    [alertId],
  );
  return rows.map(toAlertEvent);
}

export async function selectAlerts(q: Queryable, f: AlertFilter & { id?: number }): Promise<Alert[]> {
  const { rows } = await q.query<AlertRow>(
    `${ALERT_SELECT}
      WHERE ($1::bigint IS NULL OR a.id = $1)
        AND ($2::text[] IS NULL OR a.state = ANY($2))
        AND ($3::text IS NULL OR ac.code = $3)
        AND ($4::text IS NULL OR m.code = $4)
        AND ($5::text IS NULL OR g.code = $5)
        AND ($6::text[] IS NULL OR a.kind = ANY($6))
        AND ($7::text[] IS NULL OR a.severity = ANY($7))
        AND ($8::timestamptz IS NULL OR a.opened_at >= $8)
        AND ($9::timestamptz IS NULL OR a.opened_at < $9)
        AND ($10::int IS NULL OR a.account_id = $10)
        AND ($11::int IS NULL OR a.meter_id = $11)
        AND ($12::int IS NULL OR ac.manager_id = $12)
        AND ($13::int IS NULL OR ac.id = $13)
        AND ($14::timestamptz IS NULL OR (a.opened_at, a.id) < ($14, $15::bigint))
      ORDER BY a.opened_at DESC, a.id DESC
      LIMIT $16 OFFSET $17`,
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
      f.accountId ?? null,
      f.meterId ?? null,
      f.scope?.managerId ?? null,
      f.scope?.accountId ?? null,
      f.after?.openedAt ?? null,
      f.after?.id ?? null,
      f.limit ?? 1,
      f.offset ?? 0,
    ],
  );
  return rows.map(toAlert);
}

/** Alerts by id, in id order, in one statement. */
export async function loadAlerts(q: Queryable, alertIds: readonly number[]): Promise<Alert[]> {
  if (alertIds.length === 0) return [];
  const { rows } = await q.query<AlertRow>(`${ALERT_SELECT} WHERE a.id = ANY($1::bigint[]) ORDER BY a.id`, [alertIds]);
  return rows.map(toAlert);
}

/** The live stream's view of alerts that the rules service just opened or cleared. */
export async function loadAlertChanges(q: Queryable, alertIds: readonly number[]): Promise<AlertChange[]> {
  if (alertIds.length === 0) return [];
  const { rows } = await q.query<AlertChange & Record<string, unknown>>(
    `SELECT id AS "alertId", account_id AS "accountId", meter_id AS "meterId", kind, severity, state,
            CASE WHEN state = 'resolved' THEN 'cleared' ELSE 'opened' END AS action,
            coalesce(resolved_at, opened_at) AS at
       FROM alerts WHERE id = ANY($1)`,
    [alertIds],
  );
  return rows;
}

/** Audit rows in one statement, in the given order. */
export async function insertAlertEvents(q: Queryable, events: readonly NewAlertEvent[]): Promise<AlertEvent[]> {
  if (events.length === 0) return [];
  const { rows } = await q.query<EventRow>(
    `INSERT INTO alert_events (alert_id, at, actor, action, note, details)
     SELECT e.alert_id, e.at, e.actor, e.action, e.note, e.details
       FROM ROWS FROM (jsonb_to_recordset($1::jsonb)
              AS (alert_id bigint, at timestamptz, actor text, action text, note text, details jsonb))
            WITH ORDINALITY AS e(alert_id, at, actor, action, note, details, n)
      ORDER BY e.n
     RETURNING ${EVENT_COLUMNS}`,
    [JSON.stringify(events)],
  );
  return rows.map(toAlertEvent);
}
