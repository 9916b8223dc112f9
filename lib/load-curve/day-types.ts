import { addDays, type LocalDate } from './local-time.ts';

/**
 * Kind of a local day as the holiday calendar gives it. A make-up working day (调休上班日) is a
 * Saturday or Sunday worked in exchange for a bridged holiday. Callers pass a
 * `dayTypeOf(date)` function (the calendar module's), so these cores depend on no calendar.
 */
export type DayType = 'workday' | 'weekend' | 'holiday' | 'makeup_workday';

export const DAY_TYPES: readonly DayType[] = ['workday', 'weekend', 'holiday', 'makeup_workday'];

/** Which days resemble each other: a make-up working day runs like any workday. */
export type DayClass = 'workday' | 'weekend' | 'holiday';

export type DayTypeOf = (date: LocalDate) => DayType;

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
