import { alertLink, renderAlertEmail, renderAlertSms } from './alert-text.ts';
import type { NotifyChannel, NotifyConfig } from './notify-config.ts';
import type { Alert, Audience, NotificationEvent, NotificationPlanner, OutboxRow } from '../alerts/index.ts';

// Who hears about what (docs/notify.md "Routing"). Pure: an alert, the event and the config in,
// outbox rows out. The database adapter inserts them with ON CONFLICT (idempotency_key) DO NOTHING.
//
// opened       manager: email; SMS if severity ∈ smsSeverities and the manager has a phone
//              customer: email/SMS to the account's contact if notify_customer and kind ∈ customerKinds
//              integration: webhook (if configured)
// cleared      manager: email (notifyOnClear); webhook
// escalated    escalation contact: email; SMS if severity ∈ smsSeverities; webhook
// acknowledged, resolved   webhook only

export function idempotencyKeyOf(alertId: number, event: NotificationEvent, channel: NotifyChannel, recipient: string) {
  return `alert:${alertId}:${event}:${channel}:${recipient}`;
}

/** The JSON a webhook receives (and the body it is signed over). */
export function webhookPayload(
  alert: Alert,
  event: NotificationEvent,
  publicUrl: string,
  idempotencyKey: string,
): Record<string, unknown> {
  return {
    type: `alert.${event}`,
    idempotencyKey,
    alert: {
      id: alert.id,
      key: alert.alertKey,
      kind: alert.kind,
      phase: alert.phase,
      severity: alert.severity,
      state: alert.state,
      openedAt: alert.openedAt.toISOString(),
      clearedAt: alert.clearedAt?.toISOString() ?? null,
      acknowledgedBy: alert.acknowledgedBy,
      acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
      resolvedBy: alert.resolvedBy,
      resolvedAt: alert.resolvedAt?.toISOString() ?? null,
      resolutionNote: alert.resolutionNote,
      evidence: alert.evidence,
      link: alertLink(publicUrl, alert.id),
    },
    account: { id: alert.account.id, code: alert.account.code, name: alert.account.name, tier: alert.account.tier },
    meter: { id: alert.meter.id, code: alert.meter.code, name: alert.meter.name },
    manager: { code: alert.manager.code, name: alert.manager.name },
  };
}

export function planAlertNotifications(
  alert: Alert,
  event: NotificationEvent,
  config: NotifyConfig,
  now: Date,
): OutboxRow[] {
  const rows: OutboxRow[] = [];
  const render = { publicUrl: config.publicUrl, escalationMinutes: escalationMinutesFor(alert.account.tier, config) };
  const sms = config.smsSeverities.includes(alert.severity);
  const email = (audience: Audience, to: string | null | undefined) => {
    if (!to) return;
    const { subject, text } = renderAlertEmail(alert, event, audience, render);
    rows.push(row(alert, event, audience, 'email', to, subject, text, { to, subject }, now));
  };
  const text = (audience: Audience, to: string | null | undefined) => {
    if (!to) return;
    const body = renderAlertSms(alert, event, audience, render);
    rows.push(row(alert, event, audience, 'sms', to, null, body, { to, text: body }, now));
  };

  switch (event) {
    case 'opened':
      email('manager', alert.manager.email);
      if (sms) text('manager', alert.manager.phone);
      if (alert.account.notifyCustomer && (config.customerKinds as readonly string[]).includes(alert.kind)) {
        email('customer', alert.account.customerEmail);
        text('customer', alert.account.customerPhone);
      }
      break;
    case 'cleared':
      if (config.notifyOnClear) email('manager', alert.manager.email);
      break;
    case 'escalated':
      email('escalation', alert.manager.escalation?.email);
      if (sms) text('escalation', alert.manager.escalation?.phone);
      break;
    case 'acknowledged':
    case 'resolved':
      break;
  }
  if (config.webhook) {
    const key = idempotencyKeyOf(alert.id, event, 'webhook', 'webhook');
    const payload = webhookPayload(alert, event, config.publicUrl, key);
    rows.push({
      alertId: alert.id,
      event,
      audience: 'integration',
      channel: 'webhook',
      recipient: 'webhook',
      subject: null,
      body: JSON.stringify(payload),
      payload,
      idempotencyKey: key,
      notBefore: now,
    });
  }
  return rows;
}

/** The planner the alerts service calls when it enqueues (services/alerts NotificationPlanner). */
export function createNotificationPlanner(config: NotifyConfig): NotificationPlanner {
  return (alert, event, now) => planAlertNotifications(alert, event, config, now);
}

function row(
  alert: Alert,
  event: NotificationEvent,
  audience: Audience,
  channel: NotifyChannel,
  recipient: string,
  subject: string | null,
  body: string,
  payload: Record<string, unknown>,
  now: Date,
): OutboxRow {
  return {
    alertId: alert.id,
    event,
    audience,
    channel,
    recipient,
    subject,
    body,
    payload,
    idempotencyKey: idempotencyKeyOf(alert.id, event, channel, recipient),
    notBefore: now,
  };
}

/** Escalation limit of a tier (potential and none use C). */
export function escalationMinutesFor(tier: Alert['account']['tier'], config: NotifyConfig): number {
  return tier === 'A'
    ? config.escalationMinutes.A
    : tier === 'B'
      ? config.escalationMinutes.B
      : config.escalationMinutes.C;
}

/** Retry n (1-based) waits min(base × 2^(n−1), max). Pure; no jitter, so tests can predict it. */
export function backoffMs(attempts: number, config: Pick<NotifyConfig['worker'], 'backoffBaseMs' | 'backoffMaxMs'>) {
  const exp = Math.min(Math.max(attempts - 1, 0), 30);
  return Math.min(config.backoffBaseMs * 2 ** exp, config.backoffMaxMs);
}
