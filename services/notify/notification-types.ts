import type { AlertKind, Phase, Severity } from '../../lib/domain/index.ts';
import type { NotifyChannel } from './notify-config.ts';

/** An alert as the notifier sees it: the row plus who owns the customer (one query, outbox-repository.ts). */
export interface NotifiableAlert {
  id: number;
  alertKey: string | null;
  kind: AlertKind;
  phase: Phase | null;
  severity: Severity;
  state: 'open' | 'acknowledged' | 'resolved';
  openedAt: Date;
  clearedAt: Date | null;
  raisedAt: Date;
  acknowledgedBy: string | null;
  acknowledgedAt: Date | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
  resolutionNote: string | null;
  evidence: Record<string, unknown>;
  meter: { id: number; code: string; name: string };
  account: {
    id: number;
    code: string;
    name: string;
    tier: 'A' | 'B' | 'C' | 'potential' | 'none';
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

export type NotificationEvent = 'opened' | 'cleared' | 'escalated' | 'acknowledged' | 'resolved';
export type Audience = 'manager' | 'escalation' | 'customer' | 'integration';

/** One row to put into the `notifications` outbox. */
export interface OutboxRow {
  alertId: number;
  event: NotificationEvent;
  audience: Audience;
  channel: NotifyChannel;
  recipient: string;
  subject: string | null;
  body: string;
  payload: Record<string, unknown>;
  /** (alert, event, channel, recipient): the same notification is enqueued (and sent) once */
  idempotencyKey: string;
  /** first attempt not before this time (the service clock) */
  notBefore: Date;
}

/** A claimed outbox row handed to a channel transport. */
export interface OutboundMessage {
  id: number;
  alertId: number | null;
  channel: NotifyChannel;
  event: NotificationEvent;
  recipient: string;
  subject: string | null;
  body: string;
  payload: Record<string, unknown>;
  idempotencyKey: string;
  attempt: number;
}

/** A channel adapter (email over SMTP, signed webhook, SMS gateway); passed in, so tests use real local servers. */
export interface ChannelTransport {
  readonly channel: NotifyChannel;
  send(message: OutboundMessage, signal: AbortSignal): Promise<void>;
  close?(): Promise<void>;
}
