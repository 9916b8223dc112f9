import { describe, expect, it } from 'vitest';
import type { DayType } from '../../../../../lib/domain/index.ts';
import {
  checkTouSchedules,
  parseTouScheduleFile,
  type TouSchedule,
  touPeriodAt,
} from '../../../../../lib/domain/index.ts';
import { loadTariffs } from '../../../../../lib/reference-data/index.ts';
import { ALL_DAY_TYPES, dayRule, simpleSchedule } from './tou-fixtures.ts';
import { issueLines, thrownBy } from '../../../../support/thrown.ts';

const hm = (text: string) => Number(text.slice(0, 2)) * 60 + Number(text.slice(3, 5));
const codeOf = (fn: () => unknown) => thrownBy(fn).code;
const issuesOf = (schedules: unknown[]) => issueLines(() => parseTouScheduleFile({ schedules }));

describe('default schedule (domain.md §6: valley 23–07, peak 08–11 and 18–23, flat otherwise)', () => {
  const schedules = loadTariffs().touSchedules;
  const at = (time: string, dayType: DayType = 'workday', date = '2025-03-10') =>
    touPeriodAt({ date, minuteOfDay: hm(time) }, dayType, schedules);

  it('switches at each boundary minute, start included and end excluded', () => {
    const expected: Array<[string, string]> = [
      ['00:00', 'valley'],
      ['06:59', 'valley'],
      ['07:00', 'flat'],
      ['07:59', 'flat'],
      ['08:00', 'peak'],
      ['10:59', 'peak'],
      ['11:00', 'flat'],
      ['17:59', 'flat'],
      ['18:00', 'peak'],
      ['22:59', 'peak'],
      ['23:00', 'valley'],
      ['23:59', 'valley'],
    ];
    expect(expected.map(([t]) => at(t))).toEqual(expected.map(([, p]) => p));
  });

  it('is the same all year and on every day type', () => {
    for (const dt of ALL_DAY_TYPES)
      for (const date of ['2025-01-28', '2025-07-15', '2030-12-31']) expect(at('09:30', dt, date)).toBe('peak');
  });

  it('refuses a minute outside the day', () => {
    expect(codeOf(() => touPeriodAt({ date: '2025-03-10', minuteOfDay: 1440 }, 'workday', schedules))).toBe(
      'TARIFF_BAD_ARGUMENT',
    );
  });
});

describe('seasons, day types and validity dates', () => {
  // A summer season with a critical peak on working days, another winter, and a change of
  // schedule on 1 July 2025.
  const flatDay = dayRule(['weekend', 'holiday'], [['flat', '00:00', '24:00']]);
  const summer2025: TouSchedule = {
    id: 'gd-2025h2',
    region: 'CN-GD',
    validFrom: '2025-07-01',
    validTo: null,
    seasons: [
      {
        name: 'summer',
        months: [7, 8, 9],
        dayRules: [
          dayRule(
            ['workday', 'makeup_workday'],
            [
              ['valley', '00:00', '08:00'],
              ['peak', '08:00', '11:00'],
              ['critical_peak', '11:00', '12:00'],
              ['peak', '12:00', '17:30'],
              ['flat', '17:30', '24:00'],
            ],
          ),
          flatDay,
        ],
      },
      {
        name: 'rest',
        months: [1, 2, 3, 4, 5, 6, 10, 11, 12],
        dayRules: [
          dayRule(ALL_DAY_TYPES, [
            ['deep_valley', '00:00', '06:00'],
            ['flat', '06:00', '24:00'],
          ]),
        ],
      },
    ],
  };
  const before = simpleSchedule('gd-2025h1', [['flat', '00:00', '24:00']], {
    region: 'CN-GD',
    validFrom: '2025-01-01',
    validTo: '2025-06-30',
  });
  const schedules = [before, summer2025];
  const at = (date: string, time: string, dt: DayType) => touPeriodAt({ date, minuteOfDay: hm(time) }, dt, schedules);

  it('picks the season by month and the periods by day type', () => {
    expect(at('2025-08-05', '11:30', 'workday')).toBe('critical_peak');
    expect(at('2025-08-09', '11:30', 'makeup_workday')).toBe('critical_peak');
    expect(at('2025-08-10', '11:30', 'weekend')).toBe('flat');
    expect(at('2025-11-05', '05:59', 'workday')).toBe('deep_valley');
    expect(at('2025-11-05', '06:00', 'workday')).toBe('flat');
  });

  it('minute resolution: 17:29 is peak, 17:30 flat', () => {
    expect([at('2025-08-05', '17:29', 'workday'), at('2025-08-05', '17:30', 'workday')]).toEqual(['peak', 'flat']);
  });

  it('uses the schedule valid on the date (30 June old, 1 July new), null before any', () => {
    expect(at('2025-06-30', '11:30', 'workday')).toBe('flat');
    expect(at('2025-07-01', '11:30', 'workday')).toBe('critical_peak');
    expect(at('2024-12-31', '11:30', 'workday')).toBeNull();
  });

  it('accepts back-to-back validity and refuses schedules of one region sharing a day', () => {
    expect(() => checkTouSchedules(schedules)).not.toThrow();
    const clash = { ...before, validTo: '2025-07-01' };
    expect(() => checkTouSchedules([clash, summer2025])).toThrow(
      /schedule "gd-2025h2" \(2025-07-01 – open\) overlaps schedule "gd-2025h1" \(2025-01-01 – 2025-07-01\) for region CN-GD/,
    );
  });

  it('schedules of several regions: ambiguous without a region, resolved with one', () => {
    const both = [...schedules, ...loadTariffs().touSchedules];
    const local = { date: '2025-08-05', minuteOfDay: hm('11:30') };
    expect(codeOf(() => touPeriodAt(local, 'workday', both))).toBe('TARIFF_AMBIGUOUS');
    expect(touPeriodAt(local, 'workday', both, 'CN-GD')).toBe('critical_peak');
    expect(touPeriodAt(local, 'workday', both, 'CN')).toBe('flat');
  });
});

