import { describe, expect, it } from 'vitest';
import { createCalendar, localTimeOf } from '../../../simulators/calendar.ts';
import {
  LOAD_PROFILE_NAMES,
  loadPointAt,
  profileSeedsOf,
  type LoadProfileName,
} from '../../../simulators/load-profiles.ts';
import { mulberry32, signedAt, smoothNoiseAt, uniformAt } from '../../../simulators/prng.ts';
import { HOUR_MS, MINUTE_MS, MONDAY_MIDNIGHT_MS } from '../../support/simulators.ts';

const calendar = createCalendar({ holidays: ['2025-03-05'] }); // a Wednesday made a holiday
const seeds = profileSeedsOf(12345);

function load(profile: LoadProfileName, timeMs: number): number {
  return loadPointAt(profile, timeMs, Math.floor(timeMs / 1000), calendar, seeds).loadFraction;
}

/** Mean load fraction over an hour starting at `hour` on day `day` (0 = Monday). */
function hourMean(profile: LoadProfileName, day: number, hour: number): number {
  let sum = 0;
  for (let m = 0; m < 60; m++)
    sum += load(profile, MONDAY_MIDNIGHT_MS + day * 24 * HOUR_MS + hour * HOUR_MS + m * MINUTE_MS);
  return sum / 60;
}

describe('calendar (China time, no daylight saving)', () => {
  it('knows the local hour, weekday and holidays', () => {
    expect(localTimeOf(MONDAY_MIDNIGHT_MS + 9.5 * HOUR_MS, calendar)).toEqual({
      hourOfDay: 9.5,
      dayOfWeek: 1,
      dayType: 'workday',
    });
    expect(localTimeOf(MONDAY_MIDNIGHT_MS + 5 * 24 * HOUR_MS, calendar).dayType).toBe('weekend');
    expect(localTimeOf(MONDAY_MIDNIGHT_MS + 2 * 24 * HOUR_MS + HOUR_MS, calendar).dayType).toBe('holiday');
  });

  it('rejects holiday dates that do not exist', () => {
    expect(() => createCalendar({ holidays: ['2025-13-01'] })).toThrow(RangeError);
  });
});

describe('load profiles', () => {
  it('are deterministic for a seed', () => {
    for (const profile of LOAD_PROFILE_NAMES) {
      const t = MONDAY_MIDNIGHT_MS + 10 * HOUR_MS + 123_000;
      expect(loadPointAt(profile, t, 7, calendar, seeds)).toEqual(loadPointAt(profile, t, 7, calendar, seeds));
    }
  });

  it('stay between 0 and 140 % of rated load with a lagging PF 0.3..0.999 all week', () => {
    for (const profile of LOAD_PROFILE_NAMES) {
      for (let m = 0; m < 7 * 24 * 60; m += 7) {
        const t = MONDAY_MIDNIGHT_MS + m * MINUTE_MS;
        const point = loadPointAt(profile, t, Math.floor(t / 1000), calendar, seeds);
        expect(point.loadFraction).toBeGreaterThanOrEqual(0);
        expect(point.loadFraction).toBeLessThan(1.4);
        expect(point.pf).toBeGreaterThanOrEqual(0.3);
        expect(point.pf).toBeLessThanOrEqual(0.999);
      }
    }
  });

  it('day-shift factory: busy at 10:00 on a workday, quiet at 03:00, at the weekend and on holidays', () => {
    const working = hourMean('factory_day_shift', 0, 10);
    expect(working).toBeGreaterThan(0.7);
    expect(hourMean('factory_day_shift', 0, 3)).toBeLessThan(working / 2);
    expect(hourMean('factory_day_shift', 5, 10)).toBeLessThan(working / 2); // Saturday
    expect(hourMean('factory_day_shift', 2, 10)).toBeLessThan(working / 2); // holiday Wednesday
  });

  it('three-shift steel: high around the clock, every day, dipping at each shift change', () => {
    for (const day of [0, 5]) {
      for (const hour of [3, 11, 19]) expect(hourMean('steel_three_shift', day, hour)).toBeGreaterThan(0.65);
    }
    for (const changeHour of [8, 16]) {
      const atChange = load('steel_three_shift', MONDAY_MIDNIGHT_MS + changeHour * HOUR_MS + 2 * MINUTE_MS);
      const steady = hourMean('steel_three_shift', 0, changeHour - 3);
      expect(atChange).toBeLessThan(steady * 0.85);
    }
  });

  it('data centre: flat, within ±10 % of its mean all week', () => {
    const hours = Array.from({ length: 7 * 24 }, (_, h) => hourMean('data_centre', Math.floor(h / 24), h % 24));
    const mean = hours.reduce((a, b) => a + b, 0) / hours.length;
    for (const h of hours) expect(Math.abs(h / mean - 1)).toBeLessThan(0.1);
  });

  it('office tower and hospital: day peak over night base; the hospital keeps a high base', () => {
    expect(hourMean('office_tower', 0, 10)).toBeGreaterThan(2.5 * hourMean('office_tower', 0, 2));
    expect(hourMean('hospital', 0, 10)).toBeGreaterThan(hourMean('hospital', 0, 2));
    expect(hourMean('hospital', 0, 2)).toBeGreaterThan(0.4);
  });

  it('cold storage: compressors cycle between about 30 % and 90 % of rated load', () => {
    const minutes = Array.from({ length: 120 }, (_, m) => load('cold_storage', MONDAY_MIDNIGHT_MS + m * MINUTE_MS));
    const on = minutes.filter((l) => l > 0.7).length;
    const off = minutes.filter((l) => l < 0.45).length;
    expect(on).toBeGreaterThan(30);
    expect(off).toBeGreaterThan(15);
    expect(on + off).toBe(120);
  });
});

describe('seeded noise (mulberry32)', () => {
  it('gives the n-th draw of the sequence by random access', () => {
    const next = mulberry32(777);
    for (let n = 1; n <= 50; n++) expect(uniformAt(777, n)).toBe(next());
  });

  it('keeps draws and smooth noise in range', () => {
    for (let i = 0; i < 5000; i++) {
      expect(Math.abs(signedAt(3, i))).toBeLessThanOrEqual(1);
      expect(Math.abs(smoothNoiseAt(3, i * 7919, 60_000))).toBeLessThanOrEqual(1);
    }
  });
});
