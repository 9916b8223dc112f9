import {
  formatTimeOfDay,
  isLocalDate,
  type LocalDate,
  localDateProblem,
  localDateTimeToInstant,
  type TimeZone,
  toLocalDateTime,
} from '../domain/index.ts';
import { LoadCurveError } from './errors.ts';

// The 15-minute slots of a local day. domain.md §6: a load curve has 96 points per local day, the
// demand blocks starting at hh:00/15/30/45 local time. Dates, zones and the conversion of an
// instant to the local wall clock are the calendar module's; this file only cuts the day into
// slots. China has no daylight saving, so in its zone every local day has exactly 96 slots.

/** domain.md §6: 15-minute points, 96 per day. */
export const SLOTS_PER_DAY = 96;
export const SLOT_MINUTES = 15;
export const SLOT_MS = SLOT_MINUTES * 60_000;
export const SLOT_HOURS = 0.25;

/** Refuses anything that is not a real YYYY-MM-DD date, naming the field (LOAD_CURVE_INVALID). */
export function assertLocalDate(value: unknown, field: string): asserts value is LocalDate {
  if (!isLocalDate(value))
    throw new LoadCurveError(
      field,
      typeof value === 'string'
        ? (localDateProblem(value) ?? 'not a date')
        : `must be a date YYYY-MM-DD, got ${String(value)}`,
    );
}

/** Local date and 15-minute slot (0–95) of an instant in the utility's zone. */
export function localSlotOf(epochMs: number, zone: TimeZone): { date: LocalDate; slot: number } {
  const { date, minuteOfDay } = toLocalDateTime(epochMs, zone);
  return { date, slot: Math.floor(minuteOfDay / SLOT_MINUTES) };
}

/** The instant a slot of a local date starts. */
export function slotStartMs(date: LocalDate, slot: number, zone: TimeZone): number {
  return localDateTimeToInstant({ date, minuteOfDay: slot * SLOT_MINUTES }, zone);
}

/** 'HH:MM' of a slot's start, for explanations and reports. */
export function slotTime(slot: number): string {
  return formatTimeOfDay(slot * SLOT_MINUTES);
}

/** True when an instant lies on a 15-minute block boundary (hh:00/15/30/45, domain.md §6). */
export function isOnSlotBoundary(epochMs: number): boolean {
  // every real UTC offset is a multiple of 15 minutes, so a UTC boundary is a local boundary
  return Number.isInteger(epochMs) && epochMs % SLOT_MS === 0;
}
