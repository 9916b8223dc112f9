import { describe, expect, it } from 'vitest';
import {
  type CalendarFile,
  classifyDay,
  classifyDays,
  dayTypeOf,
  emptyCalendar,
  calendarForRegion,
  isWorkingDay,
  mergeCalendars,
  parseCalendarFile,
  uncoveredYears,
} from '../../../../../lib/domain/index.ts';
import { issueLines, thrownBy } from '../../../../support/thrown.ts';

// Facts from the State Council General Office notices (the sources in reference/calendars/cn.json):
// 2025 (国办发明电〔2024〕12号): Spring Festival off 28 Jan – 4 Feb, worked Sun 26 Jan and Sat 8 Feb.
// 2026 (gov.cn 202511/content_7047091): New Year off 1–3 Jan, worked Sun 4 Jan.
const cn2025: CalendarFile = {
  region: 'CN',
  years: {
    '2025': {
      sources: ['https://www.gov.cn/zhengce/zhengceku/202411/content_6986383.htm'],
      days: [
        { date: '2025-01-26', name: '春节', isOffDay: false },
        ...[
          '2025-01-28',
          '2025-01-29',
          '2025-01-30',
          '2025-01-31',
          '2025-02-01',
          '2025-02-02',
          '2025-02-03',
          '2025-02-04',
        ].map((date) => ({ date, name: '春节', isOffDay: true })),
        { date: '2025-02-08', name: '春节', isOffDay: false },
      ],
    },
  },
};
const cn2026: CalendarFile = {
  region: 'CN',
  years: {
    '2026': {
      sources: ['https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm'],
      days: [
        { date: '2026-01-01', name: '元旦', isOffDay: true },
        { date: '2026-01-02', name: '元旦', isOffDay: true },
        { date: '2026-01-03', name: '元旦', isOffDay: true },
        { date: '2026-01-04', name: '元旦', isOffDay: false },
      ],
    },
  },
};
const cn = calendarForRegion(mergeCalendars([cn2025, cn2026]), 'CN');

const codeOf = (fn: () => unknown) => thrownBy(fn).code;

describe('day types from the 2025 Spring Festival notice', () => {
  it('a Sunday the notice makes a working day is a make-up workday (26 Jan 2025)', () => {
    expect(dayTypeOf('2025-01-26', cn)).toBe('makeup_workday');
    expect(isWorkingDay('2025-01-26', cn)).toBe(true);
  });

  it('the Monday before the holiday is an ordinary workday (27 Jan 2025)', () => {
    expect(dayTypeOf('2025-01-27', cn)).toBe('workday');
  });

  it('every day of 28 Jan – 4 Feb 2025 is a holiday, the Saturday and Sunday inside included', () => {
    const days = classifyDays('2025-01-28', '2025-02-04', cn);
    expect(days.map((d) => d.dayType)).toEqual(Array(8).fill('holiday'));
    expect(days.every((d) => !d.isWorkingDay && d.holidayName === '春节' && d.covered)).toBe(true);
  });

  it('the Saturday after (8 Feb 2025) is worked; the Sunday after (9 Feb) is a weekend day', () => {
    expect(dayTypeOf('2025-02-08', cn)).toBe('makeup_workday');
    expect(dayTypeOf('2025-02-09', cn)).toBe('weekend');
    expect(isWorkingDay('2025-02-09', cn)).toBe(false);
  });

  it('outside the notice Saturday and Sunday are weekend days, Monday–Friday workdays', () => {
    expect(['2025-03-08', '2025-03-09', '2025-03-10', '2025-03-14'].map((d) => dayTypeOf(d, cn))).toEqual([
      'weekend',
      'weekend',
      'workday',
      'workday',
    ]);
  });
});

describe('coverage: dates in a year without a notice', () => {
  it('reports a 2027 date as not covered (its day type falls back to Saturday/Sunday)', () => {
    // 2027-02-08 is a Monday around the 2027 Spring Festival: unknown without the 2027 notice
    expect(classifyDay('2027-02-08', cn)).toEqual({
      date: '2027-02-08',
      dayType: 'workday',
      isWorkingDay: true,
      holidayName: null,
      covered: false,
    });
  });

  it('lists the uncovered years of a period', () => {
    expect(uncoveredYears('2024-12-01', '2027-01-31', cn)).toEqual([2024, 2027]);
    expect(uncoveredYears('2025-01-01', '2026-12-31', cn)).toEqual([]);
  });

  it('an empty calendar covers nothing', () => {
    expect(classifyDay('2025-01-28', emptyCalendar('CN'))).toMatchObject({ dayType: 'workday', covered: false });
  });
});

