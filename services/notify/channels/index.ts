import type { Clock } from '../../../lib/domain/index.ts';
import type { ChannelTransport } from '../notification-types.ts';
import type { NotifyChannel, NotifyConfig } from '../notify-config.ts';
import { createSmtpTransport } from './email-smtp.ts';
import { createSmsTransport } from './sms-gateway.ts';
import { createWebhookTransport } from './webhook.ts';

export type ChannelTransports = Partial<Record<NotifyChannel, ChannelTransport>>;

/** The default transport factory: one transport per configured channel. */
export function createChannelTransports(config: NotifyConfig, deps: { clock?: Clock } = {}): ChannelTransports {
  return {
    ...(config.smtp ? { email: createSmtpTransport(config.smtp) } : {}),
    ...(config.webhook ? { webhook: createWebhookTransport(config.webhook, deps) } : {}),
    ...(config.sms ? { sms: createSmsTransport(config.sms) } : {}),
  };
}
