import type { AlertKind, Phase, Severity, Tier } from '../../lib/domain/index.ts';

// The one shape of an alert (conventions.md §6): the row with its meter, its account and the
// account's manager with the contacts notifications go to. The rules service, the notifier, the
// API and the CLI all read this type; alert-row.ts is its one row mapper.
//
// Lifecycle (docs/notify.md "Lifecycle"):
//   open ──acknowledge──▶ acknowledged ──resolve──▶ resolved
//     └──────────────resolve (manual, with a note)──────▲
//     └──condition cleared (rules: auto-resolve)────────┘
// Comments at any time. Every change writes an alert_events row (actor, action, note, at), in
// the same transaction as the change, together with the outbox rows it causes.

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

export type AlertAction =
  'opened' | 'acknowledged' | 'commented' | 'cleared' | 'resolved' | 'reopened' | 'escalated' | 'notified';

/** The actor name the rules service writes under. */
export const RULES_ACTOR = 'rules';

export interface Alert {
  id: number;
  alertKey: string | null;
  kind: AlertKind;
  phase: Phase | null;
  severity: Severity;
  state: AlertState;
  /** when the condition began (the rule's time), not when the row was written */
  openedAt: Date;
  clearedAt: Date | null;
  /** when the rules service wrote the alert (escalation counts from here) */
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
  account: {
    id: number;
    code: string;
    name: string;
    tier: Tier;
    notifyCustomer: boolean;
    customerEmail: string | null;
    customerPhone: string | null;
  };
  manager: {
    id: number;
    code: string;
    name: string;
    email: string;
    phone: string | null;
    locale: 'zh' | 'en';
    escalation: { name: string | null; email: string | null; phone: string | null } | null;
  };
}

export interface AlertEvent {
  id: number;
  alertId: number;
  at: Date;
  actor: string;
  action: AlertAction;
  note: string | null;
  details: Record<string, unknown>;
}

/** What the live stream is told when an alert changes. */
export interface AlertChange {
  alertId: number;
  accountId: number;
  meterId: number;
  kind: AlertKind;
  severity: Severity;
  state: AlertState;
  action: string;
  at: Date;
}

// ---------------------------------------------------------------------------------------------
// The outbox: which notifications an alert event causes is the notifier's decision (a planner,
// services/notify), but the rows are written here, in the transaction that changed the alert.

export type NotificationEvent = 'opened' | 'cleared' | 'escalated' | 'acknowledged' | 'resolved';
export type Audience = 'manager' | 'escalation' | 'customer' | 'integration';
export type NotificationChannel = 'email' | 'webhook' | 'sms';

/** One row to put into the `notifications` outbox. */
export interface OutboxRow {
  alertId: number;
  event: NotificationEvent;
  audience: Audience;
  channel: NotificationChannel;
  recipient: string;
  subject: string | null;
  body: string;
  payload: Record<string, unknown>;
  /** (alert, event, channel, recipient): the same notification is enqueued (and sent) once */
  idempotencyKey: string;
  /** first attempt not before this time (the service clock) */
  notBefore: Date;
}

/** The notifications of one alert event (pure; services/notify's createNotificationPlanner). */
export type NotificationPlanner = (alert: Alert, event: NotificationEvent, now: Date) => OutboxRow[];

/** When unacknowledged alerts escalate (services/notify's config has this shape). */
export interface EscalationPolicy {
  escalateSeverities: readonly Severity[];
  escalationMinutes: { A: number; B: number; C: number };
}
