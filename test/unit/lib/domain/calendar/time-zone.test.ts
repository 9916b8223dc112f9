import { describe, expect, it } from 'vitest';
import {
  CalendarError,
  DEFAULT_TIME_ZONE_NAME,
  addDays,
  dayOfWeek,
  daysBetween,
  eachLocalDate,
  isLocalDate,
  localDateTimeToInstant,
  localDayBounds,
  parseLocalDate,
  parseTimeZone,
  timeZoneSchema,
  toLocalDateTime,
} from '../../../../../lib/domain/index.ts';
import { thrownBy } from '../../../../support/thrown.ts';

const H = 3_600_000;
const shanghai = parseTimeZone(DEFAULT_TIME_ZONE_NAME);

describe('local time of the utility (domain.md §6: China Standard Time, UTC+8, no DST)', () => {
  it('defaults to Asia/Shanghai', () => {
    expect(parseTimeZone()).toEqual({ kind: 'iana', name: 'Asia/Shanghai' });
  });

  it('16:00 UTC is local midnight of the next day; 15:59 UTC is the last minute of the day', () => {
    expect(toLocalDateTime(Date.parse('2025-01-27T16:00:00Z'), shanghai)).toEqual({
      date: '2025-01-28',
      minuteOfDay: 0,
      dayOfWeek: 2,
      utcOffsetMinutes: 480,
    });
    expect(toLocalDateTime(new Date('2025-01-27T15:59:59Z'), shanghai)).toMatchObject({
      date: '2025-01-27',
      minuteOfDay: 1439,
    });
  });

  it('a fixed +08:00 offset gives the same local time as Asia/Shanghai for every hour of 2025', () => {
    const fixed = parseTimeZone('+08:00');
    for (let t = Date.parse('2025-01-01T00:00:00Z'); t < Date.parse('2026-01-01T00:00:00Z'); t += 7 * H + 60_000)
      expect(toLocalDateTime(t, fixed)).toEqual(toLocalDateTime(t, shanghai));
  });

  it('local wall time back to the instant, both ways', () => {
    expect(localDateTimeToInstant({ date: '2025-01-28', minuteOfDay: 0 }, shanghai)).toBe(
      Date.parse('2025-01-27T16:00:00Z'),
    );
    expect(localDateTimeToInstant({ date: '2025-07-01', minuteOfDay: 23 * 60 }, parseTimeZone(480))).toBe(
      Date.parse('2025-07-01T15:00:00Z'),
    );
    expect(localDayBounds('2025-03-30', shanghai)).toEqual({
      startMs: Date.parse('2025-03-29T16:00:00Z'),
      endMs: Date.parse('2025-03-30T16:00:00Z'),
    });
  });
});

describe('time zone configuration', () => {
  it('reads fixed offsets in the usual spellings', () => {
    expect(parseTimeZone('UTC+8')).toMatchObject({ kind: 'fixed', utcOffsetMinutes: 480 });
    expect(parseTimeZone('+0800')).toMatchObject({ utcOffsetMinutes: 480 });
    expect(parseTimeZone('-05:30')).toMatchObject({ utcOffsetMinutes: -330 });
    expect(parseTimeZone('UTC')).toMatchObject({ utcOffsetMinutes: 0 });
    expect(parseTimeZone(345)).toMatchObject({ kind: 'fixed', name: 'UTC+05:45' });
  });

  it('refuses unknown zones and impossible offsets with CALENDAR_INVALID_ZONE', () => {
    for (const bad of ['Mars/Olympus', '+15:00', '+08:75', 900, 8.5]) {
      const err = thrownBy(() => parseTimeZone(bad));
      expect(err).toBeInstanceOf(CalendarError);
      expect(err.code).toBe('CALENDAR_INVALID_ZONE');
    }
  });

  it('reads a zone from options with zod: the same spellings, Asia/Shanghai by default, a bad one as an issue', () => {
    expect(timeZoneSchema.parse(undefined)).toEqual(parseTimeZone(DEFAULT_TIME_ZONE_NAME));
    expect(timeZoneSchema.parse(480)).toEqual(parseTimeZone(480));
    expect(timeZoneSchema.parse('+08:00')).toMatchObject({ kind: 'fixed', utcOffsetMinutes: 480 });
    const bad = timeZoneSchema.safeParse('Mars/Olympus');
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.message).toMatch(/Mars\/Olympus/);
  });

  it('handles a zone with daylight saving (Europe/Berlin, last Sundays of March and October 2025)', () => {
    const berlin = parseTimeZone('Europe/Berlin');
    const spring = localDayBounds('2025-03-30', berlin);
    expect((spring.endMs - spring.startMs) / H).toBe(23);
    const autumn = localDayBounds('2025-10-26', berlin);
    expect((autumn.endMs - autumn.startMs) / H).toBe(25);
    // 02:30 does not exist on 30 March: read with the winter offset, it lands at 03:30 summer time
    expect(localDateTimeToInstant({ date: '2025-03-30', minuteOfDay: 150 }, berlin)).toBe(
      Date.parse('2025-03-30T01:30:00Z'),
    );
    // 02:30 happens twice on 26 October: the first occurrence (summer time, UTC+2)
    expect(localDateTimeToInstant({ date: '2025-10-26', minuteOfDay: 150 }, berlin)).toBe(
      Date.parse('2025-10-26T00:30:00Z'),
    );
    expect(toLocalDateTime(Date.parse('2025-07-01T12:00:00Z'), berlin)).toMatchObject({
      minuteOfDay: 14 * 60,
      utcOffsetMinutes: 120,
    });
  });
});

describe('local dates', () => {
  it('weekday of a date (1970-01-01 was a Thursday; 2025-01-26 a Sunday)', () => {
    expect(dayOfWeek('1970-01-01')).toBe(4);
    expect(dayOfWeek('2025-01-26')).toBe(0);
    expect(dayOfWeek('2025-02-08')).toBe(6);
  });

  it('day arithmetic across month, year and leap day', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(eachLocalDate('2025-01-30', '2025-02-02')).toEqual(['2025-01-30', '2025-01-31', '2025-02-01', '2025-02-02']);
  });

  it('does calendar arithmetic across month, leap day and year ends (moved from the load-curve tests)', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addDays('2024-01-01', -1)).toBe('2023-12-31');
    expect(daysBetween('2023-12-31', '2024-03-01')).toBe(61);
    expect(dayOfWeek('2024-01-08')).toBe(1);
    expect(isLocalDate('2024-02-30')).toBe(false);
    expect(isLocalDate('2024-2-3')).toBe(false);
    expect(isLocalDate('2024-02-29')).toBe(true);
  });

  it('refuses a date that does not exist with CALENDAR_INVALID_DATE', () => {
    expect(() => parseLocalDate('2025-04-31')).toThrow(/2025-04 has 30 days/);
  });
});
