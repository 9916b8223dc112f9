import { createHmac, timingSafeEqual } from 'node:crypto';

// Signed webhooks (docs/notify.md "Webhook"): the signature is HMAC-SHA256 over
// `${timestamp}.${body}` with the shared secret, hex, sent as `X-KAM-Signature: sha256=<hex>`
// with `X-KAM-Timestamp: <unix seconds>`. Signing the timestamp with the body lets a receiver
// refuse a captured request replayed later (outside its tolerance), the scheme Stripe and
// Slack use.

export const SIGNATURE_HEADER = 'x-kam-signature';
export const TIMESTAMP_HEADER = 'x-kam-timestamp';
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

export function signWebhookBody(body: string, secret: string, timestampS: number): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`;
}

export interface VerifyWebhookInput {
  body: string;
  secret: string;
  signature: string | undefined;
  timestamp: string | undefined;
  /** receiver's clock, unix seconds */
  nowS: number;
  toleranceS?: number;
}

/** Constant-time check of signature and freshness; false on any mismatch. */
export function verifyWebhookSignature(input: VerifyWebhookInput): boolean {
  const { signature, timestamp } = input;
  if (!signature || !timestamp || !/^\d+$/.test(timestamp)) return false;
  const ts = Number(timestamp);
  if (Math.abs(input.nowS - ts) > (input.toleranceS ?? DEFAULT_SIGNATURE_TOLERANCE_S)) return false;
  const expected = Buffer.from(signWebhookBody(input.body, input.secret, ts));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