describe('merging calendars', () => {
  const cn2027: CalendarFile = {
    region: 'CN',
    years: { '2027': { sources: ['operator file'], days: [{ date: '2027-02-08', name: '春节', isOffDay: true }] } },
  };

  it('an operator adds a year: 2027 becomes covered', () => {
    const merged = calendarForRegion(mergeCalendars([cn2025, cn2026, cn2027]), 'CN');
    expect(classifyDay('2027-02-08', merged)).toMatchObject({ dayType: 'holiday', covered: true });
    expect([...merged.years].sort()).toEqual([2025, 2026, 2027]);
  });

  it('another region stays separate', () => {
    const hk: CalendarFile = {
      region: 'HK',
      years: {
        '2025': { sources: ['gov.hk'], days: [{ date: '2025-01-29', name: 'Lunar New Year', isOffDay: true }] },
      },
    };
    const all = mergeCalendars([cn2025, hk]);
    expect([...all.keys()].sort()).toEqual(['CN', 'HK']);
    expect(dayTypeOf('2025-01-28', calendarForRegion(all, 'HK'))).toBe('workday');
    expect(codeOf(() => calendarForRegion(all, 'JP'))).toBe('CALENDAR_UNKNOWN_REGION');
  });

  it('refuses a year defined twice for a region, naming both files', () => {
    expect(() => mergeCalendars([cn2025, cn2025], ['a.json', 'b.json'])).toThrow(
      /CN 2025 is defined in both a.json and b.json/,
    );
    expect(codeOf(() => mergeCalendars([cn2025, cn2025]))).toBe('CALENDAR_CONFLICT');
  });

  it('refuses the same date listed by two notices', () => {
    const edge: CalendarFile = {
      region: 'CN',
      years: { '2024': { sources: ['x'], days: [{ date: '2025-01-01', name: '元旦', isOffDay: true }] } },
    };
    const with2025NewYear: CalendarFile = {
      region: 'CN',
      years: { '2025': { sources: ['y'], days: [{ date: '2025-01-01', name: '元旦', isOffDay: true }] } },
    };
    expect(codeOf(() => mergeCalendars([edge, with2025NewYear]))).toBe('CALENDAR_CONFLICT');
  });
});

describe('calendar file validation', () => {
  const file = (days: unknown[], extra: Record<string, unknown> = {}) => ({
    region: 'CN',
    years: { '2025': { sources: ['s'], days } },
    ...extra,
  });
  const issuesOf = (doc: unknown) => issueLines(() => parseCalendarFile(doc));

  it('accepts the shape of the shipped file, $comment included', () => {
    expect(
      parseCalendarFile(file([{ date: '2025-01-01', name: '元旦', isOffDay: true }], { $comment: 'x' })).region,
    ).toBe('CN');
  });

  it('refuses an impossible date and names the field (2025 is not a leap year)', () => {
    const issues = issuesOf(file([{ date: '2025-02-29', name: 'x', isOffDay: true }]));
    expect(issues).toEqual([expect.stringMatching(/^years\.2025\.days\.0\.date: .*2025-02 has 28 days/)]);
    expect(issuesOf(file([{ date: '2025-13-01', name: 'x', isOffDay: true }]))[0]).toMatch(/no month 13/);
    expect(issuesOf(file([{ date: '2025-1-5', name: 'x', isOffDay: true }]))[0]).toMatch(/YYYY-MM-DD/);
  });

  it('accepts 29 February in a leap year (2024; Gregorian rule)', () => {
    expect(() =>
      parseCalendarFile({
        region: 'CN',
        years: { '2024': { sources: ['s'], days: [{ date: '2024-02-29', name: 'x', isOffDay: true }] } },
      }),
    ).not.toThrow();
  });

  it('refuses a duplicate date, naming both places', () => {
    const issues = issuesOf(
      file([
        { date: '2025-05-01', name: '劳动节', isOffDay: true },
        { date: '2025-05-01', name: '劳动节', isOffDay: true },
      ]),
    );
    expect(issues).toEqual(['years.2025.days.1.date: duplicate date 2025-05-01 (already at years.2025.days.0.date)']);
  });

  it('refuses a make-up workday on a weekday (it must turn a weekend day into a working day)', () => {
    expect(issuesOf(file([{ date: '2025-01-27', name: '春节', isOffDay: false }]))[0]).toMatch(
      /^years\.2025\.days\.0\.isOffDay: 2025-01-27 is a weekday/,
    );
  });

  it('accepts late-December days in the next year’s notice but not other years', () => {
    expect(issuesOf(file([{ date: '2024-12-30', name: '元旦', isOffDay: true }]))).toEqual([]);
    expect(issuesOf(file([{ date: '2205-01-01', name: '元旦', isOffDay: true }]))[0]).toMatch(
      /does not belong to the 2025 notice/,
    );
  });

  it('names missing and mistyped fields', () => {
    const issues = issuesOf({ years: { '2025': { days: [{ date: '2025-01-01', name: '元旦', isOffDay: 'yes' }] } } });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^region: /),
        expect.stringMatching(/^years\.2025\.sources: /),
        expect.stringMatching(/^years\.2025\.days\.0\.isOffDay: /),
      ]),
    );
    expect(issuesOf(file([], { region: 'china' }))[0]).toMatch(/^region: must be an ISO 3166 code/);
  });
});
