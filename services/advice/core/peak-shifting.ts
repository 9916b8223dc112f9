import { z } from 'zod';
import type { LocalDate } from '../../../lib/domain/index.ts';
import { TOU_PERIODS, type TouPeriod } from '../../../lib/domain/index.ts';
import { assertDailyLoads, type DailyLoad, SLOT_HOURS, SLOTS_PER_DAY } from '../../../lib/load-curve/index.ts';
import { parseOrThrow } from '../../../lib/domain/index.ts';
import { AdviceError } from './errors.ts';

/**
 * Time-of-use period of a 15-minute interval, in the tariff module's vocabulary (TouPeriod:
 * critical peak, peak, flat, valley, deep valley; domain.md §6). The periods differ by province
 * and date, so they come in from the caller (the tariff module), as a function of local date and
 * slot or as one 96-slot day.
 */
export type PeriodOf = (date: LocalDate, slot: number) => TouPeriod;

/** Where energy is moved from: the dear side of the day. */
const PEAK_SIDE = ['critical_peak', 'peak'] as const;
type PeakSide = (typeof PEAK_SIDE)[number];
/**
 * Where it can go: the valley side. A deep valley (深谷, in the provinces that have one) is a
 * valley priced below the valley, so it takes moved energy like the valley does.
 */
const VALLEY_SIDE = ['deep_valley', 'valley'] as const;
type ValleySide = (typeof VALLEY_SIDE)[number];

const price = z.number().min(0);

export const peakShiftingOptionsSchema = z.object({
  /**
   * share of each day's peak (and critical-peak) energy that the process can move; project
   * default 10 %: what a plant moves with storage, batch scheduling or pre-cooling without
   * changing its output. Set it per account from an energy audit.
   */
  movableShare: z.number().min(0).max(1).default(0.1),
  /**
   * moved load may fill the valley up to this fraction of the capacity; project default 90 %,
   * so the valley's own variation does not set a new maximum demand (domain.md §10: demand
   * above 105 % of the declared value is billed at a penalty)
   */
  valleyLoadingLimit: z.number().gt(0).max(1.2).default(0.9),
});
export type PeakShiftingOptionsInput = z.input<typeof peakShiftingOptionsSchema>;

export interface PeakShiftingInput {
  /** the account's 15-minute curve, whole local days */
  days: readonly DailyLoad[];
  /** ToU period of each slot: a function of (date, slot) or one 96-slot day used for every date */
  periods: PeriodOf | readonly TouPeriod[];
  /**
   * energy price per kWh in each period, any currency (the savings come out in the same). Without
   * a critical-peak price its energy is valued at the peak price, without a deep-valley price at
   * the valley price: the advice errs low rather than inventing a price.
   */
  pricePerKwh: { critical_peak?: number; peak: number; flat: number; valley: number; deep_valley?: number };
  /** the account's capacity in kW that the valley load must stay under (contracted or declared) */
  capacityKw: number;
  options?: PeakShiftingOptionsInput;
}

/** kWh figures of one day, or summed over all days */
export interface ShiftEnergy {
  peakEnergyKwh: number;
  criticalPeakEnergyKwh: number;
  movableKwh: number;
  /** room under the loading limit in the valley and deep-valley slots */
  valleyHeadroomKwh: number;
  shiftedKwh: number;
  /** where the shifted energy comes from */
  shiftedByPeriod: Record<PeakSide, number>;
  /** where it goes */
  shiftedIntoPeriod: Record<ValleySide, number>;
  /** in the currency of the prices */
  savings: number;
}

export interface PeakShiftingDay extends ShiftEnergy {
  date: LocalDate;
  limitedBy: 'movable_share' | 'valley_headroom' | 'nothing_to_move';
}

export interface PeakShiftingAdvice extends ShiftEnergy {
  days: number;
  /** points that were null: their energy is neither counted as movable nor as headroom */
  unknownPoints: number;
  savingsPerDay: number;
  /** days on which the valley headroom, not the movable share, set the amount */
  daysLimitedByHeadroom: number;
  perDay: PeakShiftingDay[];
  summary: string;
}

/**
 * Energy an account could move from peak to valley, and what that saves. Per local day:
 *
 * - movable = movableShare × the day's critical-peak and peak energy (Σ kW × 0.25 h over known
 *   points);
 * - valley headroom = Σ over the day's valley and deep-valley slots of max(0, capacity ×
 *   valleyLoadingLimit − kW) × 0.25 h — room under the capacity, so shifting cannot raise the
 *   demand above it;
 * - shifted = min(movable, headroom), taken from the dearest period first (critical peak, then
 *   peak) and put into the cheapest first (deep valley, then valley) — which maximises the
 *   saving, since it is a sum of a price per source and a price per destination; saving =
 *   Σ shifted × (price where it came from − price where it went), nothing where that is ≤ 0.
 *
 * Unknown points count neither as movable energy nor as headroom: the advice errs low. The
 * valley of a date is its own valley slots (night before and late evening), a fair stand-in for
 * "the next valley" over days of similar use.
 */
