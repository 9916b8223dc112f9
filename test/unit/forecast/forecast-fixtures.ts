// Small hand-made histories for the forecast specifications: every number is easy to check.
import { eachLocalDate, type LocalDate } from '../../../lib/domain/calendar/index.ts';
import type { DailyLoad } from '../../../lib/load-curve/index.ts';
import { syntheticDayTypeOf } from '../../support/calendars.ts';

/** Holidays 2024-04-04..06 (Thu–Sat) with make-up working Sunday 2024-04-07; 2024-05-01..03 holidays. */
export const dayTypeOf = syntheticDayTypeOf({
  holidays: ['2024-04-04', '2024-04-05', '2024-04-06', '2024-05-01', '2024-05-02', '2024-05-03'],
  makeupWorkdays: ['2024-04-07'],
});

export const flat = (kw: number | null): (number | null)[] => Array.from({ length: 96 }, () => kw);

/** One curve per date from `from` to `to`, the value of each point given by `kwOf`. */
export function historyOf(
  from: LocalDate,
  to: LocalDate,
  kwOf: (date: LocalDate, slot: number) => number | null,
): DailyLoad[] {
  return eachLocalDate(from, to).map((date) => ({ date, kw: Array.from({ length: 96 }, (_, s) => kwOf(date, s)) }));
}

/** Level by day type: workday 100 kW, weekend 60 kW, holiday 30 kW. */
export const byDayType = (date: LocalDate): number =>
  ({ workday: 100, makeup_workday: 100, weekend: 60, holiday: 30 })[dayTypeOf(date)];

/** No trend and no temperature: the plain weighted profile. */
export const PLAIN = { trend: { days: 0 } } as const;
