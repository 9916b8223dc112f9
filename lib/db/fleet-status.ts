import type { Db } from './pool.ts';

export interface FleetStatus {
  schemaVersion: number | null;
  managers: number;
  accounts: number;
  keyAccounts: number;
  meters: number;
  readings: number;
  lastReadingAt: string | null;
  openAlerts: number;
  deadLetters: number;
}

/** Counts for `kam status` and /status; one set-based statement. */
export async function readFleetStatus(db: Db): Promise<FleetStatus> {
  const { rows } = await db.query<Record<string, number | Date | null>>(`
    SELECT
      (SELECT max(version) FROM schema_migrations)                 AS schema_version,
      (SELECT count(*) FROM managers)                              AS managers,
      (SELECT count(*) FROM accounts)                              AS accounts,
      (SELECT count(*) FROM accounts WHERE is_key_account)         AS key_accounts,
      (SELECT count(*) FROM meters WHERE active)                   AS meters,
      (SELECT count(*) FROM readings)                              AS readings,
      (SELECT max(ts) FROM readings)                               AS last_reading_at,
      (SELECT count(*) FROM alerts WHERE state <> 'resolved')      AS open_alerts,
      (SELECT count(*) FROM dead_letters)                          AS dead_letters`);
  const r = rows[0]!;
  const n = (v: unknown) => Number(v ?? 0);
  return {
    schemaVersion: r.schema_version === null ? null : n(r.schema_version),
    managers: n(r.managers),
    accounts: n(r.accounts),
    keyAccounts: n(r.key_accounts),
    meters: n(r.meters),
    readings: n(r.readings),
    lastReadingAt: r.last_reading_at instanceof Date ? r.last_reading_at.toISOString() : null,
    openAlerts: n(r.open_alerts),
    deadLetters: n(r.dead_letters),
  };
}
