import { describe, expect, it } from 'vitest';
import { DEFAULT_TIME_ZONE_NAME, parseTimeZone } from '../../../../lib/domain/index.ts';
import {
  assertDailyLoads,
  completeness,
  dailyEnergyKwh,
  dayClassOf,
  isOnSlotBoundary,
  localSlotOf,
  peakOf,
  pointsInRange,
  selectSimilarDays,
  slotStartMs,
  slotTime,
  sumDailyLoads,
} from '../../../../lib/load-curve/index.ts';
import { cnDayTypeOf } from '../../../support/calendars.ts';
import { fieldOf } from '../../../support/thrown.ts';

/** China Standard Time, UTC+8 without DST (domain.md §6). */
const CHINA = parseTimeZone(DEFAULT_TIME_ZONE_NAME);
const curve = (value: number | null) => Array.from({ length: 96 }, () => value);

describe('15-minute slots of the local day (domain.md §6: 96 points a day, China UTC+8 without DST)', () => {
  it('maps an instant to its China local date and slot, and back', () => {
    // 2024-01-08T02:00Z is 10:00 in Beijing: slot 40
    expect(localSlotOf(Date.UTC(2024, 0, 8, 2, 0), CHINA)).toEqual({ date: '2024-01-08', slot: 40 });
    // 16:00Z is midnight of the next local day
    expect(localSlotOf(Date.UTC(2024, 0, 7, 16, 0), CHINA)).toEqual({ date: '2024-01-08', slot: 0 });
    expect(localSlotOf(Date.UTC(2024, 0, 7, 15, 59), CHINA)).toEqual({
      date: '2024-01-07',
      slot: 95,
    });
    expect(slotStartMs('2024-01-08', 40, CHINA)).toBe(Date.UTC(2024, 0, 8, 2, 0));
    // the same with the zone given as a fixed offset
    expect(localSlotOf(Date.UTC(2024, 0, 8, 2, 0), parseTimeZone('+08:00'))).toEqual({ date: '2024-01-08', slot: 40 });
    expect(slotStartMs('2024-01-08', 40, parseTimeZone(480))).toBe(Date.UTC(2024, 0, 8, 2, 0));
    expect(slotTime(40)).toBe('10:00');
    expect(slotTime(95)).toBe('23:45');
  });

  it('recognises block boundaries hh:00/15/30/45', () => {
    expect(isOnSlotBoundary(Date.UTC(2024, 0, 8, 2, 45))).toBe(true);
    expect(isOnSlotBoundary(Date.UTC(2024, 0, 8, 2, 50))).toBe(false);
    expect(isOnSlotBoundary(Date.UTC(2024, 0, 8, 2, 45, 1))).toBe(false);
  });
});

describe('daily curves: unknown points are never zero (domain.md §6)', () => {
  it('estimates energy from the known points only when enough are known', () => {
    expect(dailyEnergyKwh(curve(100))).toBe(2400);
    const half = curve(100).map((v, s) => (s % 2 === 0 ? v : null));
    expect(completeness(half)).toBe(0.5);
    expect(dailyEnergyKwh(half)).toBeNull();
    // mean of known points × 24 h, not Σ known × 0.25 h (which would be 1200)
    expect(dailyEnergyKwh(half, 0.5)).toBe(2400);
  });

  it('finds the earliest highest known point', () => {
    const kw = curve(null);
    kw[10] = 5;
    kw[20] = 7;
    kw[30] = 7;
    expect(peakOf(kw)).toEqual({ kw: 7, slot: 20 });
    expect(peakOf(curve(null))).toBeNull();
  });

  it('sums accounts point by point; an account without the point makes the sum unknown, not smaller', () => {
    const a = [
      { date: '2024-01-01', kw: curve(10) },
      { date: '2024-01-02', kw: curve(10).map((v, s) => (s === 5 ? null : v)) },
    ];
    const b = [{ date: '2024-01-02', kw: curve(20) }];
    const sum = sumDailyLoads([a, b]);
    expect(sum.map((d) => d.date)).toEqual(['2024-01-01', '2024-01-02']);
    expect(sum[0]!.kw.every((v) => v === null)).toBe(true);
    expect(sum[1]!.kw[4]).toBe(30);
    expect(sum[1]!.kw[5]).toBeNull();
  });

  it('reads the points of an instant range across midnight, unknown where a day is missing', () => {
    const days = [{ date: '2024-01-08', kw: curve(5).map((v, s) => (s === 95 ? 7 : v)) }];
    // 23:45 on the 8th to 00:15 on the 9th, Beijing time
    const points = pointsInRange(days, Date.UTC(2024, 0, 8, 15, 45), Date.UTC(2024, 0, 8, 16, 15), CHINA);
    expect(points).toEqual([
      { start: Date.UTC(2024, 0, 8, 15, 45), kw: 7 },
      { start: Date.UTC(2024, 0, 8, 16, 0), kw: null },
    ]);
  });

  it('names the bad field of a malformed curve', () => {
    const bad = (days: unknown) => fieldOf(() => assertDailyLoads(days as never, 'history'));
    expect(bad([{ date: '2024-01-01', kw: curve(1).slice(1) }])).toBe('history[0].kw');
    expect(bad([{ date: '2024-13-01', kw: curve(1) }])).toBe('history[0].date');
    expect(bad([{ date: '2024-01-01', kw: curve(1).map((v, s) => (s === 7 ? Number.NaN : v)) }])).toBe(
      'history[0].kw[7]',
    );
    expect(
      bad([
        { date: '2024-01-01', kw: curve(1) },
        { date: '2024-01-01', kw: curve(1) },
      ]),
    ).toBe('history[1].date');
    expect(() => assertDailyLoads([{ date: '2024-01-01', kw: curve(1) }], 'history')).not.toThrow();
  });
});

describe('similar days', () => {
  // Qingming 2024 (real calendar): off Thu 4 – Sat 6 April, Sunday 7 April worked
  const dayTypeOf = cnDayTypeOf;

  it('treats a make-up working Sunday as a workday and never looks at or after the day itself', () => {
    expect(dayClassOf('makeup_workday')).toBe('workday');
    const visited: string[] = [];
    const selection = selectSimilarDays({
      before: '2024-04-09',
      dayClass: 'workday',
      dayTypeOf,
      count: 3,
      lookbackDays: 30,
      unusableReason: (d) => {
        visited.push(d);
        return d === '2024-04-03' ? 'incomplete' : null;
      },
    });
    // Mon 8th, make-up Sun 7th, (Sat 6th, Fri 5th and Thu 4th holidays), Wed 3rd skipped, Tue 2nd
    expect(selection.days.map((d) => d.date)).toEqual(['2024-04-08', '2024-04-07', '2024-04-02']);
    expect(selection.days[1]!.dayType).toBe('makeup_workday');
    expect(selection.skipped).toEqual([{ date: '2024-04-03', reason: 'incomplete' }]);
    expect(visited.every((d) => d < '2024-04-09')).toBe(true);
  });
});
