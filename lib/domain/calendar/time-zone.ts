import { z } from 'zod';
import { CalendarError } from './errors.ts';
import { addDays, formatLocalDate, type LocalDate, parseLocalDate } from './local-date.ts';
import { MINUTES_PER_DAY } from './time-of-day.ts';

// The utility's local time. Day types, time-of-use periods and report days are judged on the
// local wall clock of the utility, whose zone is configurable: default Asia/Shanghai (China
// Standard Time, UTC+8, no daylight saving; domain.md §6). A zone is either a fixed UTC offset
// or an IANA name resolved with Intl (part of the language runtime, not I/O), so zones with
// daylight saving work too.

/** domain.md §6: China Standard Time. */
export const DEFAULT_TIME_ZONE_NAME = 'Asia/Shanghai';

export type TimeZone =
  | { readonly kind: 'fixed'; readonly name: string; readonly utcOffsetMinutes: number }
  | { readonly kind: 'iana'; readonly name: string };

/** A wall-clock minute in the local zone. */
export interface LocalDateTime {
  date: LocalDate;
  /** 0–1439, minutes since local midnight (seconds dropped) */
  minuteOfDay: number;
}

export interface LocalInstantInfo extends LocalDateTime {
  /** 0 = Sunday … 6 = Saturday */
  dayOfWeek: number;
  /** offset of the zone from UTC at that instant, minutes (480 for China) */
  utcOffsetMinutes: number;
}

const MS_PER_MINUTE = 60_000;
// Real offsets run from UTC−12:00 to UTC+14:00.
const MIN_OFFSET_MINUTES = -12 * 60;
const MAX_OFFSET_MINUTES = 14 * 60;
const FIXED_OFFSET_RE = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/;

/**
 * A zone from configuration: a number is a fixed offset in minutes east of UTC (480 = UTC+8);
 * a string is `UTC`, a fixed offset such as `+08:00`, `UTC+8`, `-0530`, or an IANA name such as
 * `Asia/Shanghai`. Throws CALENDAR_INVALID_ZONE naming the value.
 */
export function parseTimeZone(spec: string | number = DEFAULT_TIME_ZONE_NAME): TimeZone {
  if (typeof spec === 'number') return fixedZone(spec, formatOffset(spec));
  const text = spec.trim();
  if (text === 'UTC' || text === 'Z' || text === 'GMT') return fixedZone(0, 'UTC');
  const m = FIXED_OFFSET_RE.exec(text);
  if (m) {
    const minutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0));
    if (Number(m[3] ?? 0) >= 60)
      throw new CalendarError('CALENDAR_INVALID_ZONE', `time zone "${spec}": minutes must be < 60`);
    return fixedZone(minutes, text);
  }
  try {
    // Intl throws RangeError for a name it does not know; resolvedOptions gives the canonical one.
    const name = new Intl.DateTimeFormat('en-US', { timeZone: text }).resolvedOptions().timeZone;
    return { kind: 'iana', name };
  } catch {
    throw new CalendarError(
      'CALENDAR_INVALID_ZONE',
      `time zone "${spec}" is neither a UTC offset nor a known IANA zone`,
    );
  }
}

/**
 * zod schema of a zone in options or configuration: the spellings parseTimeZone reads (an IANA
 * name, a fixed offset string, or minutes east of UTC), parsed to a TimeZone; a bad value is a
 * validation issue naming the value, not a thrown CalendarError. Default: Asia/Shanghai.
 */
