import type { Db } from '../../lib/db/index.ts';
import {
  acknowledgeAlert as acknowledge,
  type Alert,
  AlertError,
  type AlertErrorCode,
  type AlertEvent,
  type AlertFilter,
  commentOnAlert as comment,
  getAlert as getAlertWithEvents,
  type LifecycleOptions,
  listAlerts as listAlertsOf,
  resolveAlert as resolve,
} from '../alerts/index.ts';
import type { AccountScope } from './auth/roles.ts';
import { ApiError, notFound } from './errors.ts';

// Alerts as the API shows them (the JSON the dashboard reads): flat, with the account and meter
// names it needs. Reading and the lifecycle are services/alerts'; here they get the caller's
// scope, API errors and this view.

/** The alert as the API answers it: the alert's own fields, its meter and account flattened. */
export type AlertView = Pick<
  Alert,
  | 'id'
  | 'kind'
  | 'phase'
  | 'severity'
  | 'state'
  | 'openedAt'
  | 'clearedAt'
  | 'acknowledgedBy'
  | 'acknowledgedAt'
  | 'resolvedBy'
  | 'resolvedAt'
  | 'resolutionNote'
  | 'evidence'
> & { meterId: number; meterCode: string; accountId: number; accountCode: string; accountName: string };

export interface AlertEventView {
  id: number;
  at: Date;
  actor: string;
  action: string;
  note: string | null;
}

export function toAlertView(a: Alert): AlertView {
  return {
    id: a.id,
    meterId: a.meter.id,
    meterCode: a.meter.code,
    accountId: a.account.id,
    accountCode: a.account.code,
    accountName: a.account.name,
    kind: a.kind,
    phase: a.phase,
    severity: a.severity,
    state: a.state,
    openedAt: a.openedAt,
    clearedAt: a.clearedAt,
    acknowledgedBy: a.acknowledgedBy,
    acknowledgedAt: a.acknowledgedAt,
    resolvedBy: a.resolvedBy,
    resolvedAt: a.resolvedAt,
    resolutionNote: a.resolutionNote,
    evidence: a.evidence,
  };
}

const toEventView = (e: AlertEvent): AlertEventView => ({
  id: e.id,
  at: e.at,
  actor: e.actor,
  action: e.action,
  note: e.note,
});

/** One page (limit + 1 rows, for toPage) of the alerts the scope reaches, newest first. */
export async function listAlerts(
  db: Db,
  scope: AccountScope,
  filter: Omit<AlertFilter, 'scope' | 'limit'> & { limit: number },
): Promise<AlertView[]> {
  return (await listAlertsOf(db, { ...filter, scope, limit: filter.limit + 1 })).map(toAlertView);
}

export async function getAlert(db: Db, alertId: number): Promise<AlertView & { events: AlertEventView[] }> {
  try {
    const alert = await getAlertWithEvents(db, alertId);
    return { ...toAlertView(alert), events: alert.events.map(toEventView) };
  } catch (err) {
    return asApiError(err);
  }
}

function asApiError(err: unknown): never {
  if (err instanceof AlertError) {
    if (err.code === 'ALERT_NOT_FOUND') throw notFound(`alert ${err.alertId ?? ''}`.trim());
    if (err.code === 'ALERT_INVALID_INPUT') throw new ApiError('validation_failed', err.message);
    throw new ApiError('conflict', err.message);
  }
  throw err;
}

/** Runs a lifecycle command with AlertError mapped to ApiError; `tolerated` is no error at all. */
async function mapped<T>(command: () => Promise<T>, tolerated?: AlertErrorCode): Promise<T | undefined> {
  try {
    return await command();
  } catch (err) {
    if (tolerated && err instanceof AlertError && err.code === tolerated) return undefined;
    return asApiError(err);
  }
}

/** The lifecycle commands as the API answers them: API errors, and the API's view of the result. */
export function alertCommands(db: Db, options: LifecycleOptions) {
  return {
    /** open → acknowledged; acknowledging an acknowledged alert again is a no-op, a resolved one a conflict. */
    async acknowledge(alertId: number, actor: string, note: string | undefined): Promise<AlertView> {
      await mapped(() => acknowledge(db, alertId, actor, note, options), 'ALERT_ALREADY_ACKNOWLEDGED');
      return getAlert(db, alertId);
    },
    async comment(alertId: number, actor: string, note: string): Promise<AlertEventView> {
      return toEventView((await mapped(() => comment(db, alertId, actor, note, options)))!);
    },
    /** open/acknowledged → resolved, with a note; resolving twice is a conflict. */
    async resolve(alertId: number, actor: string, note: string): Promise<AlertView> {
      await mapped(() => resolve(db, alertId, actor, note, options));
      return getAlert(db, alertId);
    },
  };
}
