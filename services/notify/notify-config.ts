import { z } from 'zod';
import { ALERT_KINDS, ConfigError, parseSettings, SEVERITIES } from '../../lib/domain/index.ts';
import { NOTIFY_ENV_VARS } from '../../lib/config/index.ts';

// Notifier settings (docs/notify.md). Defaults suit the embedded demo: no SMTP server, no
// webhook and no SMS gateway configured → those channels are disabled and their outbox rows wait
// with status 'held' (visible in `kam alerts` and the database) until the channel is configured.
// Secrets (SMTP password, webhook secret, SMS token) come in through this config only.
//

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
const ms = (def: number) => z.number().int().min(0).max(86_400_000).default(def);
const minutes = (def: number) =>
  z
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(def);

export const smtpConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** true = TLS from the first byte (port 465); false = plain, upgraded by STARTTLS if offered */
  secure: z.boolean().default(false),
  /** refuse to send unless STARTTLS succeeds (set for relays on untrusted networks) */
  requireTls: z.boolean().default(false),
  user: z.string().min(1).optional(),
  pass: z.string().optional(),
  from: z.string().min(3).default('Key-Account Monitor <kam@localhost>'),
  timeoutMs: ms(15_000),
});

export const webhookConfigSchema = z.object({
  url: httpUrl,
  /** HMAC-SHA256 key; 16+ characters so a guessable word is refused */
  secret: z.string().min(16, 'webhook secret must be at least 16 characters'),
  timeoutMs: ms(10_000),
});

export const smsConfigSchema = z.object({
  url: httpUrl,
  /** sent as `Authorization: Bearer <token>` when set */
  token: z.string().min(1).optional(),
  timeoutMs: ms(10_000),
});

export const notifyConfigSchema = z.object({
  /** base of the dashboard links in messages: `${publicUrl}/alerts/<id>` */
  publicUrl: httpUrl.default('http://localhost:8080').transform((u) => u.replace(/\/+$/, '')),
  smtp: smtpConfigSchema.optional(),
  webhook: webhookConfigSchema.optional(),
  sms: smsConfigSchema.optional(),
  /**
   * Minutes an open alert may stay unacknowledged before it goes to the manager's escalation
   * contact, by account tier (domain.md §1: A strategic, B key, C ordinary; potential/none use C).
   * Project defaults; the brief asks for "A shortest".
   */
  escalationMinutes: z.object({ A: minutes(15), B: minutes(60), C: minutes(240) }).prefault({}),
  /** severities that escalate; 'info' (tariff hints) does not by default */
  escalateSeverities: z.array(z.enum(SEVERITIES)).default(['critical', 'major', 'minor']),
  /** severities that also go by SMS to the manager (and the escalation contact) */
  smsSeverities: z.array(z.enum(SEVERITIES)).default(['critical']),
  /**
   * Kinds reported to the customer when accounts.notify_customer is set. domain.md §1: "abnormal
   * use is reported to the customer by SMS/phone; meter faults such as phase loss go to the
   * metering department".
   */
  customerKinds: z.array(z.enum(ALERT_KINDS)).default(['abnormal_consumption', 'over_demand']),
  /** email the manager when an alert clears (auto-resolves) */
  notifyOnClear: z.boolean().default(true),
  worker: z
    .object({
      intervalMs: ms(5_000),
      batchSize: z.number().int().min(1).max(1000).default(20),
      /** after this many failed attempts a row is 'failed' (kept, never deleted) */
      maxAttempts: z.number().int().min(1).max(100).default(12),
      /** retry n waits min(base × 2^(n−1), max): 30 s, 1 min, 2 min, … capped at 1 h */
      backoffBaseMs: ms(30_000),
      backoffMaxMs: ms(3_600_000),
      /** a claimed row is not claimed again for this long (a worker that died mid-send) */
      leaseMs: ms(120_000),
    })
    .prefault({}),
});