export const timeZoneSchema = z
  .union([z.string(), z.number()])
  .default(DEFAULT_TIME_ZONE_NAME)
  .transform((spec, ctx): TimeZone => {
    try {
      return parseTimeZone(spec);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/**
 * zod schema of an instant in a document (an order window, an outage): an ISO 8601 date-time
 * with its UTC offset, so it is never read in the server's zone; parsed to epoch ms.
 */
export const isoInstantSchema = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset, e.g. 2024-07-20T08:00:00+08:00' })
  .transform((v) => Date.parse(v));

function fixedZone(utcOffsetMinutes: number, name: string): TimeZone {
  if (
    !Number.isInteger(utcOffsetMinutes) ||
    utcOffsetMinutes < MIN_OFFSET_MINUTES ||
    utcOffsetMinutes > MAX_OFFSET_MINUTES
  )
    throw new CalendarError(
      'CALENDAR_INVALID_ZONE',
      `time zone offset ${utcOffsetMinutes} min must be a whole number of minutes from −720 to +840`,
    );
  return { kind: 'fixed', name, utcOffsetMinutes };
}

function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

// Intl formatting is slow next to arithmetic: offsets of IANA zones are cached per 15-minute
// bucket (every zone in use today changes its offset on a quarter hour), so a month of 1-minute
// data costs a few thousand Intl calls, not 43,200.
const OFFSET_BUCKET_MS = 15 * MS_PER_MINUTE;
const OFFSET_CACHE_LIMIT = 200_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
const offsetCache = new Map<string, Map<number, number>>();

function formatterFor(zoneName: string): Intl.DateTimeFormat {
  let f = formatters.get(zoneName);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zoneName,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zoneName, f);
  }
  return f;
}

function ianaOffsetMinutes(zoneName: string, instantMs: number): number {
  const bucket = Math.floor(instantMs / OFFSET_BUCKET_MS);
  let cache = offsetCache.get(zoneName);
  if (!cache) offsetCache.set(zoneName, (cache = new Map()));
  const cached = cache.get(bucket);
  if (cached !== undefined) return cached;
  const at = bucket * OFFSET_BUCKET_MS;
  const parts: Record<string, number> = {};
  for (const p of formatterFor(zoneName).formatToParts(new Date(at))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const wallMs = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  const offset = Math.round((wallMs - at) / MS_PER_MINUTE);
  if (cache.size >= OFFSET_CACHE_LIMIT) cache.clear();
  cache.set(bucket, offset);
  return offset;
}

/** Offset of `zone` from UTC at an instant, in minutes (480 for China Standard Time). */
export function utcOffsetMinutesAt(instant: Date | number, zone: TimeZone): number {
  if (zone.kind === 'fixed') return zone.utcOffsetMinutes;
  return ianaOffsetMinutes(zone.name, typeof instant === 'number' ? instant : instant.getTime());
}

/** The local date, minute of day and weekday of an instant in `zone`. */
export function toLocalDateTime(instant: Date | number, zone: TimeZone): LocalInstantInfo {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) throw new CalendarError('CALENDAR_INVALID_DATE', 'instant is not a valid time');
  const utcOffsetMinutes = utcOffsetMinutesAt(ms, zone);
  const wall = new Date(ms + utcOffsetMinutes * MS_PER_MINUTE);
  const date = formatLocalDate({ year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() });
  return {
    date,
    minuteOfDay: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
    dayOfWeek: wall.getUTCDay(),
    utcOffsetMinutes,
  };
}

/** The local date of an instant in `zone`. */
export function localDateOf(instant: Date | number, zone: TimeZone): LocalDate {
  return toLocalDateTime(instant, zone).date;
}

/**
 * The instant (epoch ms) of a local wall-clock minute. In a zone with daylight saving, a minute
 * skipped by the spring change is read with the offset before the change (so it lands just after
 * the gap), and a minute that occurs twice in autumn resolves to its first occurrence.
 */
export function localDateTimeToInstant(local: LocalDateTime, zone: TimeZone): number {
  const { year, month, day } = parseLocalDate(local.date);
  if (!Number.isInteger(local.minuteOfDay) || local.minuteOfDay < 0 || local.minuteOfDay > MINUTES_PER_DAY)
    throw new CalendarError('CALENDAR_INVALID_DATE', `minuteOfDay ${local.minuteOfDay} must be an integer 0–1440`);
  const wallMs = Date.UTC(year, month - 1, day) + local.minuteOfDay * MS_PER_MINUTE;
  if (zone.kind === 'fixed') return wallMs - zone.utcOffsetMinutes * MS_PER_MINUTE;
  // Try the offsets in force a day before, at, and a day after the wall time read as UTC: every
  // offset change near this minute is among them. An offset fits when the instant it gives
  // shows that same offset.
  const offsetBefore = ianaOffsetMinutes(zone.name, wallMs - 86_400_000);
  const candidates = [
    offsetBefore,
    ianaOffsetMinutes(zone.name, wallMs),
    ianaOffsetMinutes(zone.name, wallMs + 86_400_000),
  ];
  const fitting = candidates
    .map((offset) => wallMs - offset * MS_PER_MINUTE)
    .filter((instant) => wallMs - ianaOffsetMinutes(zone.name, instant) * MS_PER_MINUTE === instant);
  if (fitting.length > 0) return Math.min(...fitting); // autumn overlap: the first occurrence
  return wallMs - offsetBefore * MS_PER_MINUTE; // spring gap: read with the offset before it
}

/** Local midnight starting `date`, as epoch ms. */
export function startOfLocalDay(date: LocalDate, zone: TimeZone): number {
  return localDateTimeToInstant({ date, minuteOfDay: 0 }, zone);
}

/** [start, end) of a local day as epoch ms; 24 h except on daylight-saving change days. */
export function localDayBounds(date: LocalDate, zone: TimeZone): { startMs: number; endMs: number } {
  return { startMs: startOfLocalDay(date, zone), endMs: startOfLocalDay(addDays(date, 1), zone) };
}
