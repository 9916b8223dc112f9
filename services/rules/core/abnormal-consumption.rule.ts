import type { ConditionResult } from './alert-kinds.ts';
import { isAbove, isAtMost, isBelow, round6 } from './compare.ts';
import type { EnergyBlock } from './energy-blocks.ts';
import type { ConsumptionBaseline, ResolvedMeterContext, SlotStat } from './meter-context.ts';
import type { RulesConfig } from './rules-config.ts';

export type DayType = 'workday' | 'weekend' | 'holiday';

/** Local date (YYYY-MM-DD), day of week and 15-minute slot of an instant at a fixed UTC offset. */
export function localSlot(
  epochMs: number,
  utcOffsetMinutes: number,
): { date: string; dayOfWeek: number; slot: number } {
  const local = new Date(epochMs + utcOffsetMinutes * 60_000);
  return {
    date: local.toISOString().slice(0, 10),
    dayOfWeek: local.getUTCDay(),
    slot: Math.floor((local.getUTCHours() * 60 + local.getUTCMinutes()) / 15),
  };
}

/** Holiday if listed; Saturday/Sunday weekend unless a make-up working day; otherwise workday. */
export function dayTypeOf(date: string, dayOfWeek: number, baseline: ConsumptionBaseline): DayType {
  if (baseline.holidays.includes(date)) return 'holiday';
  if ((dayOfWeek === 0 || dayOfWeek === 6) && !baseline.makeupWorkdays.includes(date)) return 'weekend';
  return 'workday';
}

function slotStat(baseline: ConsumptionBaseline, dayType: DayType, slot: number): SlotStat | undefined {
  // a holiday without its own profile looks like a weekend; a weekend without one, like a workday
  const table =
    dayType === 'holiday'
      ? (baseline.holiday ?? baseline.weekend ?? baseline.workday)
      : dayType === 'weekend'
        ? (baseline.weekend ?? baseline.workday)
        : baseline.workday;
  return table[slot] ?? undefined;
}

/**
 * Abnormal consumption: the energy of a 15-minute block against the account's baseline for that
 * time-of-day slot and day type (local time, `utcOffsetMinutes`). Baseline slots are
 * mean/stddev (z-score: |z| > zThreshold trips, ≤ recoveryZ clears) or a quantile band
 * (outside [low / factor, high × factor] trips, inside [low, high] clears). Deviations under
 * `minDeviationKwh` never trip. Blocks not aligned to 15 minutes are not judged.
 */
export function evaluateAbnormalConsumption(
  block: EnergyBlock,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  const baseline = ctx.consumptionBaseline;
  const kwh = block.deltas.importKwh;
  if (!baseline || kwh === undefined || block.endMs - block.startMs !== 15 * 60_000) return [];
  const { date, dayOfWeek, slot } = localSlot(block.startMs, config.utcOffsetMinutes);
  const dayType = dayTypeOf(date, dayOfWeek, baseline);
  const stat = slotStat(baseline, dayType, slot);
  if (!stat) return [];
  const c = config.abnormalConsumption;
  const base = {
    kind: 'abnormal_consumption' as const,
    channel: 'total' as const,
    since: block.startMs,
    details: {
      blockStart: new Date(block.startMs).toISOString(),
      kwh: round6(kwh),
      localDate: date,
      slot,
      dayType,
      baseline: stat,
    },
  };
  if ('meanKwh' in stat) {
    const deviation = kwh - stat.meanKwh;
    const big = isAbove(Math.abs(deviation), Math.max(c.minDeviationKwh, (stat.meanKwh * c.minDeviationPct) / 100));
    // a zero stddev (a perfectly flat history) makes any deviation infinitely unusual: cap z so
    // the evidence stays JSON; the minimum deviation keeps noise out
    const z = stat.stddevKwh > 0 ? deviation / stat.stddevKwh : deviation === 0 ? 0 : Math.sign(deviation) * 1e9;
    return [
      {
        ...base,
        active: big && isAbove(Math.abs(z), c.zThreshold),
        clearable: !big || isAtMost(Math.abs(z), c.recoveryZ),
        measured: round6(z),
        limit: c.zThreshold,
        recoveryLimit: c.recoveryZ,
        unit: 'z-score',
      },
    ];
  }
  const high = stat.highKwh * c.quantileFactor;
  const low = stat.lowKwh / c.quantileFactor;
  const outside = isAbove(kwh, high) || isBelow(kwh, low);
  const nearest = kwh > stat.highKwh ? stat.highKwh : stat.lowKwh;
  const big = isAbove(Math.abs(kwh - nearest), c.minDeviationKwh);
  return [
    {
      ...base,
      active: big && outside,
      clearable: !big || (kwh >= stat.lowKwh && kwh <= stat.highKwh),
      measured: round6(kwh),
      limit: round6(kwh > stat.highKwh ? high : low),
      recoveryLimit: kwh > stat.highKwh ? stat.highKwh : stat.lowKwh,
      unit: 'kWh per slot',
    },
  ];
}
