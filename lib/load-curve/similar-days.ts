import { addDays, type DayType, type LocalDate } from '../domain/index.ts';

/**
 * Similar-day selection for load curves. Day types come from the holiday calendar
 * (lib/domain/calendar); callers pass a `dayTypeOf(date)` function (usually
 * `(d) => dayTypeOf(d, calendar)`), so the load-curve cores can also run on a synthetic calendar.
 */
export type DayTypeOf = (date: LocalDate) => DayType;

/** Which days resemble each other in load: a make-up working day (调休上班日) runs like any workday. */
export type DayClass = 'workday' | 'weekend' | 'holiday';

export function dayClassOf(dayType: DayType): DayClass {
  return dayType === 'makeup_workday' ? 'workday' : dayType;
}

export interface SimilarDay {
  date: LocalDate;
  dayType: DayType;
}

export interface SkippedDay {
  date: LocalDate;
  /** why a day of the right class was passed over, e.g. 'no data', 'incomplete', 'curtailed' */
  reason: string;
}

export interface SimilarDaySelection {
  /** most recent first */
  days: SimilarDay[];
  /** days of the right class that were passed over before `count` were found */
  skipped: SkippedDay[];
}

export interface SimilarDayQuery {
  /** the day to find look-alikes for; only dates strictly before it are considered */
  before: LocalDate;
  dayClass: DayClass;
  dayTypeOf: DayTypeOf;
  count: number;
  /** how far back to look, in days before `before` */
  lookbackDays: number;
  /** null when the date can be used, else the reason it cannot */
  unusableReason: (date: LocalDate) => string | null;
}

/**
 * The `count` most recent dates before `before` whose day class matches, walking back one day
 * at a time. Only the past is ever visited, so a caller that hands in future data cannot leak
 * it through this selection.
 */
export function selectSimilarDays(query: SimilarDayQuery): SimilarDaySelection {
  const days: SimilarDay[] = [];
  const skipped: SkippedDay[] = [];
  for (let back = 1; back <= query.lookbackDays && days.length < query.count; back++) {
    const date = addDays(query.before, -back);
    const dayType = query.dayTypeOf(date);
    if (dayClassOf(dayType) !== query.dayClass) continue;
    const reason = query.unusableReason(date);
    if (reason === null) days.push({ date, dayType });
    else skipped.push({ date, reason });
  }
  return { days, skipped };
}
