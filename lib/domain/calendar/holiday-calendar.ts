import type { CalendarFile } from './calendar-schema.ts';
import { CalendarError } from './errors.ts';
import { eachLocalDate, isWeekend, type LocalDate, parseLocalDate } from './local-date.ts';

// Day types of the utility's calendar. Load profiles, baselines and time-of-use periods differ
// between working days and days off, and in China the State Council moves working days around
// public holidays every year (调休): a holiday is an off day named in the notice; a make-up
// working day (补班) is a Saturday or Sunday the notice makes a working day; any other Saturday or
// Sunday is a weekend day, and the rest are workdays.

export const DAY_TYPES = ['workday', 'weekend', 'holiday', 'makeup_workday'] as const;
export type DayType = (typeof DAY_TYPES)[number];

export interface CalendarEntry {
  /** holiday name from the notice, e.g. 春节 */
  readonly name: string;
  readonly isOffDay: boolean;
  /** the notice's year (a January holiday can be in the previous December's notice) */
  readonly noticeYear: number;
}

/** All calendar facts known for one region, merged from one or more files. */
export interface HolidayCalendar {
  readonly region: string;
  /** years whose notice is in the calendar: dates in other years are "not covered" */
  readonly years: ReadonlySet<number>;
  readonly days: ReadonlyMap<LocalDate, CalendarEntry>;
  /** per year, the sources of its facts */
  readonly sources: ReadonlyMap<number, readonly string[]>;
}

export interface DayClassification {
  date: LocalDate;
  dayType: DayType;
  isWorkingDay: boolean;
  /** name of the holiday or of the holiday a make-up day belongs to; null otherwise */
  holidayName: string | null;
  /**
   * false when the date's year has no notice in the calendar: the day type then falls back to
   * Saturday/Sunday only, which treats e.g. Spring Festival as workdays. Callers should warn.
   */
  covered: boolean;
}

/**
 * Merge calendar files into one calendar per region (an operator adds a year, e.g. 2027, or
 * another region's file). A year or a date given twice for one region is refused with
 * CALENDAR_CONFLICT naming both origins, rather than one silently winning.
 * `origins[i]` names `files[i]` in messages (a file path); defaults to `calendar #i`.
 */
export function mergeCalendars(
  files: readonly CalendarFile[],
  origins: readonly string[] = [],
): ReadonlyMap<string, HolidayCalendar> {
  interface Building {
    years: Set<number>;
    days: Map<LocalDate, CalendarEntry & { origin: string }>;
    sources: Map<number, readonly string[]>;
    yearOrigin: Map<number, string>;
  }
  const regions = new Map<string, Building>();
  files.forEach((file, i) => {
    const origin = origins[i] ?? `calendar #${i}`;
    let b = regions.get(file.region);
    if (!b)
      regions.set(file.region, (b = { years: new Set(), days: new Map(), sources: new Map(), yearOrigin: new Map() }));
    for (const [yearText, block] of Object.entries(file.years)) {
      const year = Number(yearText);
      const other = b.yearOrigin.get(year);
      if (other)
        throw new CalendarError(
          'CALENDAR_CONFLICT',
          `${file.region} ${year} is defined in both ${other} and ${origin}`,
          [{ path: `years.${year}`, message: `already defined in ${other}` }],
        );
      b.years.add(year);
      b.yearOrigin.set(year, origin);
      b.sources.set(year, [...block.sources]);
      for (const day of block.days) {
        const existing = b.days.get(day.date);
        if (existing)
          throw new CalendarError(
            'CALENDAR_CONFLICT',
            `${file.region} ${day.date} is listed in both ${existing.origin} and ${origin}`,
            [{ path: `years.${year}.days`, message: `${day.date} already listed in ${existing.origin}` }],
          );
        b.days.set(day.date, { name: day.name, isOffDay: day.isOffDay, noticeYear: year, origin });
      }
    }
  });
  const out = new Map<string, HolidayCalendar>();
  for (const [region, b] of regions) {
    const days = new Map<LocalDate, CalendarEntry>();
    for (const [date, { name, isOffDay, noticeYear }] of b.days)
      days.set(date, Object.freeze({ name, isOffDay, noticeYear }));
    out.set(region, Object.freeze({ region, years: b.years, days, sources: b.sources }));
  }
  return out;
}

/** The calendar of one region; throws CALENDAR_UNKNOWN_REGION listing the regions known. */
export function calendarForRegion(calendars: ReadonlyMap<string, HolidayCalendar>, region: string): HolidayCalendar {
  const c = calendars.get(region);
  if (!c)
    throw new CalendarError(
      'CALENDAR_UNKNOWN_REGION',
      `no calendar for region "${region}"; known: ${[...calendars.keys()].sort().join(', ') || 'none'}`,
    );
  return c;
}

/** A calendar with no notices: every date is uncovered and judged by Saturday/Sunday only. */
export function emptyCalendar(region: string): HolidayCalendar {
  return Object.freeze({ region, years: new Set<number>(), days: new Map(), sources: new Map() });
}

/**
 * Day type of a local date: holiday (an off day in the notice), make-up workday (a weekend day
 * the notice makes a working day), weekend (other Saturdays and Sundays), workday otherwise.
 */
export function dayTypeOf(date: LocalDate, calendar: HolidayCalendar): DayType {
  const entry = calendar.days.get(date);
  if (entry) return entry.isOffDay ? 'holiday' : 'makeup_workday';
  return isWeekend(date) ? 'weekend' : 'workday';
}

export function isWorkingDayType(dayType: DayType): boolean {
  return dayType === 'workday' || dayType === 'makeup_workday';
}

/** true on workdays and make-up workdays. */
export function isWorkingDay(date: LocalDate, calendar: HolidayCalendar): boolean {
  return isWorkingDayType(dayTypeOf(date, calendar));
}

/** true when the calendar has the notice for the date's year (or lists the date itself). */
export function isCovered(date: LocalDate, calendar: HolidayCalendar): boolean {
  return calendar.days.has(date) || calendar.years.has(parseLocalDate(date).year);
}

/** Day type with the holiday's name and whether the calendar covers the date at all. */
export function classifyDay(date: LocalDate, calendar: HolidayCalendar): DayClassification {
  const dayType = dayTypeOf(date, calendar);
  return {
    date,
    dayType,
    isWorkingDay: isWorkingDayType(dayType),
    holidayName: calendar.days.get(date)?.name ?? null,
    covered: isCovered(date, calendar),
  };
}

/**
 * Years between two local dates (both included) that have no notice in the calendar, sorted:
 * a report over those days should warn that holidays are unknown there.
 */
export function uncoveredYears(from: LocalDate, to: LocalDate, calendar: HolidayCalendar): number[] {
  const first = parseLocalDate(from).year;
  const last = parseLocalDate(to).year;
  const out: number[] = [];
  for (let y = first; y <= last; y++) if (!calendar.years.has(y)) out.push(y);
  return out;
}

/** Day types of every date from `from` to `to`, both included. */
export function classifyDays(from: LocalDate, to: LocalDate, calendar: HolidayCalendar): DayClassification[] {
  return eachLocalDate(from, to).map((d) => classifyDay(d, calendar));
}
