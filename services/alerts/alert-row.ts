import type { AlertKind, Phase, Severity, Tier } from '../../lib/domain/index.ts';
import type { Alert, AlertAction, AlertEvent, AlertState } from './alert.ts';

// The one row mapper of an alert: ALERT_SELECT's columns in, the Alert type out.

/** alerts ⋈ meters ⋈ accounts ⋈ managers; aliases a (alerts), m, ac, g. */
export const ALERT_SELECT = `
  SELECT a.id, a.alert_key, a.kind, a.phase, a.severity, a.state, a.opened_at, a.cleared_at, a.raised_at,
         a.acknowledged_by, a.acknowledged_at, a.resolved_by, a.resolved_at, a.resolution_note,
         a.escalated_at, a.escalated_to, a.evidence,
         m.id AS meter_id, m.code AS meter_code, m.name AS meter_name,
         ac.id AS account_id, ac.code AS account_code, ac.name AS account_name, ac.tier, ac.notify_customer,
         ac.customer_contact_email, ac.customer_contact_phone,
         g.id AS manager_id, g.code AS manager_code, g.name AS manager_name, g.email AS manager_email,
         g.phone AS manager_phone, g.locale, g.escalation_name, g.escalation_email, g.escalation_phone
    FROM alerts a
    JOIN meters m ON m.id = a.meter_id
    JOIN accounts ac ON ac.id = a.account_id
    JOIN managers g ON g.id = ac.manager_id`;

export interface AlertRow extends Record<string, unknown> {
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
  tier: Tier;
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

export function toAlert(r: AlertRow): Alert {
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
    escalatedAt: r.escalated_at,
    escalatedTo: r.escalated_to,
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

export const EVENT_COLUMNS = 'id, alert_id, at, actor, action, note, details';

/** An alert_events row as written (the database adds the id). */
export interface NewAlertEvent {
  alert_id: number;
  at: Date;
  actor: string;
  action: AlertAction;
  note: string | null;
  details: Record<string, unknown>;
}

export interface EventRow extends NewAlertEvent, Record<string, unknown> {
  id: number;
}

export const toAlertEvent = (r: EventRow): AlertEvent => ({
  id: r.id,
  alertId: r.alert_id,
  at: r.at,
  actor: r.actor,
  action: r.action,
  note: r.note,
  details: r.details,
});
