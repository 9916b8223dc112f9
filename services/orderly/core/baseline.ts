import { z } from 'zod';
import { addDays, daysBetween, type LocalDate, timeZoneSchema } from '../../../lib/domain/index.ts';
import {
  assertDailyLoads,
  type DailyLoad,
  type DayClass,
  dayClassOf,
  type DayTypeOf,
  indexByDate,
  localSlotOf,
  selectSimilarDays,
  type SimilarDay,
  type SkippedDay,
} from '../../../lib/load-curve/index.ts';
import { parseOrThrow } from '../../../lib/domain/index.ts';
import { OrderlyError } from './errors.ts';
import { assertWindow, windowIntervals } from './order.ts';

/**
 * Curtailment baseline (domain.md §7: "baseline = average of the same hours on recent similar
 * days"): for each 15-minute interval of the window, the plain mean of the same local slot on
 * the N most recent days of the same class as the window's start day (workday — make-up
 * working days included —, weekend, holiday). A candidate day is left out when the account had
 * its own curtailment order that day (its load was held down, not its normal use) or when any
 * point of the shifted window is unknown (a partial day would bias the mean; domain.md §6 never
 * fills gaps). A window that crosses midnight is shifted as a whole, so its second part comes
 * from the day after each similar day.
 */
export const baselineOptionsSchema = z.object({
  /** similar days averaged; project defaults: 5 workdays (one working week), 3 weekend days or holidays */
  days: z
    .object({
      workday: z.number().int().min(1).max(30).default(5),
      weekend: z.number().int().min(1).max(30).default(3),
      holiday: z.number().int().min(1).max(30).default(3),
    })
    .prefault({}),
  /** fewest similar days for a usable baseline */
  minDays: z.number().int().min(1).max(30).default(1),
  /** look back this far for workdays and weekends: 8 weeks */
  lookbackDays: z.number().int().min(7).max(400).default(56),
  /** holidays are rare: a year and a month */
  holidayLookbackDays: z.number().int().min(7).max(800).default(400),
  /** the utility's zone, where "the same hours" are judged: an IANA name or a UTC offset (domain.md §6) */
  timeZone: timeZoneSchema,
});
export type BaselineOptions = z.output<typeof baselineOptionsSchema>;
export type BaselineOptionsInput = z.input<typeof baselineOptionsSchema>;

export interface BaselineInput {
  /** the account's daily curves (any range; only days before the window's start day are read) */
  history: readonly DailyLoad[];
  window: { start: number; end: number };
  dayTypeOf: DayTypeOf;
  /** local dates on which the account had a curtailment order of its own */
  curtailedDates?: readonly LocalDate[];
  options?: BaselineOptionsInput;
}

export interface CurtailmentBaseline {
  available: boolean;
  /** why not, when not available */
  reason: string | null;
  dayClass: DayClass;
  days: SimilarDay[];
  skipped: SkippedDay[];
  /** per interval of the window: start and mean kW (null when not available) */
  intervals: { start: number; kw: number | null }[];
}

export function parseBaselineOptions(input: BaselineOptionsInput | undefined): BaselineOptions {
  return parseOrThrow(baselineOptionsSchema, input ?? {}, (issues) => new OrderlyError(issues), { under: 'options' });
}

export function computeCurtailmentBaseline(input: BaselineInput): CurtailmentBaseline {
  const options = parseBaselineOptions(input.options);
  assertWindow(input.window);
  assertDailyLoads(input.history, 'history');
  const starts = windowIntervals(input.window);
  const slots = starts.map((t) => localSlotOf(t, options.timeZone));
  const startDate = slots[0]!.date;
  const dayClass = dayClassOf(input.dayTypeOf(startDate));
  // only days before the window's start day can be similar days
  const index = indexByDate(input.history.filter((d) => d.date < startDate));
  const curtailed = new Set(input.curtailedDates ?? []);
  const shifted = (candidate: LocalDate) => {
    const shift = daysBetween(startDate, candidate);
    return slots.map((s) => ({ date: addDays(s.date, shift), slot: s.slot }));
  };
  const selection = selectSimilarDays({
    before: startDate,
    dayClass,
    dayTypeOf: input.dayTypeOf,
    count: options.days[dayClass],
    lookbackDays: dayClass === 'holiday' ? options.holidayLookbackDays : options.lookbackDays,
    unusableReason: (candidate) => {
      const points = shifted(candidate);
      const dates = [...new Set(points.map((p) => p.date))];
      if (dates.some((d) => curtailed.has(d))) return 'own curtailment order';
      // a window crossing midnight needs the day after the candidate, which may be the start day
      // itself or later: that is not history yet
      if (dates.some((d) => d >= startDate)) return 'window reaches the order day';
      const missing = points.some((p) => (index.get(p.date)?.kw[p.slot] ?? null) === null);
      return missing ? 'missing data in the window' : null;
    },
  });
  const base = { dayClass, days: selection.days, skipped: selection.skipped };
  if (selection.days.length < options.minDays) {
    return {
      ...base,
      available: false,
      reason: `${selection.days.length} usable ${dayClass}(s) in the lookback, ${options.minDays} needed`,
      intervals: starts.map((start) => ({ start, kw: null })),
    };
  }
  const sums = starts.map(() => 0);
  for (const day of selection.days) {
    shifted(day.date).forEach((p, i) => {
      sums[i]! += index.get(p.date)!.kw[p.slot]!;
    });
  }
  return {
    ...base,
    available: true,
    reason: null,
    intervals: starts.map((start, i) => ({ start, kw: sums[i]! / selection.days.length })),
  };
}
