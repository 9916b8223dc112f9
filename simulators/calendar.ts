// Local civil time for load profiles: hour of day, weekday, holidays. Pure arithmetic on epoch
// milliseconds with a fixed UTC offset, because China has no daylight saving (domain.md §6).

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;
/** 1970-01-01 was a Thursday (0 = Sunday). */
const EPOCH_DAY_OF_WEEK = 4;

/** China Standard Time, UTC+8, no daylight saving (domain.md §6). */
export const DEFAULT_UTC_OFFSET_MINUTES = 480;

export type DayType = 'workday' | 'weekend' | 'holiday';

export interface SimCalendar {
  readonly utcOffsetMinutes: number;
  /** local dates that are public holidays, as days since 1970-01-01 (local) */
  readonly holidayDays: ReadonlySet<number>;
}

export interface LocalTime {
  /** 0 ≤ hour < 24, fractional */
  readonly hourOfDay: number;
  /** 0 = Sunday … 6 = Saturday */
  readonly dayOfWeek: number;
  readonly dayType: DayType;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days since 1970-01-01 of a `YYYY-MM-DD` date, or undefined when it is not a real date. */
export function epochDayOf(isoDate: string): number | undefined {
  const match = ISO_DATE.exec(isoDate);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return undefined;
  return ms / MS_PER_DAY;
}

export function createCalendar(options: { utcOffsetMinutes?: number; holidays?: readonly string[] } = {}): SimCalendar {
  const holidayDays = new Set<number>();
  for (const date of options.holidays ?? []) {
    const day = epochDayOf(date);
    if (day === undefined) throw new RangeError(`holiday "${date}" is not a YYYY-MM-DD date`);
    holidayDays.add(day);
  }
  return { utcOffsetMinutes: options.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES, holidayDays };
}

export function localTimeOf(timeMs: number, calendar: SimCalendar): LocalTime {
  const localMs = timeMs + calendar.utcOffsetMinutes * MS_PER_MINUTE;
  const day = Math.floor(localMs / MS_PER_DAY);
  const hourOfDay = (localMs - day * MS_PER_DAY) / 3_600_000;
  const dayOfWeek = (((day + EPOCH_DAY_OF_WEEK) % 7) + 7) % 7;
  const dayType: DayType = calendar.holidayDays.has(day)
    ? 'holiday'
    : dayOfWeek === 0 || dayOfWeek === 6
      ? 'weekend'
      : 'workday';
  return { hourOfDay, dayOfWeek, dayType };
}