export function advisePeakShifting(input: PeakShiftingInput): PeakShiftingAdvice {
  assertDailyLoads(input.days, 'days');
  const { movableShare, valleyLoadingLimit } = parseOrThrow(
    peakShiftingOptionsSchema,
    input.options ?? {},
    (issues) => new AdviceError(issues),
    { under: 'options' },
  );
  if (!(Number.isFinite(input.capacityKw) && input.capacityKw > 0)) {
    throw new AdviceError('capacityKw', 'must be a positive number of kW');
  }
  const prices = input.pricePerKwh;
  for (const key of ['peak', 'flat', 'valley', 'critical_peak', 'deep_valley'] as const) {
    const v = prices[key];
    if (v === undefined && (key === 'critical_peak' || key === 'deep_valley')) continue;
    if (!price.safeParse(v).success) throw new AdviceError(`pricePerKwh.${key}`, 'must be a price ≥ 0');
  }
  const periodOf = periodFunction(input.periods);
  const ceilingKw = input.capacityKw * valleyLoadingLimit;
  const priceOf: Record<PeakSide | ValleySide, number> = {
    critical_peak: prices.critical_peak ?? prices.peak,
    peak: prices.peak,
    valley: prices.valley,
    deep_valley: prices.deep_valley ?? prices.valley,
  };
  // the dearest energy first, into the cheapest room first (ties keep the listed order)
  const sources = [...PEAK_SIDE].sort((a, b) => priceOf[b] - priceOf[a]);
  const sinks = [...VALLEY_SIDE].sort((a, b) => priceOf[a] - priceOf[b]);

  let unknownPoints = 0;
  const perDay = [...input.days]
    .sort((a, b) => (a.date < b.date ? -1 : 1))
    .map((day): PeakShiftingDay => {
      const energy: Record<PeakSide, number> = { critical_peak: 0, peak: 0 };
      const headroom: Record<ValleySide, number> = { deep_valley: 0, valley: 0 };
      day.kw.forEach((kw, slot) => {
        if (kw === null) {
          unknownPoints++;
          return;
        }
        const period = periodOf(day.date, slot);
        if (!TOU_PERIODS.includes(period)) {
          throw new AdviceError('periods', `unknown ToU period ${String(period)} at ${day.date} slot ${slot}`);
        }
        if (period === 'peak' || period === 'critical_peak') energy[period] += kw * SLOT_HOURS;
        else if (period === 'valley' || period === 'deep_valley')
          headroom[period] += Math.max(0, ceilingKw - kw) * SLOT_HOURS;
      });
      const movable: Record<PeakSide, number> = {
        critical_peak: energy.critical_peak * movableShare,
        peak: energy.peak * movableShare,
      };
      const movableKwh = movable.critical_peak + movable.peak;
      const room = { ...headroom };
      const shifted: Record<PeakSide, number> = { critical_peak: 0, peak: 0 };
      const into: Record<ValleySide, number> = { deep_valley: 0, valley: 0 };
      let savings = 0;
      for (const from of sources) {
        for (const to of sinks) {
          const kwh = Math.min(movable[from] - shifted[from], room[to]);
          if (kwh <= 0) continue;
          shifted[from] += kwh;
          into[to] += kwh;
          room[to] -= kwh;
          savings += kwh * Math.max(0, priceOf[from] - priceOf[to]);
        }
      }
      const shiftedKwh = shifted.critical_peak + shifted.peak;
      return {
        date: day.date,
        peakEnergyKwh: energy.peak,
        criticalPeakEnergyKwh: energy.critical_peak,
        movableKwh,
        valleyHeadroomKwh: headroom.deep_valley + headroom.valley,
        shiftedKwh,
        shiftedByPeriod: shifted,
        shiftedIntoPeriod: into,
        savings,
        limitedBy: movableKwh === 0 ? 'nothing_to_move' : shiftedKwh < movableKwh ? 'valley_headroom' : 'movable_share',
      };
    });

  const sum = (f: (d: PeakShiftingDay) => number) => perDay.reduce((a, d) => a + f(d), 0);
  const savings = sum((d) => d.savings);
  const shiftedKwh = sum((d) => d.shiftedKwh);
  const movableKwh = sum((d) => d.movableKwh);
  const daysLimitedByHeadroom = perDay.filter((d) => d.limitedBy === 'valley_headroom').length;
  const n = perDay.length;
  return {
    days: n,
    unknownPoints,
    peakEnergyKwh: sum((d) => d.peakEnergyKwh),
    criticalPeakEnergyKwh: sum((d) => d.criticalPeakEnergyKwh),
    movableKwh,
    valleyHeadroomKwh: sum((d) => d.valleyHeadroomKwh),
    shiftedKwh,
    shiftedByPeriod: {
      critical_peak: sum((d) => d.shiftedByPeriod.critical_peak),
      peak: sum((d) => d.shiftedByPeriod.peak),
    },
    shiftedIntoPeriod: {
      deep_valley: sum((d) => d.shiftedIntoPeriod.deep_valley),
      valley: sum((d) => d.shiftedIntoPeriod.valley),
    },
    savings,
    savingsPerDay: n > 0 ? savings / n : 0,
    daysLimitedByHeadroom,
    perDay,
    summary:
      n === 0
        ? 'no days given'
        : `moving ${Math.round(movableShare * 100)} % of peak energy: ${round1(shiftedKwh)} kWh of ${round1(movableKwh)} kWh movable over ${n} day(s)` +
          `${daysLimitedByHeadroom > 0 ? ` (valley headroom under ${round1(ceilingKw)} kW limited ${daysLimitedByHeadroom} day(s))` : ''}` +
          `, saving ${round2(savings)} (${round2(savings / n)} a day)`,
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;
const round2 = (v: number) => Math.round(v * 100) / 100;

function periodFunction(periods: PeakShiftingInput['periods']): PeriodOf {
  if (typeof periods === 'function') return periods;
  if (!Array.isArray(periods) || periods.length !== SLOTS_PER_DAY) {
    throw new AdviceError('periods', `must be a function (date, slot) → period or ${SLOTS_PER_DAY} periods`);
  }
  const day = periods as readonly TouPeriod[];
  return (_date, slot) => day[slot]!;
}
