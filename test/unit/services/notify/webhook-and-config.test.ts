import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOTIFY_CONFIG,
  enabledChannels,
  notifyConfigFromEnv,
  parseNotifyConfig,
  signWebhookBody,
  verifyWebhookSignature,
} from '../../../../services/notify/index.ts';

describe('webhook signature', () => {
  const secret = 'whsec-0123456789abcdef';
  const body = '{"type":"alert.opened"}';

  it('is HMAC-SHA256 over "<timestamp>.<body>", hex, prefixed sha256=', () => {
    const expected = createHmac('sha256', secret).update(`1772416860.${body}`).digest('hex');
    expect(signWebhookBody(body, secret, 1772416860)).toBe(`sha256=${expected}`);
  });

  it('verifies a fresh signature and refuses a changed body, a wrong secret or a replay outside the tolerance', () => {
    const signature = signWebhookBody(body, secret, 1000);
    const ok = { body, secret, signature, timestamp: '1000', nowS: 1100 };
    expect(verifyWebhookSignature(ok)).toBe(true);
    expect(verifyWebhookSignature({ ...ok, body: body.replace('opened', 'cleared') })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, secret: 'whsec-another-secret!' })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, nowS: 1000 + 301 })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, timestamp: '1001' })).toBe(false);
    expect(verifyWebhookSignature({ ...ok, signature: undefined })).toBe(false);
  });
});

describe('notifier config', () => {
  it('defaults to no channel at all (the embedded demo): rows are held, not lost', () => {
    expect(enabledChannels(DEFAULT_NOTIFY_CONFIG)).toEqual([]);
    expect(DEFAULT_NOTIFY_CONFIG.escalationMinutes).toEqual({ A: 15, B: 60, C: 240 });
    expect(DEFAULT_NOTIFY_CONFIG.publicUrl).toBe('http://localhost:8080');
  });

  it('builds every channel from the environment variables', () => {
    const cfg = notifyConfigFromEnv({
      KAM_SMTP_URL: 'smtps://kam%40grid:p%40ss@mail.grid.example',
      KAM_SMTP_FROM: 'KAM <kam@grid.example>',
      KAM_WEBHOOK_URL: 'https://hooks.example/kam',
      KAM_WEBHOOK_SECRET: 'whsec-0123456789abcdef',
      KAM_SMS_URL: 'https://sms.example/send',
      KAM_SMS_TOKEN: 'tok',
      KAM_PUBLIC_URL: 'https://kam.example.cn/',
      KAM_ESCALATION_MINUTES: 'A=10, B=45,C=180',
    });
    expect(cfg.smtp).toMatchObject({
      host: 'mail.grid.example',
      port: 465,
      secure: true,
      user: 'kam@grid',
      pass: 'p@ss',
    });
    expect(cfg.publicUrl).toBe('https://kam.example.cn');
    expect(cfg.escalationMinutes).toEqual({ A: 10, B: 45, C: 180 });
    expect(enabledChannels(cfg)).toEqual(['email', 'webhook', 'sms']);
  });

  it('lists every bad variable in one ConfigError', () => {
    let error: unknown;
    try {
      notifyConfigFromEnv({
        KAM_SMTP_URL: 'http://nope',
        KAM_WEBHOOK_URL: 'https://x.example',
        KAM_ESCALATION_MINUTES: 'A:5',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as { problems: string[] }).problems).toHaveLength(3);
    expect(() => parseNotifyConfig({ webhook: { url: 'https://x.example', secret: 'short' } })).toThrow(
      /webhook secret must be at least 16 characters/,
    );
  });
});
