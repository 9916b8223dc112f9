import type { Db } from '../../lib/db/index.ts';
import type { Clock } from '../../lib/domain/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import type { LiveStreamHub } from './live-stream.ts';
import type { ApiMetrics } from './metrics.ts';

/** What route modules get: the database, time, the live-stream hub, metrics and settings. */
export interface ApiContext {
  db: Db;
  logger: Logger;
  clock: Clock;
  /** the clock's time as a Date */
  now(): Date;
  hub: LiveStreamHub;
  metrics: ApiMetrics;
  components: () => Record<string, unknown>;
  auth: AuthSettings;
}

export interface AuthSettings {
  /** session lifetime, seconds (default 12 h: one shift) */
  sessionTtlS: number;
  /** add `Secure` to the session cookie (behind TLS) */
  secureCookies: boolean;
  /** failed logins per username within the window before 429 */
  maxFailedLogins: number;
  failedLoginWindowMs: number;
}

export const DEFAULT_AUTH: AuthSettings = {
  sessionTtlS: 12 * 3600,
  secureCookies: false,
  maxFailedLogins: 5,
  failedLoginWindowMs: 15 * 60_000,
};

/** China Standard Time has no daylight saving (domain.md §6): local midnight is UTC+8 fixed. */
export const CST_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;

export function localDayStart(t: Date, daysBack = 0): Date {
  const local = t.getTime() + CST_OFFSET_MS;
  return new Date(Math.floor(local / DAY_MS) * DAY_MS - CST_OFFSET_MS - daysBack * DAY_MS);
}
