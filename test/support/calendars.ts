// Calendars and the zone for tests, all from the calendar module (lib/domain/calendar), which owns
// day types: the real Chinese calendar for real dates, a made-up one where a test needs a holiday
// or a make-up day that no notice gives.
import {
  calendarForRegion,
  type CalendarDay,
  DEFAULT_TIME_ZONE_NAME,
  dayTypeOf,
  type LocalDate,
  mergeCalendars,
  parseCalendarFile,
  parseTimeZone,
} from '../../lib/domain/index.ts';
import type { DayTypeOf } from '../../lib/load-curve/index.ts';
import { loadCalendars } from '../../lib/reference-data/index.ts';

/** China Standard Time, UTC+8 without daylight saving (domain.md §6). */
export const CHINA_ZONE = parseTimeZone(DEFAULT_TIME_ZONE_NAME);

/** The Chinese calendar shipped in reference/calendars/cn.json (the State Council notices). */
export const CN_CALENDAR = calendarForRegion(loadCalendars().calendars, 'CN');

/** Day types of real Chinese dates, from CN_CALENDAR. */
export const cnDayTypeOf: DayTypeOf = (date) => dayTypeOf(date, CN_CALENDAR);

export interface SyntheticCalendar {
  holidays: readonly LocalDate[];
  /** Saturdays or Sundays worked (the calendar module refuses a make-up day on a weekday) */
  makeupWorkdays: readonly LocalDate[];
}

/**
 * Day types of a made-up calendar, for tests that need a holiday or a make-up working day where
 * no notice put one. Dates not listed are weekend on Saturday and Sunday, workdays otherwise.
 */
export function syntheticDayTypeOf(calendar: SyntheticCalendar): DayTypeOf {
  const days: CalendarDay[] = [
    ...calendar.holidays.map((date) => ({ date, name: 'synthetic holiday', isOffDay: true })),
    ...calendar.makeupWorkdays.map((date) => ({ date, name: 'synthetic make-up day', isOffDay: false })),
  ];
  const years: Record<string, { sources: string[]; days: CalendarDay[] }> = {};
  for (const day of days)
    (years[day.date.slice(0, 4)] ??= { sources: ['synthetic test calendar'], days: [] }).days.push(day);
  // ZZ: the ISO 3166 user-assigned code, so it can never be taken for a real region
  const file = parseCalendarFile({ region: 'ZZ', years }, 'synthetic test calendar');
  const holidayCalendar = calendarForRegion(mergeCalendars([file]), 'ZZ');
  return (date) => dayTypeOf(date, holidayCalendar);
}
