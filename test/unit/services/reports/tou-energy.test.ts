import { describe, expect, it } from 'vitest';
import { localDateTimeToInstant } from '../../../../lib/domain/index.ts';
import type { PriceEntry, TouContext } from '../../../../lib/domain/index.ts';
import { loadTariffs } from '../../../../lib/reference-data/index.ts';
import { computeTouEnergyCost, type IntervalEnergyPoint } from '../../../../services/reports/core/index.ts';
import { CHINA_ZONE as zone, CN_CALENDAR } from '../../../support/calendars.ts';

const tariffs = loadTariffs();
const ctx: TouContext = { zone, calendar: CN_CALENDAR, schedules: tariffs.touSchedules };
const select = { region: 'CN', customerClass: 'large_industrial_1_10kv' };
const day = (date: string, kwh = 1): IntervalEnergyPoint[] =>
  Array.from({ length: 96 }, (_, i) => ({
    startMs: localDateTimeToInstant({ date, minuteOfDay: 0 }, zone) + i * 900_000,
    energyKwh: kwh,
  }));

describe('energy by ToU period with prices and shift potential', () => {
  it('a flat day at the example prices: 32 kWh each of peak 0.96, flat 0.60, valley 0.24 → 57.60', () => {
    const r = computeTouEnergyCost(day('2025-03-10'), ctx, tariffs.prices, select);
    const line = (p: string) => r.periods.find((l) => l.period === p)!;
    expect(line('peak')).toEqual({
      period: 'peak',
      energyKwh: 32,
      sharePct: expect.closeTo(33.333333, 5),
      energyCharge: 30.72,
      averagePricePerKwh: 0.96,
    });
    expect(line('flat').energyCharge).toBe(19.2);
    expect(line('valley').energyCharge).toBe(7.68);
    expect(line('critical_peak')).toMatchObject({ energyKwh: 0, energyCharge: 0, averagePricePerKwh: null });
    expect(r).toMatchObject({ totalKwh: 96, energyCharge: 57.6, unpricedKwh: 0, intervalsCounted: 96 });
  });

  it('shift potential: 10 % of the 32 peak kWh moved to the valley saves 3.2 × (0.96 − 0.24) = 2.304', () => {
    expect(computeTouEnergyCost(day('2025-03-10'), ctx, tariffs.prices, select).shiftPotential).toEqual({
      shiftSharePct: 10,
      shiftedKwh: 3.2,
      saving: 2.304,
    });
    expect(
      computeTouEnergyCost(day('2025-03-10'), ctx, tariffs.prices, select, { shiftSharePct: 25 }).shiftPotential.saving,
    ).toBeCloseTo(5.76, 9);
  });

  it('prices each day with the entry valid that day (a price change at midnight)', () => {
    const base = tariffs.prices[0]!;
    const prices: PriceEntry[] = [
      { ...base, id: 'old', validTo: '2025-03-10' },
      { ...base, id: 'new', validFrom: '2025-03-11', energyPricePerKwh: { ...base.energyPricePerKwh, valley: 0.3 } },
    ];
    const r = computeTouEnergyCost([...day('2025-03-10'), ...day('2025-03-11')], ctx, prices, select);
    expect(r.periods.find((l) => l.period === 'valley')).toMatchObject({ energyKwh: 64, energyCharge: 17.28 }); // 32 × 0.24 + 32 × 0.30
  });

  it('energy in a period without a price is reported as unpriced, never priced at zero', () => {
    const base = tariffs.prices[0]!;
    const noValley: PriceEntry = { ...base, energyPricePerKwh: { peak: 0.96, flat: 0.6 } };
    const r = computeTouEnergyCost(day('2025-03-10'), ctx, [noValley], select);
    expect(r.unpricedKwh).toBe(32);
    expect(r.periods.find((l) => l.period === 'valley')).toMatchObject({ energyKwh: 32, energyCharge: null });
    expect(r.shiftPotential.saving).toBeNull();
  });

  it('leaves out unknown and flagged intervals, counting them', () => {
    const points = day('2025-03-10');
    points[0] = { ...points[0]!, energyKwh: null };
    points[1] = { ...points[1]!, quality: 8 };
    const r = computeTouEnergyCost(points, ctx, tariffs.prices, select);
    expect(r).toMatchObject({ intervalsMissing: 2, intervalsCounted: 94, totalKwh: 94 });
  });
});
