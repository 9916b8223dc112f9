import { describe, expect, it } from 'vitest';
import { emptyCalendar, localDateTimeToInstant, parseTimeZone } from '../../../../../lib/domain/index.ts';
import { splitEnergyByTouPeriod, type TouContext, touSegments } from '../../../../../lib/domain/index.ts';
import { loadTariffs } from '../../../../../lib/reference-data/index.ts';
import { CHINA_ZONE as zone, CN_CALENDAR as calendar } from '../../../../support/calendars.ts';
import { thrownBy } from '../../../../support/thrown.ts';
import { dayRule, simpleSchedule } from './tou-fixtures.ts';

const ctx: TouContext = { zone, calendar, schedules: loadTariffs().touSchedules };
const localMs = (date: string, hh = 0, mm = 0) => localDateTimeToInstant({ date, minuteOfDay: hh * 60 + mm }, zone);
const day = (date: string, kwh: (i: number) => number | null = () => 1) =>
  Array.from({ length: 96 }, (_, i) => ({ startMs: localMs(date) + i * 900_000, energyKwh: kwh(i) }));

describe('energy of a 15-minute series by ToU period', () => {
  it('a flat 1 kWh per quarter hour on a day splits 32 / 32 / 32 under the default schedule (8 h each)', () => {
    const r = splitEnergyByTouPeriod(day('2025-03-10'), ctx);
    expect(r.energyKwhByPeriod).toEqual({ critical_peak: 0, peak: 32, flat: 32, valley: 32, deep_valley: 0 });
    expect(r).toMatchObject({ totalKwh: 96, intervalsCounted: 96, intervalsMissing: 0, intervalsStraddling: 0 });
  });

  it('judges time in the local zone: the 23:00 quarter hour is valley, 22:45 peak', () => {
    const r = splitEnergyByTouPeriod(
      [
        { startMs: localMs('2025-03-10', 22, 45), energyKwh: 5 },
        { startMs: localMs('2025-03-10', 23, 0), energyKwh: 7 },
      ],
      ctx,
    );
    expect(r.energyKwhByPeriod).toMatchObject({ peak: 5, valley: 7 });
  });

  it('leaves unknown intervals out and counts them (a gap is never zero, domain.md §6)', () => {
    const r = splitEnergyByTouPeriod(
      day('2025-03-10', (i) => (i < 4 ? null : 1)),
      ctx,
    );
    expect(r).toMatchObject({ intervalsMissing: 4, intervalsCounted: 92, totalKwh: 92 });
    expect(r.energyKwhByPeriod.valley).toBe(28);
  });

  it('counts an interval given twice once', () => {
    const iv = { startMs: localMs('2025-03-10', 9), energyKwh: 3 };
    expect(splitEnergyByTouPeriod([iv, { ...iv, energyKwh: 4 }], ctx).energyKwhByPeriod.peak).toBe(3);
  });

  it('shares an interval that straddles a boundary pro rata by minutes (07:10 boundary: 10 / 5 of 15 kWh)', () => {
    const odd = simpleSchedule('odd', [
      ['valley', '00:00', '07:10'],
      ['flat', '07:10', '24:00'],
    ]);
    const r = splitEnergyByTouPeriod([{ startMs: localMs('2025-03-10', 7), energyKwh: 15 }], {
      ...ctx,
      schedules: [odd],
    });
    expect(r.energyKwhByPeriod).toMatchObject({ valley: 10, flat: 5 });
    expect(r.intervalsStraddling).toBe(1);
  });

  it('uses the holiday calendar: 28 Jan 2025 (Spring Festival) takes the holiday periods', () => {
    const schedule = simpleSchedule('h', [['flat', '00:00', '24:00']]);
    schedule.seasons[0]!.dayRules = [
      dayRule(['workday', 'makeup_workday', 'weekend'], [['flat', '00:00', '24:00']]),
      dayRule(['holiday'], [['valley', '00:00', '24:00']]),
    ];
    const c = { ...ctx, schedules: [schedule] };
    expect(splitEnergyByTouPeriod(day('2025-01-28'), c).energyKwhByPeriod.valley).toBe(96);
    expect(splitEnergyByTouPeriod(day('2025-01-26'), c).energyKwhByPeriod.flat).toBe(96); // make-up Sunday
  });

  it('lists the dates the calendar does not cover and the energy no schedule prices', () => {
    const r = splitEnergyByTouPeriod(day('2027-02-08'), { ...ctx, calendar: emptyCalendar('CN') });
    expect(r.datesNotCovered).toEqual(['2027-02-08']);
    const dated = simpleSchedule('d', [['flat', '00:00', '24:00']], { validFrom: '2026-01-01' });
    const u = splitEnergyByTouPeriod(day('2025-12-31'), { ...ctx, schedules: [dated] });
    expect(u).toMatchObject({ unscheduledKwh: 96, totalKwh: 0 });
  });

  it('refuses a negative energy, naming the interval', () => {
    expect(() =>
      splitEnergyByTouPeriod(
        [
          { startMs: 0, energyKwh: 1 },
          { startMs: 900_000, energyKwh: -1 },
        ],
        ctx,
      ),
    ).toThrow(/intervals\[1\]\.energyKwh must be a number ≥ 0/);
    expect(
      thrownBy(() => splitEnergyByTouPeriod([{ startMs: 0, energyKwh: 1 }], ctx, { intervalMinutes: 0 })).code,
    ).toBe('TARIFF_BAD_ARGUMENT');
  });
});

describe('segments of a stretch of time', () => {
  it('splits at local midnight into two dates with their own day types (31 Jan → 1 Feb 2025, both holidays; 4 → 5 Feb)', () => {
    expect(touSegments(localMs('2025-02-04', 23, 50), 15, ctx)).toEqual([
      { date: '2025-02-04', dayType: 'holiday', period: 'valley', minutes: 10 },
      { date: '2025-02-05', dayType: 'workday', period: 'valley', minutes: 5 },
    ]);
  });

  it('follows a daylight-saving change inside an interval (Europe/Berlin, 30 March 2025: 01:59 is followed by 03:00)', () => {
    const berlin = parseTimeZone('Europe/Berlin');
    const schedule = simpleSchedule('dst', [
      ['valley', '00:00', '03:00'],
      ['flat', '03:00', '24:00'],
    ]);
    const start = Date.parse('2025-03-30T00:50:00Z'); // 01:50 CET
    expect(touSegments(start, 15, { ...ctx, zone: berlin, schedules: [schedule] })).toEqual([
      { date: '2025-03-30', dayType: 'weekend', period: 'valley', minutes: 10 },
      { date: '2025-03-30', dayType: 'weekend', period: 'flat', minutes: 5 },
    ]);
  });
});
