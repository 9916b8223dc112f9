import { type Clock, systemClock } from '../../../lib/domain/index.ts';
import type { ChannelTransport, OutboundMessage } from '../notification-types.ts';
import type { NotifyConfig } from '../notify-config.ts';
import { postJson } from './http-post.ts';
import { signWebhookBody } from './webhook-signature.ts';

/** Signed webhook: the stored body (alert JSON) POSTed as is, signed over timestamp + body. */
export function createWebhookTransport(
  config: NonNullable<NotifyConfig['webhook']>,
  deps: { clock?: Clock; fetch?: typeof fetch } = {},
): ChannelTransport {
  const clock = deps.clock ?? systemClock;
  const fetchImpl = deps.fetch ?? fetch;
  return {
    channel: 'webhook',
    async send(message: OutboundMessage, signal: AbortSignal) {
      const timestampS = Math.floor(clock.now() / 1000);
      await postJson(
        config.url,
        message.body,
        {
          'x-kam-signature': signWebhookBody(message.body, config.secret, timestampS),
          'x-kam-timestamp': String(timestampS),
          'x-kam-event': message.event,
          'x-kam-delivery': String(message.id),
          // at-least-once delivery: a receiver drops a repeated key
          'idempotency-key': message.idempotencyKey,
        },
        AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)]),
        fetchImpl,
      );
    },
  };
}
