import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { calendarForRegion, classifyDay } from '../../../../lib/domain/index.ts';
import { loadCalendars } from '../../../../lib/reference-data/index.ts';
import { thrownBy } from '../../../support/thrown.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kam-calendars-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const codeOf = (fn: () => unknown) => thrownBy(fn).code;

/** The days off by holiday name and the make-up working days of one year's notice. */
function noticeOf(year: number) {
  const cn = calendarForRegion(loadCalendars().calendars, 'CN');
  const days = [...cn.days.entries()].filter(([, e]) => e.noticeYear === year);
  const offByName: Record<string, number> = {};
  for (const [, e] of days) if (e.isOffDay) offByName[e.name] = (offByName[e.name] ?? 0) + 1;
  return { offByName, makeupDays: days.filter(([, e]) => !e.isOffDay).map(([d]) => d) };
}

describe('loading calendar files', () => {
  it('ships the Chinese calendar for 2023 to 2026 in the repository, with its sources', () => {
    const { calendars, files } = loadCalendars();
    expect(files.map((f) => f.split('/').slice(-3).join('/'))).toEqual(['reference/calendars/cn.json']);
    const cn = calendarForRegion(calendars, 'CN');
    expect([...cn.years].sort()).toEqual([2023, 2024, 2025, 2026]);
    expect(cn.sources.get(2026)).toEqual(['https://www.gov.cn/zhengce/zhengceku/202511/content_7047091.htm']);
    // 2026 notice: Spring Festival make-up working days Sat 14 Feb and Sat 28 Feb
    expect(classifyDay('2026-02-14', cn).dayType).toBe('makeup_workday');
    expect(classifyDay('2026-02-28', cn).dayType).toBe('makeup_workday');
    expect(classifyDay('2025-10-01', cn)).toMatchObject({ dayType: 'holiday', holidayName: '国庆节、中秋节' });
  });

  it('2025 matches the notice: 28 days off (New Year 1, Spring Festival 8, Qingming 3, Labour Day 5, Dragon Boat 3, National Day and Mid-Autumn 8) and 5 make-up days', () => {
    const { offByName, makeupDays } = noticeOf(2025);
    expect(offByName).toEqual({
      元旦: 1,
      春节: 8,
      清明节: 3,
      劳动节: 5,
      端午节: 3,
      '国庆节、中秋节': 8,
    });
    expect(makeupDays).toEqual(['2025-01-26', '2025-02-08', '2025-04-27', '2025-09-28', '2025-10-11']);
  });

  it('2024 matches its notice (国办发明电〔2023〕7号): New Year and Dragon Boat one day each beside the weekend, 8 make-up days', () => {
    const { offByName, makeupDays } = noticeOf(2024);
    expect(offByName).toEqual({
      元旦: 1,
      春节: 8,
      清明节: 3,
      劳动节: 5,
      端午节: 1,
      中秋节: 3,
      国庆节: 7,
    });
    expect(makeupDays).toEqual([
      '2024-02-04',
      '2024-02-18',
      '2024-04-07',
      '2024-04-28',
      '2024-05-11',
      '2024-09-14',
      '2024-09-29',
      '2024-10-12',
    ]);
    // "与周末连休": the weekend next to New Year's Day and the Dragon Boat Festival stays a weekend
    const cn = calendarForRegion(loadCalendars().calendars, 'CN');
    expect(['2023-12-30', '2023-12-31', '2024-06-08', '2024-06-09'].map((d) => classifyDay(d, cn).dayType)).toEqual(
      Array(4).fill('weekend'),
    );
  });

  it('merges the files of an extra folder: an operator adds 2027', () => {
    writeFileSync(
      join(dir, 'cn-2027.json'),
      JSON.stringify({
        region: 'CN',
        years: { '2027': { sources: ['operator'], days: [{ date: '2027-02-08', name: '春节', isOffDay: true }] } },
      }),
    );
    writeFileSync(join(dir, 'README.txt'), 'not a calendar');
    const { calendars, files } = loadCalendars({ extraDir: dir });
    expect(files).toHaveLength(2);
    expect(classifyDay('2027-02-08', calendarForRegion(calendars, 'CN'))).toMatchObject({
      dayType: 'holiday',
      covered: true,
    });
  });

  it('names the file and the field of a bad extra file', () => {
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({
        region: 'CN',
        years: { '2027': { sources: ['x'], days: [{ date: '2027-02-30', name: 'x', isOffDay: true }] } },
      }),
    );
    expect(() => loadCalendars({ extraDir: dir })).toThrow(/bad\.json is invalid: years\.2027\.days\.0\.date/);
  });

  it('refuses an extra file that redefines a built-in year (CALENDAR_CONFLICT)', () => {
    writeFileSync(
      join(dir, 'cn.json'),
      JSON.stringify({ region: 'CN', years: { '2025': { sources: ['x'], days: [] } } }),
    );
    expect(codeOf(() => loadCalendars({ extraDir: dir }))).toBe('CALENDAR_CONFLICT');
  });

  it('reports an unreadable folder or a file that is not JSON (CALENDAR_UNREADABLE)', () => {
    expect(codeOf(() => loadCalendars({ extraDir: join(dir, 'missing') }))).toBe('CALENDAR_UNREADABLE');
    writeFileSync(join(dir, 'x.json'), '{ not json');
    expect(codeOf(() => loadCalendars({ extraDir: dir }))).toBe('CALENDAR_UNREADABLE');
  });
});
