// Calendars for tests, all built by the calendar module (lib/domain/calendar), which owns day types.
import {
  calendarForRegion,
  type CalendarDay,
  dayTypeOf,
  type LocalDate,
  mergeCalendars,
  parseCalendarFile,
} from '../../lib/domain/calendar/index.ts';
import type { DayTypeOf } from '../../lib/load-curve/index.ts';

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
