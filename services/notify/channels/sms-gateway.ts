import type { ChannelTransport, OutboundMessage } from '../notification-types.ts';
import type { NotifyConfig } from '../notify-config.ts';
import { postJson } from './http-post.ts';

/**
 * SMS through an HTTP gateway: `POST <url>` with `{ "to", "text", "idempotencyKey" }`, bearer
 * token if configured, and the key also as the Idempotency-Key header.
 */
export function createSmsTransport(
  config: NonNullable<NotifyConfig['sms']>,
  deps: { fetch?: typeof fetch } = {},
): ChannelTransport {
  const fetchImpl = deps.fetch ?? fetch;
  return {
    channel: 'sms',
    async send(message: OutboundMessage, signal: AbortSignal) {
      await postJson(
        config.url,
        JSON.stringify({ to: message.recipient, text: message.body, idempotencyKey: message.idempotencyKey }),
        {
          'idempotency-key': message.idempotencyKey,
          ...(config.token ? { authorization: `Bearer ${config.token}` } : {}),
        },
        AbortSignal.any([signal, AbortSignal.timeout(config.timeoutMs)]),
        fetchImpl,
      );
    },
  };
}
