import { createHash } from 'node:crypto';
import nodemailer from 'nodemailer';
import { NotifyError } from '../errors.ts';
import type { ChannelTransport, OutboundMessage } from '../notification-types.ts';
import type { NotifyConfig } from '../notify-config.ts';

/**
 * Email over SMTP with nodemailer. The Message-ID is derived from the idempotency key, so a
 * repeat after a lost acknowledgement (at-least-once) carries the same id and mail systems and
 * readers can drop it; the key is also in `X-KAM-Idempotency-Key`.
 */
export function createSmtpTransport(config: NonNullable<NotifyConfig['smtp']>): ChannelTransport {
  const transporter = nodemailer.createTransport({
    // one or two kept-open connections: a burst of alerts does not pay a handshake per message
    pool: true,
    maxConnections: 2,
    maxMessages: 100,
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.requireTls,
    ...(config.user ? { auth: { user: config.user, pass: config.pass ?? '' } } : {}),
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
  });
  return {
    channel: 'email',
    async send(message: OutboundMessage, signal: AbortSignal) {
      const id = createHash('sha256').update(message.idempotencyKey).digest('hex').slice(0, 32);
      const sending = transporter.sendMail({
        from: config.from,
        to: message.recipient,
        subject: message.subject ?? '',
        text: message.body,
        // base64 keeps the bilingual UTF-8 body intact through any relay
        textEncoding: 'base64',
        messageId: `<${id}@key-account-monitor>`,
        headers: { 'X-KAM-Idempotency-Key': message.idempotencyKey, 'X-KAM-Event': message.event },
      });
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(new NotifyError('NOTIFY_SEND_TIMEOUT', 'SMTP send aborted'));
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        sending.then(
          () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
          (err: unknown) => {
            signal.removeEventListener('abort', onAbort);
            const e = err as NodeJS.ErrnoException;
            reject(
              new NotifyError(
                'NOTIFY_SEND_FAILED',
                `SMTP ${config.host}:${config.port}: ${e.code ?? ''} ${e.message}`.trim(),
                {
                  cause: err,
                },
              ),
            );
          },
        );
      });
    },
    async close() {
      transporter.close();
    },
  };
}
