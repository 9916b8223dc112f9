import { type Db } from '../../../lib/db/index.ts';
import { READING_QUANTITIES } from '../../../lib/domain/index.ts';

// Load curves from the right source for the range (architecture.md: readings hypertable and the
// load_1m / load_15m / energy_daily continuous aggregates, real-time aggregation on).

export const RESOLUTIONS = ['raw', '1m', '15m', '1d'] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

export const BUCKET_MS: Record<Exclude<Resolution, 'raw'>, number> = {
  '1m': MINUTE_MS,
  '15m': 15 * MINUTE_MS,
  '1d': DAY_MS,
};

/**
 * The aggregate for a range, aiming at a few hundred to a few thousand points:
 * up to 2 h raw readings (a meter) or 1-minute buckets (an account), up to 12 h 1-minute buckets,
 * up to 62 days the 15-minute load curve (96 points a day, domain.md §6), beyond that days.
 */
export function chooseResolution(spanMs: number, level: 'meter' | 'account'): Resolution {
  if (spanMs <= 2 * HOUR_MS) return level === 'meter' ? 'raw' : '1m';
  if (spanMs <= 12 * HOUR_MS) return '1m';
  if (spanMs <= 62 * DAY_MS) return '15m';
  return '1d';
}

/** Largest span served per resolution, so one request stays bounded (~100 k points). */
export const MAX_SPAN_MS: Record<Resolution, number> = {
  raw: 2 * DAY_MS,
  '1m': 31 * DAY_MS,
  '15m': 366 * DAY_MS,
  '1d': 3 * 366 * DAY_MS,
};

export type CurvePoint = Record<string, string | number | null>;

export interface Curve {
  resolution: Resolution;
  columns: string[];
  points: CurvePoint[];
}

const AGG_POWER_COLUMNS = [
  'samples',
  'power_avg_kw AS "powerAvgKw"',
  'power_min_kw AS "powerMinKw"',
  'power_max_kw AS "powerMaxKw"',
  'reactive_avg_kvar AS "reactiveAvgKvar"',
  'pf_avg AS "pfAvg"',
];
const AGG_VOLTAGE_RANGE_COLUMNS = ['voltage_min_v AS "voltageMinV"', 'voltage_max_v AS "voltageMaxV"', 'quality'];

/** load_1m also keeps the per-phase average voltages (migrations/003); load_15m does not. */
const METER_AGG_COLUMNS: Record<'1m' | '15m', string[]> = {
  '1m': [
    ...AGG_POWER_COLUMNS,
    'voltage_a_avg_v AS "voltageAAvgV"',
    'voltage_b_avg_v AS "voltageBAvgV"',
    'voltage_c_avg_v AS "voltageCAvgV"',
    ...AGG_VOLTAGE_RANGE_COLUMNS,
  ],
  '15m': [...AGG_POWER_COLUMNS, ...AGG_VOLTAGE_RANGE_COLUMNS],
};

const VIEW = { '1m': 'load_1m', '15m': 'load_15m' } as const;

function outputName(column: string): string {
  const m = /AS "(\w+)"$/.exec(column);
  return m ? m[1]! : column;
}

/**
 * One meter's curve. Interval energy is the counter difference to the previous bucket's last
 * counter (domain.md §6), NULL when negative (rollover, replacement) or unknown; the query reads
 * one bucket before `from` so the first point has its energy too.
 */
export async function meterCurve(
  db: Db,
  meterId: number,
  resolution: Resolution,
  from: Date,
  to: Date,
): Promise<Curve> {
  if (resolution === 'raw') {
    const cols = READING_QUANTITIES.map((q) => `${q.column} AS "${q.key}"`);
    const { rows } = await db.query<CurvePoint>(
      `SELECT ts, ${cols.join(', ')}, quality FROM readings WHERE meter_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts`,
      [meterId, from, to],
    );
    return { resolution, columns: ['ts', ...READING_QUANTITIES.map((q) => q.key), 'quality'], points: rows.map(isoTs) };
  }
  if (resolution === '1d') {
    const { rows } = await db.query<CurvePoint>(
      `SELECT ts, samples, "powerMaxKw", "powerMinKw", "energyKwh", quality FROM (
         SELECT day AS ts, samples, power_max_kw AS "powerMaxKw", power_min_kw AS "powerMinKw",
                ${energyExpr('import_kwh_last', 'import_kwh_first', 'day')} AS "energyKwh", quality
           FROM energy_daily WHERE meter_id = $1 AND day >= $2::timestamptz - interval '1 day' AND day < $3
       ) d WHERE ts >= $2 ORDER BY ts`,
      [meterId, from, to],
    );
    return {
      resolution,
      columns: ['ts', 'samples', 'powerMaxKw', 'powerMinKw', 'energyKwh', 'quality'],
      points: rows.map(isoTs),
    };
  }
  const cols = METER_AGG_COLUMNS[resolution];
  const names = cols.map(outputName);
  const { rows } = await db.query<CurvePoint>(
    `SELECT ts, ${names.map((n) => `"${n}"`).join(', ')}, "energyKwh" FROM (
       SELECT bucket AS ts, ${cols.join(', ')},
              ${energyExpr('import_kwh_last', 'import_kwh_first', 'bucket')} AS "energyKwh"
         FROM ${VIEW[resolution]}
        WHERE meter_id = $1 AND bucket >= $2::timestamptz - $4::interval AND bucket < $3
     ) c WHERE ts >= $2 ORDER BY ts`,
    [meterId, from, to, `${BUCKET_MS[resolution] / 1000} seconds`],
  );
  return { resolution, columns: ['ts', ...names, 'energyKwh'], points: rows.map(isoTs) };
}

