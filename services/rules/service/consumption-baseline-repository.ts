import { QUALITY } from '../../../lib/domain/index.ts';
import type { ConsumptionBaseline, SlotStat } from '../core/index.ts';

interface Queryable {
  query<R extends Record<string, unknown>>(text: string, values?: unknown[]): Promise<{ rows: R[] }>;
}

export interface BaselineOptions {
  /** history used, ending at `until` (project default: four weeks) */
  weeks: number;
  /** a slot needs this many days of its day type to have a baseline */
  minSamples: number;
}

export const DEFAULT_BASELINE_OPTIONS: BaselineOptions = { weeks: 4, minSamples: 3 };

const SLOTS_PER_DAY = 96;

/**
 * The consumption baseline of each meter: mean and standard deviation of the energy of every
 * 15-minute slot of the local day (China Standard Time, domain.md §6), separately for workdays
 * and weekends, from the counter differences of `load_15m` over the past weeks. Intervals after a
 * counter reset or flagged implausible, and negative differences, are left out: a baseline is
 * built from what the meter really measured.
 */
export async function loadConsumptionBaselines(
  db: Queryable,
  meterIds: readonly number[],
  until: Date,
  options: BaselineOptions = DEFAULT_BASELINE_OPTIONS,
): Promise<Map<number, ConsumptionBaseline>> {
  const baselines = new Map<number, ConsumptionBaseline>();
  if (meterIds.length === 0) return baselines;
  const { rows } = await db.query<{
    meter_id: number;
    weekend: boolean;
    slot: number;
    samples: number;
    mean_kwh: number;
    stddev_kwh: number;
  }>(
    `WITH intervals AS (
       SELECT meter_id, bucket, quality,
              import_kwh_last - lag(import_kwh_last) OVER (PARTITION BY meter_id ORDER BY bucket) AS kwh,
              bucket - lag(bucket) OVER (PARTITION BY meter_id ORDER BY bucket) AS step
         FROM load_15m
        WHERE meter_id = ANY ($1::int[]) AND bucket >= $2::timestamptz - interval '15 minutes' AND bucket < $3
     )
     SELECT meter_id,
            extract(isodow FROM bucket AT TIME ZONE 'Asia/Shanghai') >= 6 AS weekend,
            ((extract(hour FROM bucket AT TIME ZONE 'Asia/Shanghai') * 60
              + extract(minute FROM bucket AT TIME ZONE 'Asia/Shanghai')) / 15)::int AS slot,
            count(*)::int AS samples,
            avg(kwh)::float8 AS mean_kwh,
            coalesce(stddev_samp(kwh), 0)::float8 AS stddev_kwh
       FROM intervals
      WHERE bucket >= $2 AND kwh >= 0 AND step = interval '15 minutes' AND quality & $4 = 0
      GROUP BY 1, 2, 3`,
    [
      meterIds,
      new Date(until.getTime() - options.weeks * 7 * 86_400_000),
      until,
      QUALITY.COUNTER_RESET | QUALITY.IMPLAUSIBLE,
    ],
  );
  const tables = new Map<number, { workday: SlotStat[]; weekend: SlotStat[] }>();
  for (const r of rows) {
    if (r.samples < options.minSamples) continue;
    let t = tables.get(r.meter_id);
    if (!t) {
      t = {
        workday: new Array<SlotStat>(SLOTS_PER_DAY).fill(null),
        weekend: new Array<SlotStat>(SLOTS_PER_DAY).fill(null),
      };
      tables.set(r.meter_id, t);
    }
    (r.weekend ? t.weekend : t.workday)[r.slot] = { meanKwh: Math.max(0, r.mean_kwh), stddevKwh: r.stddev_kwh };
  }
  for (const [meterId, t] of tables) {
    const hasWeekend = t.weekend.some((s) => s !== null);
    baselines.set(meterId, {
      workday: t.workday,
      ...(hasWeekend ? { weekend: t.weekend } : {}),
      holidays: [],
      makeupWorkdays: [],
    });
  }
  return baselines;
}
