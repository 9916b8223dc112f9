import {
  emptyPeriodRecord,
  energyPriceOf,
  type PriceEntry,
  priceFor,
  TOU_PERIODS,
  type TouContext,
  type TouPeriod,
  walkTouEnergy,
} from '../../../lib/domain/index.ts';
import type { LocalDate } from '../../../lib/domain/index.ts';
import { ReportInputError } from './errors.ts';
import {
  checkNonNegative,
  checkTime,
  DEFAULT_UNUSABLE_QUALITY_MASK,
  type IntervalEnergyPoint,
  isUsable,
  pct,
  round6,
} from './inputs.ts';

// Energy by time-of-use period with its energy charge, and what moving part of the peak energy
// to the valley would save (peak-to-valley shift potential). Periods come from the ToU schedule
// valid on each local date and prices from the price entry valid that date, so a tariff change
// mid-month is priced correctly. Energy without a price is reported, never priced at zero.

export interface TouPeriodLine {
  period: TouPeriod;
  energyKwh: number;
  /** share of the energy attributed to a period */
  sharePct: number | null;
  /** energy charge in the price file's currency; null when part of it has no price */
  energyCharge: number | null;
  /** charge / energy; null without energy or price */
  averagePricePerKwh: number | null;
}

export interface TouEnergyCostResult {
  periods: TouPeriodLine[];
  totalKwh: number;
  /** sum of the priced lines */
  energyCharge: number;
  /** energy in a period (or on a date) without a price */
  unpricedKwh: number;
  /** energy on dates without a valid ToU schedule */
  unscheduledKwh: number;
  intervalsCounted: number;
  /** unknown or flagged intervals, left out */
  intervalsMissing: number;
  datesNotCovered: LocalDate[];
  shiftPotential: {
    /** share of peak and critical-peak energy assumed movable to the valley */
    shiftSharePct: number;
    shiftedKwh: number;
    /** charge saved by pricing the shifted energy at the valley price of the same day */
    saving: number | null;
  };
}

/**
 * Energy of an interval series (default 15 minutes) by ToU period, with charges from dated
 * prices for the account's region and customer class. Shift potential: `shiftSharePct`
 * (default 10 %) of the peak and critical-peak energy moved to the valley of the same day.
 */
export function computeTouEnergyCost(
  intervals: readonly IntervalEnergyPoint[],
  ctx: TouContext,
  prices: readonly PriceEntry[],
  select: { region: string; customerClass: string },
  options: { intervalMinutes?: number; shiftSharePct?: number; unusableQualityMask?: number } = {},
): TouEnergyCostResult {
  const intervalMinutes = options.intervalMinutes ?? 15;
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1)
    throw new ReportInputError('intervalMinutes', `must be an integer ≥ 1, got ${intervalMinutes}`);
  const shiftSharePct = options.shiftSharePct ?? 10;
  checkNonNegative(shiftSharePct, 'shiftSharePct');
  if (shiftSharePct > 100) throw new ReportInputError('shiftSharePct', 'must be at most 100');
  const mask = options.unusableQualityMask ?? DEFAULT_UNUSABLE_QUALITY_MASK;

  intervals.forEach((iv, i) => {
    checkTime(iv.startMs, `intervals[${i}].startMs`);
    if (iv.energyKwh !== null) checkNonNegative(iv.energyKwh, `intervals[${i}].energyKwh`);
  });

  const energy = emptyPeriodRecord();
  const charge = emptyPeriodRecord();
  const unpricedByPeriod = emptyPeriodRecord();
  let unscheduledKwh = 0;
  let shiftedKwh = 0;
  let saving: number | null = 0;
  // flagged intervals are unknown for billing (domain.md §6): walk them as missing
  const usable = intervals.map((iv) => ({ startMs: iv.startMs, energyKwh: isUsable(iv, mask) ? iv.energyKwh : null }));
  const summary = walkTouEnergy(
    usable,
    ctx,
    (seg, kwh) => {
      if (seg.period === null) {
        unscheduledKwh += kwh;
        return;
      }
      energy[seg.period] += kwh;
      const entry = priceFor(seg.date, prices, select);
      const price = entry ? energyPriceOf(entry, seg.period) : null;
      if (price === null) unpricedByPeriod[seg.period] += kwh;
      else charge[seg.period] += kwh * price;
      if (seg.period === 'peak' || seg.period === 'critical_peak') {
        const moved = (kwh * shiftSharePct) / 100;
        shiftedKwh += moved;
        const valley = entry ? energyPriceOf(entry, 'valley') : null;
        saving = price === null || valley === null || saving === null ? null : saving + moved * (price - valley);
      }
    },
    { intervalMinutes },
  );
  const totalKwh = TOU_PERIODS.reduce((s, p) => s + energy[p], 0);
  const periods = TOU_PERIODS.map((period): TouPeriodLine => {
    const priced = unpricedByPeriod[period] === 0;
    return {
      period,
      energyKwh: round6(energy[period]),
      sharePct: pct(energy[period], totalKwh),
      energyCharge: priced ? round6(charge[period]) : null,
      averagePricePerKwh: priced && energy[period] > 0 ? round6(charge[period] / energy[period]) : null,
    };
  });
  return {
    periods,
    totalKwh: round6(totalKwh),
    energyCharge: round6(TOU_PERIODS.reduce((s, p) => s + charge[p], 0)),
    unpricedKwh: round6(TOU_PERIODS.reduce((s, p) => s + unpricedByPeriod[p], 0)),
    unscheduledKwh: round6(unscheduledKwh),
    intervalsCounted: summary.intervalsCounted,
    intervalsMissing: summary.intervalsMissing,
    datesNotCovered: summary.datesNotCovered,
    shiftPotential: { shiftSharePct, shiftedKwh: round6(shiftedKwh), saving: saving === null ? null : round6(saving) },
  };
}