/**
 * An account's curve: per bucket the sum over its meters of average power and of interval energy.
 * Meters may be nested (an incomer and its feeders): the sum then counts a feeder twice — the
 * schema has no parent meter yet (see docs/api.md).
 */
export async function accountCurve(
  db: Db,
  meterIds: number[],
  resolution: Exclude<Resolution, 'raw'>,
  from: Date,
  to: Date,
): Promise<Curve> {
  const view = resolution === '1d' ? 'energy_daily' : VIEW[resolution];
  const bucket = resolution === '1d' ? 'day' : 'bucket';
  const power = resolution === '1d' ? 'NULL::float8' : 'power_avg_kw';
  const { rows } = await db.query<CurvePoint>(
    `SELECT ts, sum(power)::float8 AS "powerKw", sum(energy)::float8 AS "energyKwh", count(*)::int AS meters
       FROM (
         SELECT ${bucket} AS ts, ${power} AS power,
                ${energyExpr('import_kwh_last', 'import_kwh_first', bucket)} AS energy
           FROM ${view}
          WHERE meter_id = ANY ($1::int[])
            AND ${bucket} >= $2::timestamptz - $4::interval AND ${bucket} < $3
       ) c
      WHERE ts >= $2
      GROUP BY ts ORDER BY ts`,
    [meterIds, from, to, `${BUCKET_MS[resolution] / 1000} seconds`],
  );
  const columns = resolution === '1d' ? ['ts', 'energyKwh', 'meters'] : ['ts', 'powerKw', 'energyKwh', 'meters'];
  return {
    resolution,
    columns,
    points: rows.map((r) => {
      const p = isoTs(r);
      if (resolution === '1d') delete p.powerKw;
      return p;
    }),
  };
}

// domain.md §6: interval energy = counter difference; never negative (rollover or replacement → NULL)
function energyExpr(last: string, first: string, order: string): string {
  return `CASE WHEN ${last} - coalesce(lag(${last}) OVER (PARTITION BY meter_id ORDER BY ${order}), ${first}) >= 0
               THEN ${last} - coalesce(lag(${last}) OVER (PARTITION BY meter_id ORDER BY ${order}), ${first}) END`;
}

function isoTs(row: CurvePoint): CurvePoint {
  const ts = row.ts as unknown;
  return { ...row, ts: ts instanceof Date ? ts.toISOString() : (ts as string) };
}

/** Sum of every visible account's 15-minute load from `from` (yesterday's local midnight) to `to`. */
export async function accountLoad15m(
  db: Db,
  accountIds: number[],
  from: Date,
  to: Date,
): Promise<Array<{ accountId: number; ts: string; powerKw: number }>> {
  const { rows } = await db.query<{ accountId: number; ts: Date; powerKw: number }>(
    `SELECT m.account_id AS "accountId", l.bucket AS ts, sum(l.power_avg_kw)::float8 AS "powerKw"
       FROM load_15m l JOIN meters m ON m.id = l.meter_id
      WHERE m.account_id = ANY ($1::int[]) AND m.in_account_total AND l.bucket >= $2 AND l.bucket < $3 AND l.power_avg_kw IS NOT NULL
      GROUP BY m.account_id, l.bucket
      ORDER BY m.account_id, l.bucket`,
    [accountIds, from, to],
  );
  return rows.map((r) => ({ ...r, ts: r.ts.toISOString() }));
}

/** Interval energy by time-of-use period (migration 003 energy_by_tou_15m) for an account's meters. */
export async function energyByTou(
  db: Db,
  meterIds: number[],
  from: Date,
  to: Date,
): Promise<Array<{ period: string; energyKwh: number }>> {
  const { rows } = await db.query<{ period: string; energyKwh: number }>(
    `SELECT coalesce(period, 'unknown') AS period, coalesce(sum(import_kwh), 0)::float8 AS "energyKwh"
       FROM energy_by_tou_15m
      WHERE meter_id = ANY ($1::int[]) AND bucket >= $2 AND bucket < $3
      GROUP BY 1
      ORDER BY array_position(ARRAY['critical_peak', 'peak', 'flat', 'valley', 'unknown'], coalesce(period, 'unknown'))`,
    [meterIds, from, to],
  );
  return rows;
}

/** The meters whose sum is the account's load (sub-meters left out: migration 008). */
export async function meterIdsOfAccount(db: Db, accountId: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    'SELECT id FROM meters WHERE account_id = $1 AND in_account_total ORDER BY id',
    [accountId],
  );
  return rows.map((r) => r.id);
}

export async function rawReadingsPage(
  db: Db,
  meterId: number,
  from: Date,
  to: Date,
  afterTs: Date | undefined,
  limit: number,
): Promise<CurvePoint[]> {
  const cols = READING_QUANTITIES.map((q) => `${q.column} AS "${q.key}"`);
  const { rows } = await db.query<CurvePoint>(
    `SELECT ts, ${cols.join(', ')}, quality FROM readings
      WHERE meter_id = $1 AND ts >= $2 AND ts < $3 AND ($4::timestamptz IS NULL OR ts > $4)
      ORDER BY ts LIMIT $5`,
    [meterId, from, to, afterTs ?? null, limit + 1],
  );
  return rows.map(isoTs);
}
