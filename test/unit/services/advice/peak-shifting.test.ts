import { describe, expect, it } from 'vitest';
import { dayOfWeek } from '../../../../lib/domain/index.ts';
import type { TouPeriod } from '../../../../lib/domain/index.ts';
import { advisePeakShifting } from '../../../../services/advice/core/index.ts';
import { fieldOf } from '../../../support/thrown.ts';

/** domain.md §6 typical default: valley 23:00–07:00, peak 08:00–11:00 and 18:00–23:00, flat otherwise. */
const slotHour = (slot: number) => slot / 4;
const typical: TouPeriod[] = Array.from({ length: 96 }, (_, s) => {
  const h = slotHour(s);
  if (h >= 23 || h < 7) return 'valley';
  if ((h >= 8 && h < 11) || (h >= 18 && h < 23)) return 'peak';
  return 'flat';
});
const prices = { peak: 1.0, flat: 0.6, valley: 0.3 };
/** a day at `dayKw`, with the valley slots at `valleyKw` */
const day = (date: string, dayKw: number, valleyKw = dayKw) => ({
  date,
  kw: typical.map((p) => (p === 'valley' ? valleyKw : dayKw)),
});

describe('peak shifting advice', () => {
  it('moves the movable share of peak energy when the valley has room: 10 % of 8000 kWh at 0.7 a kWh', () => {
    // 8 h of peak at 1000 kW = 8000 kWh; valley room (2000 × 0.9 − 1000) × 8 h = 6400 kWh
    const a = advisePeakShifting({
      days: [day('2024-07-16', 1000)],
      periods: typical,
      pricePerKwh: prices,
      capacityKw: 2000,
    });
    expect(a.peakEnergyKwh).toBe(8000);
    expect(a.movableKwh).toBeCloseTo(800, 9);
    expect(a.valleyHeadroomKwh).toBe(6400);
    expect(a.shiftedKwh).toBeCloseTo(800, 9);
    expect(a.savings).toBeCloseTo(800 * 0.7, 9);
    expect(a.perDay[0]!.limitedBy).toBe('movable_share');
    expect(a.daysLimitedByHeadroom).toBe(0);
    expect(a.summary).toContain('saving 560');
  });

  it('is bounded by the headroom under the capacity in the valley', () => {
    // valley at 1750 kW under a 1800 kW ceiling: 50 kW × 8 h = 400 kWh of room
    const a = advisePeakShifting({
      days: [day('2024-07-16', 1000, 1750)],
      periods: typical,
      pricePerKwh: prices,
      capacityKw: 2000,
    });
    expect(a.valleyHeadroomKwh).toBe(400);
    expect(a.shiftedKwh).toBe(400);
    expect(a.savings).toBeCloseTo(280, 9);
    expect(a.perDay[0]!.limitedBy).toBe('valley_headroom');
    expect(a.daysLimitedByHeadroom).toBe(1);
    // a full valley leaves nothing, never a negative headroom
    expect(
      advisePeakShifting({
        days: [day('2024-07-16', 1000, 1900)],
        periods: typical,
        pricePerKwh: prices,
        capacityKw: 2000,
      }).shiftedKwh,
    ).toBe(0);
  });

  it('moves critical-peak energy first, the dearest', () => {
    const withCritical = typical.map((p, s) => (s >= 40 && s < 44 ? 'critical_peak' : p));
    const a = advisePeakShifting({
      days: [day('2024-07-16', 1000, 1750)],
      periods: withCritical,
      pricePerKwh: { ...prices, critical_peak: 1.5 },
      capacityKw: 2000,
    });
    // movable: 10 % × 1000 kWh critical = 100, 10 % × 7000 kWh peak = 700; room 400
    expect(a.shiftedByPeriod).toEqual({ critical_peak: 100, peak: 300 });
    expect(a.savings).toBeCloseTo(100 * 1.2 + 300 * 0.7, 9);
  });

  it('moves energy into the deep valley first, the cheapest, then the valley', () => {
    // 00:00–04:00 deep valley (16 slots), the rest of 23:00–07:00 valley (16 slots)
    const withDeep = typical.map((p, s): TouPeriod => (s < 16 ? 'deep_valley' : p));
    const kwOf = (deepKw: number) => withDeep.map((p) => (p === 'deep_valley' ? deepKw : p === 'valley' ? 1750 : 1000));
    const advise = (deepKw: number, deepPrice?: number) =>
      advisePeakShifting({
        days: [{ date: '2024-07-16', kw: kwOf(deepKw) }],
        periods: withDeep,
        pricePerKwh: deepPrice === undefined ? prices : { ...prices, deep_valley: deepPrice },
        capacityKw: 2000,
      });
    // movable 10 % × 8000 kWh = 800; deep-valley room (1800 − 1000) × 4 h = 3200, valley (1800 − 1750) × 4 h = 200
    const roomy = advise(1000, 0.2);
    expect(roomy.valleyHeadroomKwh).toBe(3400);
    expect(roomy.shiftedIntoPeriod).toEqual({ deep_valley: 800, valley: 0 });
    expect(roomy.savings).toBeCloseTo(800 * (1.0 - 0.2), 9);
    // deep-valley room (1800 − 1700) × 4 h = 400: the other 200 kWh go to the valley
    const tight = advise(1700, 0.2);
    expect(tight.shiftedIntoPeriod).toEqual({ deep_valley: 400, valley: 200 });
    expect(tight.perDay[0]!.limitedBy).toBe('valley_headroom');
    expect(tight.savings).toBeCloseTo(400 * 0.8 + 200 * 0.7, 9);
    // without a deep-valley price its energy is valued at the valley price: the saving errs low
    expect(advise(1000).savings).toBeCloseTo(800 * 0.7, 9);
    expect(() => advise(1000, -1)).toThrow(expect.objectContaining({ field: 'pricePerKwh.deep_valley' }));
  });

  it('honours the configured share and loading limit, and takes periods as a function of date and slot', () => {
    const weekday = (date: string, slot: number): TouPeriod => (dayOfWeek(date) === 0 ? 'flat' : typical[slot]!);
    const a = advisePeakShifting({
      days: [day('2024-07-14', 1000), day('2024-07-15', 1000)], // Sunday (all flat here), Monday
      periods: weekday,
      pricePerKwh: prices,
      capacityKw: 2000,
      options: { movableShare: 0.25, valleyLoadingLimit: 1 },
    });
    expect(a.perDay.map((d) => [d.date, d.limitedBy, d.shiftedKwh])).toEqual([
      ['2024-07-14', 'nothing_to_move', 0],
      ['2024-07-15', 'movable_share', 2000],
    ]);
    expect(a.perDay[1]!.valleyHeadroomKwh).toBe(8000);
    expect(a.savingsPerDay).toBeCloseTo((2000 * 0.7) / 2, 9);
  });

  it('counts unknown points neither as movable energy nor as headroom', () => {
    const d = day('2024-07-16', 1000, 1000);
    const kw = d.kw.map((v, s) => (s === 32 || s === 0 ? null : v)); // one peak and one valley point unknown
    const a = advisePeakShifting({
      days: [{ date: d.date, kw }],
      periods: typical,
      pricePerKwh: prices,
      capacityKw: 2000,
    });
    expect(a.unknownPoints).toBe(2);
    expect(a.peakEnergyKwh).toBe(8000 - 250);
    expect(a.valleyHeadroomKwh).toBe(6400 - 200);
  });

  it('saves nothing from a period that is not dearer than the valley', () => {
    const a = advisePeakShifting({
      days: [day('2024-07-16', 1000)],
      periods: typical,
      pricePerKwh: { peak: 0.3, flat: 0.3, valley: 0.3 },
      capacityKw: 2000,
    });
    expect(a.savings).toBe(0);
  });

  it('refuses bad input naming the field', () => {
    const base = { days: [day('2024-07-16', 1000)], periods: typical, pricePerKwh: prices, capacityKw: 2000 };
    const fieldWith = (patch: object) => fieldOf(() => advisePeakShifting({ ...base, ...patch }));
    expect(fieldWith({ capacityKw: 0 })).toBe('capacityKw');
    expect(fieldWith({ periods: typical.slice(1) })).toBe('periods');
    expect(fieldWith({ pricePerKwh: { ...prices, peak: -1 } })).toBe('pricePerKwh.peak');
    expect(fieldWith({ options: { movableShare: 2 } })).toBe('options.movableShare');
    expect(fieldWith({ days: [{ date: '2024-07-16', kw: [1] }] })).toBe('days[0].kw');
  });
});
