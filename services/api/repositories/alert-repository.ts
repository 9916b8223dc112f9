import type { Db } from '../../../lib/db/index.ts';
import {
  acknowledgeAlert as acknowledge,
  AlertError,
  commentOnAlert as comment,
  resolveAlert as resolve,
} from '../../rules/index.ts';
import { type AccountScope, scopeSql } from '../auth/roles.ts';
import { ApiError, notFound } from '../errors.ts';

// Alerts as the API shows them: scoped to what the caller may see, keyset-paginated, with the
// account and meter names the dashboard needs.

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

type LifecycleOptions = Parameters<typeof acknowledge>[4];

export interface AlertView {
  id: number;
  meterId: number;
  meterCode: string;
  accountId: number;
  accountCode: string;
  accountName: string;
  kind: string;
  phase: string | null;
  severity: string;
  state: AlertState;
  openedAt: Date;
  clearedAt: Date | null;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  resolutionNote: string | null;
  evidence: Record<string, unknown>;
}

export interface AlertEventView {
  id: number;
  at: Date;
  actor: string;
  action: string;
  note: string | null;
}

const ALERT_SELECT = `
  SELECT al.id, al.meter_id AS "meterId", m.code AS "meterCode", al.account_id AS "accountId", a.code AS "accountCode",
         a.name AS "accountName", al.kind, al.phase, al.severity, al.state, al.opened_at AS "openedAt",
         al.cleared_at AS "clearedAt", al.acknowledged_by AS "acknowledgedBy", al.acknowledged_at AS "acknowledgedAt",
         al.resolved_by AS "resolvedBy", al.resolved_at AS "resolvedAt", al.resolution_note AS "resolutionNote",
         al.evidence
    FROM alerts al JOIN accounts a ON a.id = al.account_id JOIN meters m ON m.id = al.meter_id`;

export interface AlertFilter {
  states?: AlertState[];
  kinds?: string[];
  severities?: string[];
  accountId?: number;
  meterId?: number;
  from?: Date;
  to?: Date;
  /** keyset: rows after this (openedAt desc, id desc) */
  after?: { openedAt: Date; id: number };
  limit: number;
}

export async function listAlerts(db: Db, scope: AccountScope, f: AlertFilter): Promise<AlertView[]> {
  const { rows } = await db.query<AlertView>(
    `${ALERT_SELECT}
      WHERE ${scopeSql('a', 1, 2)}
        AND ($3::text[] IS NULL OR al.state = ANY ($3))
        AND ($4::text[] IS NULL OR al.kind = ANY ($4))
        AND ($5::text[] IS NULL OR al.severity = ANY ($5))
        AND ($6::int IS NULL OR al.account_id = $6)
        AND ($7::int IS NULL OR al.meter_id = $7)
        AND ($8::timestamptz IS NULL OR al.opened_at >= $8)
        AND ($9::timestamptz IS NULL OR al.opened_at < $9)
        AND ($10::timestamptz IS NULL OR (al.opened_at, al.id) < ($10, $11::bigint))
      ORDER BY al.opened_at DESC, al.id DESC
      LIMIT $12`,
    [
      scope.managerId,
      scope.accountId,
      f.states ?? null,
      f.kinds ?? null,
      f.severities ?? null,
      f.accountId ?? null,
      f.meterId ?? null,
      f.from ?? null,
      f.to ?? null,
      f.after?.openedAt ?? null,
      f.after?.id ?? null,
      f.limit + 1,
    ],
  );
  return rows;
}

export async function getAlert(db: Db, alertId: number): Promise<AlertView & { events: AlertEventView[] }> {
  const { rows } = await db.query<AlertView & { events: AlertEventView[] }>(
    `SELECT v.*, coalesce((SELECT json_agg(json_build_object('id', e.id, 'at', e.at, 'actor', e.actor, 'action', e.action,
                                                        'note', e.note) ORDER BY e.at, e.id)
                             FROM alert_events e WHERE e.alert_id = v.id), '[]'::json) AS events
       FROM (${ALERT_SELECT} WHERE al.id = $1) v`,
    [alertId],
  );
  return rows[0]!;
}

// The lifecycle writes are the rules area's (services/rules): one implementation of the state
// machine and its audit trail. Here they are mapped to API errors and answered with the API view.

function asApiError(err: unknown): never {
  if (err instanceof AlertError) {
    if (err.code === 'ALERT_NOT_FOUND') throw notFound(`alert ${err.alertId ?? ''}`.trim());
    if (err.code === 'ALERT_INVALID_INPUT') throw new ApiError('validation_failed', err.message);
    throw new ApiError('conflict', err.message);
  }
  throw err;
}

/** open → acknowledged; acknowledging an acknowledged alert again is a no-op, a resolved one a conflict. */
export async function acknowledgeAlert(
  db: Db,
  alertId: number,
  actor: string,
  note: string | undefined,
  options: LifecycleOptions = {},
): Promise<AlertView> {
  try {
    await acknowledge(db, alertId, actor, note, options);
  } catch (err) {
    if (!(err instanceof AlertError && err.code === 'ALERT_ALREADY_ACKNOWLEDGED')) asApiError(err);
  }
  return getAlert(db, alertId);
}

export async function commentOnAlert(db: Db, alertId: number, actor: string, note: string): Promise<AlertEventView> {
  try {
    const event = await comment(db, alertId, actor, note);
    return { id: event.id, at: event.at, actor: event.actor, action: event.action, note: event.note };
  } catch (err) {
    return asApiError(err);
  }
}

/** open/acknowledged → resolved, with a note; resolving twice is a conflict. */
export async function resolveAlert(
  db: Db,
  alertId: number,
  actor: string,
  note: string,
  options: LifecycleOptions = {},
): Promise<AlertView> {
  try {
    await resolve(db, alertId, actor, note, options);
  } catch (err) {
    asApiError(err);
  }
  return getAlert(db, alertId);
}
