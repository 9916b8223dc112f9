import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTariffs } from '../../../../lib/reference-data/index.ts';
import { thrownBy } from '../../../support/thrown.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kam-tariffs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write = (name: string, doc: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(doc));
  return path;
};
const schedule = (id: string, region: string) => ({
  id,
  region,
  validFrom: '2026-01-01',
  validTo: null,
  seasons: [
    {
      name: 'all year',
      months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      dayRules: [
        {
          dayTypes: ['workday', 'weekend', 'holiday', 'makeup_workday'],
          periods: [{ period: 'flat', from: '00:00', to: '24:00' }],
        },
      ],
    },
  ],
});
const codeOf = (fn: () => unknown) => thrownBy(fn).code;

describe('loading tariff files', () => {
  it('loads the shipped defaults: one CN schedule, example prices in CNY, the three PF tables', () => {
    const t = loadTariffs();
    expect(t.touSchedules.map((s) => `${s.region}/${s.id}`)).toEqual(['CN/default']);
    expect(t.prices.map((p) => p.id)).toEqual(['example-large-industrial-10kv']);
    expect(t.pfTables.map((p) => p.targetPf)).toEqual([0.9, 0.85, 0.8]);
    expect(t.files.map((f) => f.split('/').slice(-1)[0])).toEqual([
      'default-tou.json',
      'default-prices.json',
      'pf-adjustment.json',
    ]);
  });

  it('adds an operator schedule for another region', () => {
    const t = loadTariffs({ touScheduleFiles: [write('gd.json', { schedules: [schedule('gd-2026', 'CN-GD')] })] });
    expect(t.touSchedules.map((s) => s.id)).toEqual(['default', 'gd-2026']);
  });

  it('refuses a second CN schedule overlapping the open-ended default unless the defaults are left out', () => {
    const file = write('cn.json', { schedules: [schedule('cn-2026', 'CN')] });
    expect(() => loadTariffs({ touScheduleFiles: [file] })).toThrow(/overlaps schedule "default"/);
    expect(loadTariffs({ touScheduleFiles: [file], includeDefaults: false }).touSchedules.map((s) => s.id)).toEqual([
      'cn-2026',
    ]);
  });

  it('refuses price files in different currencies and unreadable files', () => {
    const usd = write('usd.json', { currency: 'USD', prices: [] });
    expect(codeOf(() => loadTariffs({ priceFiles: [usd] }))).toBe('TARIFF_INVALID');
    expect(codeOf(() => loadTariffs({ pfAdjustmentFile: join(dir, 'missing.json') }))).toBe('TARIFF_UNREADABLE');
  });
});
