// Shared by the alerts, rules and notify integration tests: a migrated database with the demo
// fleet, readings written straight into the hypertable (ingest is built elsewhere), the clock.
import pino from 'pino';
import type { Db } from '../../lib/db/index.ts';
import { createManualClock, READING_QUANTITIES, type ReadingValues } from '../../lib/domain/index.ts';
import { type Backend, openMigratedDatabase, type TestDatabase } from './databases.ts';

export const silent = pino({ level: 'silent' });

/** Monday 2026-03-02 10:00 China Standard Time. */
export const T0 = Date.parse('2026-03-02T02:00:00Z');
export const at = (seconds: number) => new Date(T0 + seconds * 1000);

export interface MeterRef {
  id: number;
  accountId: number;
}

export async function openAlertingDb(backend: Backend): Promise<{ t: TestDatabase; meters: Record<string, MeterRef> }> {
  const t = await openMigratedDatabase(backend, { fleet: true });
  const { rows } = await t.db.query<{ code: string; id: number; account_id: number }>(
    'SELECT code, id, account_id FROM meters',
  );
  return { t, meters: Object.fromEntries(rows.map((r) => [r.code, { id: r.id, accountId: r.account_id }])) };
}

/** Forget every reading, alert, notification and checkpoint; evaluate only the given meters. */
export async function resetAlerting(db: Db, activeMeterCodes: readonly string[]): Promise<void> {
  await db.query(
    'TRUNCATE readings, alert_events, notifications, rules_meter_state, rules_checkpoints, service_records, alerts',
  );
  await db.query('UPDATE meters SET active = (code = ANY($1::text[]))', [activeMeterCodes]);
}

const KEY_TO_COLUMN = new Map<string, string>(READING_QUANTITIES.map((q) => [q.key, q.column]));

/** Readings every `stepS` seconds for `fromS` ≤ s < `toS` (seconds after T0), one statement. */
export async function insertReadings(
  db: Db,
  meterId: number,
  fromS: number,
  toS: number,
  stepS: number,
  values: (s: number, i: number) => ReadingValues,
): Promise<number> {
  const rows: Record<string, unknown>[] = [];
  for (let s = fromS, i = 0; s < toS; s += stepS, i++) {
    const row: Record<string, unknown> = { meter_id: meterId, ts: at(s).toISOString(), quality: 0 };
    for (const [k, v] of Object.entries(values(s, i))) row[KEY_TO_COLUMN.get(k)!] = v;
    rows.push(row);
  }
  const result = await db.query(
    `INSERT INTO readings SELECT * FROM jsonb_populate_recordset(NULL::readings, $1::jsonb)
     ON CONFLICT (meter_id, ts) DO NOTHING`,
    [JSON.stringify(rows)],
  );
  return result.rowCount ?? 0;
}

/** A healthy 380/220 V three-phase reading, varying a little (a frozen meter would be a fault). */
export function healthy(i: number, overrides: ReadingValues = {}): ReadingValues {
  const wobble = (i % 5) * 0.1;
  return {
    voltageAV: 221 + wobble,
    voltageBV: 220.5 - wobble,
    voltageCV: 219.8 + wobble,
    currentAA: 60 + wobble,
    currentBA: 60,
    currentCA: 60 - wobble,
    powerKw: 39 + wobble,
    ...overrides,
  };
}

/** The domain clock, stopped at `at` (the test moves it by hand). */
export const clockAt = (time: Date) => createManualClock(time.getTime());