describe('schedule validation: 24 hours exactly once per season and day type', () => {
  it('accepts ranges that wrap midnight', () => {
    expect(
      issuesOf([
        simpleSchedule('a', [
          ['valley', '22:00', '06:00'],
          ['flat', '06:00', '22:00'],
        ]),
      ]),
    ).toEqual([]);
  });

  it('names an overlap and the clashing minutes', () => {
    expect(
      issuesOf([
        simpleSchedule('a', [
          ['peak', '08:00', '11:00'],
          ['flat', '10:00', '24:00'],
          ['valley', '00:00', '08:00'],
        ]),
      ]),
    ).toEqual(['schedules.0.seasons.0.dayRules.0.periods: peak 08:00–11:00 overlaps flat 10:00–24:00 at 10:00–11:00']);
  });

  it('names an overlap across midnight', () => {
    expect(
      issuesOf([
        simpleSchedule('a', [
          ['valley', '23:00', '07:00'],
          ['flat', '06:30', '23:00'],
        ]),
      ]),
    ).toEqual([
      'schedules.0.seasons.0.dayRules.0.periods: valley 23:00–07:00 overlaps flat 06:30–23:00 at 06:30–07:00',
    ]);
  });

  it('names an uncovered stretch', () => {
    expect(
      issuesOf([
        simpleSchedule('a', [
          ['valley', '23:00', '07:00'],
          ['flat', '07:15', '23:00'],
        ]),
      ]),
    ).toEqual(['schedules.0.seasons.0.dayRules.0.periods: 07:00–07:15 has no period']);
  });

  it('refuses an empty range and a malformed time', () => {
    expect(issuesOf([simpleSchedule('a', [['flat', '08:00', '08:00']])])).toContain(
      'schedules.0.seasons.0.dayRules.0.periods.0.to: 08:00–08:00 is empty or ambiguous; write a whole day as 00:00–24:00',
    );
    expect(issuesOf([simpleSchedule('a', [['flat', '8:00', '24:00']])])[0]).toMatch(
      /^schedules\.0\.seasons\.0\.dayRules\.0\.periods\.0\.from: must be a time HH:MM/,
    );
  });

  it('seasons must cover the twelve months without overlap', () => {
    const s = simpleSchedule('a', [['flat', '00:00', '24:00']]);
    const rule = s.seasons[0]!.dayRules;
    expect(
      issuesOf([
        {
          ...s,
          seasons: [
            { name: 'summer', months: [6, 7, 8], dayRules: rule },
            { name: 'winter', months: [8, 12, 1, 2], dayRules: rule },
          ],
        },
      ]),
    ).toEqual([
      'schedules.0.seasons.1.months: month 8 is in season "summer" and in season "winter"',
      'schedules.0.seasons: months 3, 4, 5, 9, 10, 11 are in no season',
    ]);
  });

  it('each day type exactly once per season', () => {
    const s = simpleSchedule('a', [['flat', '00:00', '24:00']]);
    const full = [['flat', '00:00', '24:00']] as Array<['flat', string, string]>;
    expect(
      issuesOf([
        {
          ...s,
          seasons: [
            {
              name: 'all year',
              months: s.seasons[0]!.months,
              dayRules: [dayRule(['workday', 'weekend'], full), dayRule(['weekend'], full)],
            },
          ],
        },
      ]),
    ).toEqual([
      'schedules.0.seasons.0.dayRules.1.dayTypes: day type weekend already has periods in dayRules.0 of season "all year"',
      'schedules.0.seasons.0.dayRules: season "all year" has no periods for holiday, makeup_workday',
    ]);
  });

  it('validTo before validFrom and duplicate ids are named', () => {
    const a = simpleSchedule('a', [['flat', '00:00', '24:00']], { validFrom: '2025-02-01', validTo: '2025-01-31' });
    expect(issuesOf([a])).toEqual(['schedules.0.validTo: validTo 2025-01-31 is before validFrom 2025-02-01']);
    const b = simpleSchedule('b', [['flat', '00:00', '24:00']], { region: 'CN-SH' });
    expect(issuesOf([b, { ...b, region: 'CN-BJ' }])).toEqual([
      'schedules.1.id: duplicate schedule id "b" (also schedules.0)',
    ]);
  });
});
