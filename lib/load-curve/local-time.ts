import { LoadCurveError } from './errors.ts';

// Local calendar arithmetic for 15-minute load curves. domain.md §6: a load curve has 96 points
// per local day and China has no daylight saving, so a local day is always 24 h and an instant
// maps to (local date, slot) with one fixed UTC offset. Dates are 'YYYY-MM-DD' strings; they
// compare correctly as strings.

/** domain.md §6: 15-minute points, 96 per day. */
export const SLOTS_PER_DAY = 96;
export const SLOT_MS = 15 * 60_000;
export const SLOT_HOURS = 0.25;
export const DAY_MS = 86_400_000;
/** China Standard Time, UTC+8, no daylight saving (domain.md §6). */
export const CHINA_UTC_OFFSET_MINUTES = 480;

/** A local calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string;

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string' || !DATE_RE.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return Number.isFinite(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

export function assertLocalDate(value: unknown, field: string): asserts value is LocalDate {
  if (!isLocalDate(value)) throw new LoadCurveError(field, `must be a calendar date YYYY-MM-DD, got ${String(value)}`);
}

const dayNumber = (date: LocalDate): number => Date.parse(`${date}T00:00:00Z`) / DAY_MS;

/** The date `days` later (negative: earlier). */
export function addDays(date: LocalDate, days: number): LocalDate {
  return new Date((dayNumber(date) + days) * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (positive when `to` is later). */
export function daysBetween(from: LocalDate, to: LocalDate): number {
  return Math.round(dayNumber(to) - dayNumber(from));
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: LocalDate): number {
  return new Date(dayNumber(date) * DAY_MS).getUTCDay();
}

/** Every date from `from` to `to`, both included. */
export function datesFromTo(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Local date and 15-minute slot (0–95) of an instant at a fixed UTC offset. */
export function localSlotOf(epochMs: number, utcOffsetMinutes: number): { date: LocalDate; slot: number } {
  const local = epochMs + utcOffsetMinutes * 60_000;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  return {
    date: new Date(dayStart).toISOString().slice(0, 10),
    slot: Math.floor((local - dayStart) / SLOT_MS),
  };
}

/** The instant a slot of a local date starts. */
export function slotStartMs(date: LocalDate, slot: number, utcOffsetMinutes: number): number {
  return dayNumber(date) * DAY_MS + slot * SLOT_MS - utcOffsetMinutes * 60_000;
}

/** 'HH:MM' of a slot's start, for explanations and reports. */
export function slotTime(slot: number): string {
  const minutes = slot * 15;
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** True when an instant lies on a 15-minute block boundary (hh:00/15/30/45, domain.md §6). */
export function isOnSlotBoundary(epochMs: number): boolean {
  // every real UTC offset is a multiple of 15 minutes, so a UTC boundary is a local boundary
  return Number.isInteger(epochMs) && epochMs % SLOT_MS === 0;
}
