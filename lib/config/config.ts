import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../domain/index.ts';

// The one place that reads process.env (conventions.md §7). Everything else receives a frozen
// Config. Variables are named as operators and scripts know them (architecture.md "Interfaces").

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const emptyToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const port = (what: string) =>
  z.coerce
    .number({ error: `${what} must be a TCP port number` })
    .int(`${what} must be an integer`)
    .min(0, `${what} must be between 0 and 65535`)
    .max(65535, `${what} must be between 0 and 65535`);

const booleanFlag = z
  .union([z.boolean(), z.enum(['1', '0', 'true', 'false', 'yes', 'no'])])
  .transform((v) => v === true || v === '1' || v === 'true' || v === 'yes');

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// or postgresql:// URL');

const mqttUrl = z
  .string()
  .refine((v) => /^(mqtts?|wss?|tcp):\/\//.test(v), 'must be an mqtt://, mqtts://, ws:// or wss:// URL');

/** Keys are the environment variable names; a config file may set the same keys. */
export const configSchema = z.object({
  DATABASE_URL: z.preprocess(emptyToUndefined, postgresUrl.optional()),
  MQTT_URL: z.preprocess(emptyToUndefined, mqttUrl.optional()),
  PORT: z.preprocess(emptyToUndefined, port('PORT').default(8080)),
  HOST: z.preprocess(emptyToUndefined, z.string().default('0.0.0.0')),
  KAM_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default('./data')),
  /** Embedded database kept in memory only (tests, throw-away demos). */
  KAM_DB_MEMORY: z.preprocess(emptyToUndefined, booleanFlag.default(false)),
  /** Port of the embedded TimescaleDB socket; 0 picks a free one. */
  KAM_DB_PORT: z.preprocess(emptyToUndefined, port('KAM_DB_PORT').default(0)),
  /** Port of the embedded MQTT broker when MQTT_URL is absent; 0 picks a free one. */
  KAM_MQTT_PORT: z.preprocess(emptyToUndefined, port('KAM_MQTT_PORT').default(1883)),
  /** Fleet file loaded idempotently at start (accounts, managers, meters). */
  KAM_FLEET_FILE: z.preprocess(emptyToUndefined, z.string().default('fleet/demo-fleet.json')),
  /** Run the demo fleet's simulated meters inside `kam start`. */
  KAM_DEMO: z.preprocess(emptyToUndefined, booleanFlag.default(true)),
  /** Fault scenario for the demo meters; empty string = none. */
  KAM_DEMO_SCENARIO: z.string().default('fleet/demo-scenario.json'),
  /** Cron expression for the embedded TimescaleDB job runner. */
  KAM_JOBS_CRON: z.preprocess(emptyToUndefined, z.string().default('*/1 * * * *')),
  /** Password of the demo users (≥ 8 characters); absent: random passwords printed at start. */
  KAM_DEMO_PASSWORD: z.preprocess(
    emptyToUndefined,
    z.string().min(8, 'KAM_DEMO_PASSWORD must have at least 8 characters').optional(),
  ),
  /** Session cookies only over HTTPS (set true behind a TLS proxy). */
  KAM_SECURE_COOKIES: z.preprocess(emptyToUndefined, booleanFlag.default(false)),
  /** Session lifetime in seconds. */
  KAM_SESSION_TTL_S: z.preprocess(emptyToUndefined, z.coerce.number().int().min(60).max(31_536_000).optional()),
  /**
   * Names this process: the MQTT client id of its persistent session (messages published while
   * it is down are delivered when it returns) and meter_status.reported_by. Stable by default;
   * give each ingest process its own when several run on one host.
   */
  KAM_INSTANCE_ID: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'KAM_INSTANCE_ID must be 1-64 characters of A-Z a-z 0-9 _ . -')
      .default(
        hostname()
          .replace(/[^A-Za-z0-9_.-]/g, '-')
          .slice(0, 64) || 'kam',
      ),
  ),
  /** Pause between rules evaluation cycles. */
  KAM_RULES_INTERVAL_MS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int('KAM_RULES_INTERVAL_MS must be an integer').min(10).max(3_600_000).default(5_000),
  ),
  // Notifier settings are validated by services/notify (notifyConfigFromEnv) at start-up; here
  // they are only collected, so that this stays the one place that reads the environment.
  KAM_PUBLIC_URL: z.string().optional(),
  KAM_SMTP_URL: z.string().optional(),
  KAM_SMTP_FROM: z.string().optional(),
  KAM_WEBHOOK_URL: z.string().optional(),
  KAM_WEBHOOK_SECRET: z.string().optional(),
  KAM_SMS_URL: z.string().optional(),
  KAM_SMS_TOKEN: z.string().optional(),
  KAM_ESCALATION_MINUTES: z.string().optional(),
  KAM_NOTIFY_INTERVAL_MS: z.string().optional(),
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(LOG_LEVELS).default('info')),
  /** Optional JSON config file with the same keys; environment wins over the file. */
  KAM_CONFIG: z.preprocess(emptyToUndefined, z.string().optional()),
});

