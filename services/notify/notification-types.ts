import type { NotificationEvent } from '../alerts/index.ts';
import type { NotifyChannel } from './notify-config.ts';

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
