// Small hand-made histories for the forecast specifications: every number is easy to check.
import { eachLocalDate, type LocalDate } from '../../../../lib/domain/index.ts';
import type { DailyLoad } from '../../../../lib/load-curve/index.ts';
import { cnDayTypeOf } from '../../../support/calendars.ts';

/**
 * The real Chinese calendar (reference/calendars/cn.json). Dates these specifications use: 2024
 * Spring Festival off 10–17 Feb with make-up Sundays 4 and 18 Feb; Qingming off 4–6 Apr (Thu–Sat)
 * with make-up Sunday 7 Apr; Labour Day off 1–5 May with make-up Sunday 28 Apr and Saturday 11 May.
 */
export const dayTypeOf = cnDayTypeOf;

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