export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
export type NotifyConfigInput = z.input<typeof notifyConfigSchema>;
export type NotifyChannel = 'email' | 'webhook' | 'sms';

/** Parse and freeze; every problem listed in one ConfigError. */
export function parseNotifyConfig(input: unknown = {}): NotifyConfig {
  return parseSettings(notifyConfigSchema, input, 'notify');
}

export const DEFAULT_NOTIFY_CONFIG: NotifyConfig = parseNotifyConfig({});

/** Channels that have a transport configured. */
export function enabledChannels(config: NotifyConfig): NotifyChannel[] {
  return [
    ...(config.smtp ? (['email'] as const) : []),
    ...(config.webhook ? (['webhook'] as const) : []),
    ...(config.sms ? (['sms'] as const) : []),
  ];
}

/** The environment variables this config is built from (lib/config adds them to its schema). */
export { NOTIFY_ENV_VARS };

/**
 * Map raw variable values (already read by lib/config, the only reader of process.env) to a
 * NotifyConfig. KAM_SMTP_URL is `smtp://user:pass@host:587` or `smtps://…:465` (user and
 * password URL-encoded); KAM_ESCALATION_MINUTES is `A=15,B=60,C=240`.
 */
export function notifyConfigFromEnv(env: Partial<Record<(typeof NOTIFY_ENV_VARS)[number], string>>): NotifyConfig {
  const problems: string[] = [];
  const input: Record<string, unknown> = {};
  const value = (k: (typeof NOTIFY_ENV_VARS)[number]) => (env[k]?.trim() ? env[k]!.trim() : undefined);
  if (value('KAM_PUBLIC_URL')) input.publicUrl = value('KAM_PUBLIC_URL');
  const smtpUrl = value('KAM_SMTP_URL');
  if (smtpUrl) {
    try {
      const u = new URL(smtpUrl);
      if (u.protocol !== 'smtp:' && u.protocol !== 'smtps:') throw new Error('scheme');
      const secure = u.protocol === 'smtps:';
      input.smtp = {
        host: u.hostname,
        port: u.port ? Number(u.port) : secure ? 465 : 587,
        secure,
        requireTls: u.searchParams.get('requireTls') === 'true',
        ...(u.username ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } : {}),
        ...(value('KAM_SMTP_FROM') ? { from: value('KAM_SMTP_FROM') } : {}),
      };
    } catch {
      problems.push('KAM_SMTP_URL: must be smtp://[user:pass@]host[:port] or smtps://…');
    }
  }
  if (value('KAM_WEBHOOK_URL') || value('KAM_WEBHOOK_SECRET')) {
    if (!value('KAM_WEBHOOK_URL') || !value('KAM_WEBHOOK_SECRET')) {
      problems.push('KAM_WEBHOOK_URL and KAM_WEBHOOK_SECRET must be set together');
    } else input.webhook = { url: value('KAM_WEBHOOK_URL'), secret: value('KAM_WEBHOOK_SECRET') };
  }
  if (value('KAM_SMS_URL')) {
    input.sms = { url: value('KAM_SMS_URL'), ...(value('KAM_SMS_TOKEN') ? { token: value('KAM_SMS_TOKEN') } : {}) };
  }
  const esc = value('KAM_ESCALATION_MINUTES');
  if (esc) {
    const parsed: Record<string, number> = {};
    for (const part of esc.split(',')) {
      const m = /^\s*([ABC])\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
      if (m) parsed[m[1]!] = Number(m[2]);
      else problems.push(`KAM_ESCALATION_MINUTES: "${part}" is not TIER=minutes (e.g. A=15,B=60,C=240)`);
    }
    input.escalationMinutes = parsed;
  }
  const interval = value('KAM_NOTIFY_INTERVAL_MS');
  if (interval) input.worker = { intervalMs: Number(interval) };
  if (problems.length > 0) throw new ConfigError(problems);
  return parseNotifyConfig(input);
}
