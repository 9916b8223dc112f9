import { z } from 'zod';
import { CalendarError } from './errors.ts';

// A local date is the calendar day in the utility's time zone, written YYYY-MM-DD (ISO 8601).
// It is a plain string so it can key maps and travel through JSON unchanged; these helpers
// check it and do day arithmetic without any time zone (a local date has none).

/** 'YYYY-MM-DD' */
export type LocalDate = string;

const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

export interface LocalDateParts {
  year: number;
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

/** Why `text` is not a local date, or null when it is one (used by the schemas for messages). */
export function localDateProblem(text: string): string | null {
  const m = LOCAL_DATE_RE.exec(text);
  if (!m) return `"${text}" is not a date in the form YYYY-MM-DD`;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (month < 1 || month > 12) return `"${text}" has no month ${month}`;
  if (day < 1 || day > daysInMonth(year, month))
    return `"${text}" is not a day: ${year}-${m[2]} has ${daysInMonth(year, month)} days`;
  return null;
}

/** zod schema of a local date field: a real YYYY-MM-DD day, with localDateProblem's message. */
export const localDateSchema = z.string().superRefine((text, ctx) => {
  const problem = localDateProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** true when `value` is a YYYY-MM-DD string naming a real day (any input: a guard for unchecked data). */
export function isLocalDate(value: unknown): value is LocalDate {
  return typeof value === 'string' && localDateProblem(value) === null;
}

/** Split a local date; throws CALENDAR_INVALID_DATE naming the date when it is not one. */
export function parseLocalDate(text: string): LocalDateParts {
  const problem = localDateProblem(text);
  if (problem) throw new CalendarError('CALENDAR_INVALID_DATE', problem);
  return { year: Number(text.slice(0, 4)), month: Number(text.slice(5, 7)), day: Number(text.slice(8, 10)) };
}

export function formatLocalDate(parts: LocalDateParts): LocalDate {
  return `${String(parts.year).padStart(4, '0')}-${String(parts.month).padStart(2, '0')}-${String(parts.day).padStart(2, '0')}`;
}

/** Gregorian leap-year rule. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a local date (a day number, independent of any zone). */
export function localDateToDayNumber(date: LocalDate): number {
  const { year, month, day } = parseLocalDate(date);
  return Math.floor(Date.UTC(year, month - 1, day) / MS_PER_DAY);
}

export function dayNumberToLocalDate(dayNumber: number): LocalDate {
  const d = new Date(dayNumber * MS_PER_DAY);
  return formatLocalDate({ year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
}

/** 0 = Sunday … 6 = Saturday (as Date#getDay). */
export function dayOfWeek(date: LocalDate): number {
  return (((localDateToDayNumber(date) + 4) % 7) + 7) % 7; // 1970-01-01 was a Thursday
}

export function isWeekend(date: LocalDate): boolean {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6;
}

/** The date `days` later (negative: earlier). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return dayNumberToLocalDate(localDateToDayNumber(date) + days);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return localDateToDayNumber(to) - localDateToDayNumber(from);
}

/** Every local date from `from` to `to`, both included (empty when `to` is before `from`). */
export function eachLocalDate(from: LocalDate, to: LocalDate): LocalDate[] {
  const start = localDateToDayNumber(from);
  const end = localDateToDayNumber(to);
  const out: LocalDate[] = [];
  for (let n = start; n <= end; n++) out.push(dayNumberToLocalDate(n));
  return out;
}
