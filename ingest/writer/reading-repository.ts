// SQL of the write path. One set-based statement per batch (conventions.md §17): the batch is
// passed column-wise as arrays and unnested, so 1,000 readings are one round trip with 30
// parameters whatever the batch size. ON CONFLICT makes a replayed batch (spool, retried flush)
// a no-op per (meter_id, ts) — readings' primary key, migrations/002_readings.sql.
import { READING_QUANTITIES, type Reading } from '../../lib/domain/index.ts';

/** A database handle the writer can use: the project's Db or one pooled client. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rowCount: number | null }>;
}

const VALUE_COLUMNS = READING_QUANTITIES.map((q) => q.column);

// Column names come from the constant READING_QUANTITIES list, never from input.
export const INSERT_READINGS_SQL = `
INSERT INTO readings (meter_id, ts, quality, ${VALUE_COLUMNS.join(', ')})
SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::smallint[], ${VALUE_COLUMNS.map((_, i) => `$${i + 4}::float8[]`).join(', ')})
ON CONFLICT (meter_id, ts) DO NOTHING`;

/** Column-wise parameters for INSERT_READINGS_SQL. Absent values are NULL, never zero. */
export function toColumnParams(readings: readonly Reading[]): unknown[] {
  const n = readings.length;
  const meterIds = new Array<number>(n);
  const timestamps = new Array<string>(n);
  const qualities = new Array<number>(n);
  const columns = READING_QUANTITIES.map(() => new Array<number | null>(n));
  for (let i = 0; i < n; i++) {
    const r = readings[i]!;
    meterIds[i] = r.meterId;
    timestamps[i] = r.ts.toISOString();
    qualities[i] = r.quality;
    for (let c = 0; c < READING_QUANTITIES.length; c++) {
      const v = r.values[READING_QUANTITIES[c]!.key];
      columns[c]![i] = v === undefined || !Number.isFinite(v) ? null : v;
    }
  }
  return [meterIds, timestamps, qualities, ...columns];
}

/** Inserts the readings; returns how many rows were new (the rest already existed). */
export async function insertReadings(db: Queryable, readings: readonly Reading[]): Promise<number> {
  if (readings.length === 0) return 0;
  const result = await db.query(INSERT_READINGS_SQL, toColumnParams(readings));
  return result.rowCount ?? 0;
}

/**
 * pg error classes that say "this data is wrong", not "the database is away": 22 data exception,
 * 23 integrity constraint violation (PostgreSQL Appendix A). Retrying them cannot succeed.
 */
export function isDataError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.length === 5 && (code.startsWith('22') || code.startsWith('23'));
}