type RawConfig = z.infer<typeof configSchema>;

/** Notifier variables: collected here, validated by services/notify (notifyConfigFromEnv). */
export const NOTIFY_ENV_VARS = [
  'KAM_PUBLIC_URL',
  'KAM_SMTP_URL',
  'KAM_SMTP_FROM',
  'KAM_WEBHOOK_URL',
  'KAM_WEBHOOK_SECRET',
  'KAM_SMS_URL',
  'KAM_SMS_TOKEN',
  'KAM_ESCALATION_MINUTES',
  'KAM_NOTIFY_INTERVAL_MS',
] as const;
export type NotifyEnvVar = (typeof NOTIFY_ENV_VARS)[number];

export interface Config {
  readonly databaseUrl: string | undefined;
  readonly mqttUrl: string | undefined;
  readonly http: { readonly port: number; readonly host: string };
  readonly dataDir: string;
  readonly embeddedDb: { readonly memory: boolean; readonly port: number };
  readonly embeddedMqttPort: number;
  readonly fleetFile: string;
  readonly demo: boolean;
  readonly demoScenarioFile: string | undefined;
  readonly jobsCron: string;
  readonly rulesIntervalMs: number;
  readonly instanceId: string;
  readonly demoPassword: string | undefined;
  readonly auth: { readonly secureCookies: boolean; readonly sessionTtlS: number | undefined };
  /** raw notifier variables, parsed by services/notify at start-up */
  readonly notifyEnv: Readonly<Record<NotifyEnvVar, string | undefined>>;
  readonly logLevel: (typeof LOG_LEVELS)[number];
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (err) {
    throw new ConfigError([`KAM_CONFIG: cannot read ${path} (${(err as NodeJS.ErrnoException).code})`]);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError([`KAM_CONFIG: ${path} is not a JSON object (${(err as Error).message})`]);
  }
}

/**
 * Parses environment (and the optional KAM_CONFIG file) once. Throws a ConfigError listing
 * every bad variable by name, so an operator fixes them all in one go.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const fromFile = env.KAM_CONFIG ? readConfigFile(env.KAM_CONFIG) : {};
  const known = Object.keys(configSchema.shape);
  const merged: Record<string, unknown> = { ...fromFile };
  for (const key of known) if (env[key] !== undefined) merged[key] = env[key];

  const result = configSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join('.') || '(config)'}: ${issue.message}`),
    );
  }
  return toConfig(result.data);
}

function toConfig(raw: RawConfig): Config {
  return Object.freeze({
    databaseUrl: raw.DATABASE_URL,
    mqttUrl: raw.MQTT_URL,
    http: Object.freeze({ port: raw.PORT, host: raw.HOST }),
    dataDir: resolve(raw.KAM_DATA_DIR),
    embeddedDb: Object.freeze({ memory: raw.KAM_DB_MEMORY, port: raw.KAM_DB_PORT }),
    embeddedMqttPort: raw.KAM_MQTT_PORT,
    fleetFile: resolve(raw.KAM_FLEET_FILE),
    demo: raw.KAM_DEMO,
    demoScenarioFile: raw.KAM_DEMO_SCENARIO ? resolve(raw.KAM_DEMO_SCENARIO) : undefined,
    jobsCron: raw.KAM_JOBS_CRON,
    rulesIntervalMs: raw.KAM_RULES_INTERVAL_MS,
    instanceId: raw.KAM_INSTANCE_ID,
    demoPassword: raw.KAM_DEMO_PASSWORD,
    auth: Object.freeze({ secureCookies: raw.KAM_SECURE_COOKIES, sessionTtlS: raw.KAM_SESSION_TTL_S }),
    notifyEnv: Object.freeze(
      Object.fromEntries(NOTIFY_ENV_VARS.map((k) => [k, raw[k]])) as Record<NotifyEnvVar, string | undefined>,
    ),
    logLevel: raw.LOG_LEVEL,
  });
}
