import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../../lib/domain/index.ts';
import {
  DEFAULT_FORECAST_OPTIONS,
  fitEnergyOnTemperature,
  forecastDay,
  forecastFleet,
  forecastSameTimeLastWeek,
  forecastSameTimeYesterday,
} from '../../../../services/forecast/core/index.ts';
import { thrownBy } from '../../../support/thrown.ts';
import { byDayType, dayTypeOf, flat, historyOf, PLAIN } from './forecast-fixtures.ts';

const errorOf = (fn: () => unknown) => {
  const { code, field } = thrownBy(fn);
  return { code, field };
};

describe('similar-day weighted profile', () => {
  it('averages the most recent days of the same class with weights decay^k (hand-computed)', () => {
    // workdays: Fri 2024-03-15 = 200 kW, Thu 14th = 100 kW, earlier = 100 kW; weekend 60 kW
    const history = historyOf('2024-02-01', '2024-03-17', (d) => (d === '2024-03-15' ? 200 : byDayType(d)));
    const f = forecastDay({
      history,
      targetDate: '2024-03-18',
      dayTypeOf,
      options: { ...PLAIN, similarDays: 2, decay: 0.5 },
    });
    // Mon 18th: similar days Fri 15th (weight 1) and Thu 14th (0.5): (200 + 0.5·100) / 1.5
    expect(f.kw[0]).toBeCloseTo(250 / 1.5, 9);
    expect(f.explanation.profile!.days.map((d) => [d.date, d.weight])).toEqual([
      ['2024-03-15', 0.6667],
      ['2024-03-14', 0.3333],
    ]);
    expect(f.explanation.source).toBe('similar_days');
    expect(f.energyKwh).toBeCloseTo((250 / 1.5) * 24, 6);
    expect(f.explanation.summary).toContain('weighted profile of 2 workday');
  });

  it('forecasts a weekend from weekends and a Monday from workdays, never across classes', () => {
    const history = historyOf('2024-02-01', '2024-03-15', byDayType);
    const saturday = forecastDay({ history, targetDate: '2024-03-16', dayTypeOf, options: PLAIN });
    saturday.kw.forEach((v) => expect(v).toBeCloseTo(60, 9));
    expect(saturday.explanation.profile!.days.every((d) => d.dayType === 'weekend')).toBe(true);
    const history2 = historyOf('2024-02-01', '2024-03-17', byDayType);
    const monday = forecastDay({ history: history2, targetDate: '2024-03-18', dayTypeOf, options: PLAIN });
    monday.kw.forEach((v) => expect(v).toBeCloseTo(100, 9));
  });

  it('forecasts a make-up working Sunday as a workday', () => {
    const history = historyOf('2024-02-01', '2024-04-06', byDayType);
    const f = forecastDay({ history, targetDate: '2024-04-07', dayTypeOf, options: PLAIN });
    expect(f.dayType).toBe('makeup_workday');
    expect(f.explanation.targetClass).toBe('workday');
    expect(f.kw[50]).toBeCloseTo(100, 9);
  });

  it('skips unknown points instead of counting them as 0, and leaves a slot no similar day knows unknown', () => {
    const history = historyOf('2024-02-01', '2024-03-17', (d, s) => {
      if (s === 10 && d === '2024-03-15') return null; // one similar day misses slot 10
      if (s === 20 && d >= '2024-01-01') return dayTypeOf(d) === 'workday' ? null : 60; // every workday misses 20
      return byDayType(d);
    });
    const f = forecastDay({ history, targetDate: '2024-03-18', dayTypeOf, options: PLAIN });
    // treated as 0 it would be 100 × (1 − w_0) ≈ 70
    expect(f.kw[10]).toBeCloseTo(100, 9);
    expect(f.kw[20]).toBeNull();
    expect(f.explanation.unknownSlots).toEqual([20]);
    expect(f.energyKwh).toBeCloseTo(2400, 6);
  });

  it('passes over days with too few known points and says why', () => {
    const history = historyOf('2024-02-01', '2024-03-17', (d, s) =>
      d === '2024-03-15' && s < 20 ? null : d === '2024-03-15' ? 1000 : byDayType(d),
    );
    const f = forecastDay({ history, targetDate: '2024-03-18', dayTypeOf, options: PLAIN });
    expect(f.explanation.profile!.days.map((d) => d.date)).not.toContain('2024-03-15');
    expect(f.explanation.profile!.skipped).toEqual([
      { date: '2024-03-15', reason: 'incomplete: 79 % of points known' },
    ]);
    expect(f.kw[50]).toBeCloseTo(100, 9);
  });

  it('uses only data strictly before the target: later days and temperatures change nothing', () => {
    const past = historyOf('2024-01-01', '2024-03-17', byDayType);
    const temperatureC = Object.fromEntries(past.map((d, i) => [d.date, 10 + (i % 7)]));
    const clean = forecastDay({ history: past, targetDate: '2024-03-18', dayTypeOf, temperatureC });
    // the target day and the week after, absurd values: any leak shows
    const future = historyOf('2024-03-18', '2024-03-25', () => 1e6);
    const futureTemps: Record<LocalDate, number> = { ...temperatureC, '2024-03-19': 60, '2024-03-20': -40 };
    const leaked = forecastDay({
      history: [...future, ...past],
      targetDate: '2024-03-18',
      dayTypeOf,
      temperatureC: futureTemps,
    });
    expect(leaked).toEqual(clean);
    const usedDates = [
      ...leaked.explanation.profile!.days.map((d) => d.date),
      ...leaked.explanation.trend.days.map((d) => d.date),
    ];
    expect(usedDates.every((d) => d < '2024-03-18')).toBe(true);
  });

  it('rejects malformed input naming the field', () => {
    const history = historyOf('2024-03-01', '2024-03-10', byDayType);
    expect(errorOf(() => forecastDay({ history, targetDate: '2024-3-11', dayTypeOf }))).toEqual({
      code: 'LOAD_CURVE_INVALID',
      field: 'targetDate',
    });
    const short = [{ date: '2024-03-01', kw: flat(1).slice(0, 95) }];
    expect(errorOf(() => forecastDay({ history: short, targetDate: '2024-03-11', dayTypeOf }))).toEqual({
      code: 'LOAD_CURVE_INVALID',
      field: 'history[0].kw',
    });
    expect(errorOf(() => forecastDay({ history, targetDate: '2024-03-11', dayTypeOf, options: { decay: 0 } }))).toEqual(
      { code: 'FORECAST_INVALID_INPUT', field: 'options.decay' },
    );
  });
});

describe('holidays', () => {
  it('forecasts a holiday from holiday history, even months back, not from weekends', () => {
    // April holidays at 30 kW; on 2024-05-01 the nearest weekends are 60 kW
    const history = historyOf('2024-03-01', '2024-04-30', byDayType);
    const f = forecastDay({ history, targetDate: '2024-05-01', dayTypeOf, options: PLAIN });
    expect(f.explanation.source).toBe('similar_days');
    expect(f.explanation.profile!.dayClass).toBe('holiday');
    expect(f.explanation.profile!.days.map((d) => d.date)).toEqual(['2024-04-06', '2024-04-05', '2024-04-04']);
    expect(f.kw[0]).toBeCloseTo(30, 9);
  });

  it('falls back to the weekend profile × 0.9 when there is no holiday in the history, and says so', () => {
    // from the Monday after the Spring Festival (off 10–17 Feb 2024): no holiday before Qingming
    const history = historyOf('2024-02-19', '2024-04-03', byDayType);
    const f = forecastDay({ history, targetDate: '2024-04-04', dayTypeOf, options: PLAIN });
    expect(f.explanation.source).toBe('fallback');
    expect(f.explanation.fallback).toMatchObject({ from: 'weekend', scale: 0.9 });
    expect(f.explanation.fallback!.reason).toMatch(/no holiday .* weekend profile × 0.9/);
    expect(f.explanation.summary).toContain('fallback');
    expect(f.kw[0]).toBeCloseTo(54, 9);
  });

  it('has nothing to say for a workday without workday history', () => {
    const history = historyOf('2024-03-09', '2024-03-10', byDayType); // one weekend only
    const f = forecastDay({ history, targetDate: '2024-03-11', dayTypeOf, options: PLAIN });
    expect(f.explanation.source).toBe('none');
    expect(f.kw.every((v) => v === null)).toBe(true);
    expect(f.energyKwh).toBeNull();
    expect(f.peak).toBeNull();
  });
});

describe('trend correction', () => {
  const withStep = (from: LocalDate, factor: number) =>
    historyOf('2024-01-01', '2024-03-17', (d) => byDayType(d) * (d >= from ? factor : 1));
  const target = '2024-03-18';

  it('is bounded: a load that jumped 50 % lifts the forecast by at most 10 %', () => {
    const history = withStep('2024-03-13', 1.5);
    const plain = forecastDay({ history, targetDate: target, dayTypeOf, options: PLAIN });
    const f = forecastDay({ history, targetDate: target, dayTypeOf });
    expect(f.explanation.trend.applied).toBe(true);
    expect(f.explanation.trend.rawFactor!).toBeGreaterThan(1.1);
    expect(f.explanation.trend.factor).toBe(1.1);
    expect(f.explanation.trend.bounded).toBe(true);
    f.kw.forEach((v, s) => expect(v).toBeCloseTo(plain.kw[s]! * 1.1, 9));
  });

  it('is bounded downwards at 0.9 (a load that fell by half)', () => {
    const f = forecastDay({ history: withStep('2024-03-13', 0.5), targetDate: target, dayTypeOf });
    expect(f.explanation.trend.factor).toBe(0.9);
    expect(f.explanation.trend.bounded).toBe(true);
  });

  it('measures the ratio on recent non-holiday days against their own profiles, and applies the excess over the 3 % dead band', () => {
    // +8 % from Mon 11th: the weekend's profiles (older weekends) are 8 % low, the weekdays'
    // profiles partly include stepped days
    const f = forecastDay({ history: withStep('2024-03-11', 1.08), targetDate: target, dayTypeOf });
    const t = f.explanation.trend;
    expect(t.days.map((d) => d.date)).toEqual(['2024-03-17', '2024-03-16', '2024-03-15', '2024-03-14', '2024-03-13']);
    // Saturday 16th: 64.8 kW all day against a profile of the five earlier weekend days, 60 kW
    expect(t.days[1]!.actualKwh).toBeCloseTo(1555.2, 3);
    expect(t.days[1]!.expectedKwh).toBeCloseTo(1440, 3);
    const ratio = t.days.reduce((a, d) => a + d.actualKwh, 0) / t.days.reduce((a, d) => a + d.expectedKwh, 0);
    expect(t.rawFactor).toBeCloseTo(ratio, 4);
    expect(t.applied).toBe(true);
    expect(t.bounded).toBe(false);
    expect(t.factor).toBeCloseTo(ratio - 0.03, 4);
  });

  it('leaves a steady load alone (ratio 1 within the dead band)', () => {
    const f = forecastDay({ history: withStep('2099-01-01', 1), targetDate: target, dayTypeOf });
    expect(f.explanation.trend).toMatchObject({ applied: false, rawFactor: 1, factor: 1 });
    expect(f.kw[0]).toBeCloseTo(100, 9);
  });

  it('does not measure the trend on holidays', () => {
    const history = historyOf('2024-02-01', '2024-04-06', byDayType);
    const f = forecastDay({ history, targetDate: '2024-04-07', dayTypeOf, options: { trend: { days: 7 } } });
    // the week before the make-up Sunday: 6th, 5th and 4th are holidays
    expect(f.explanation.trend.days.map((d) => d.date)).toEqual([
      '2024-04-03',
      '2024-04-02',
      '2024-04-01',
      '2024-03-31',
    ]);
  });
});

describe('temperature sensitivity', () => {
  // each point = 100 + 5·T kW, so daily energy = 2400 + 120·T kWh: slope 120 kWh/°C exactly
  const tempOf = (date: LocalDate) => 15 + ((Number(date.slice(8, 10)) * 7) % 11);
  const dates = historyOf('2024-01-01', '2024-03-17', () => 0).map((d) => d.date);
  const temperatureC: Record<LocalDate, number> = Object.fromEntries(dates.map((d) => [d, tempOf(d)]));
  const history = historyOf('2024-01-01', '2024-03-17', (d) => 100 + 5 * tempOf(d));

  it('fits daily energy on temperature and scales the profile by 1 + b·(T − T̄)/E', () => {
    const temps = { ...temperatureC, '2024-03-18': 25 };
    const f = forecastDay({ history, targetDate: '2024-03-18', dayTypeOf, temperatureC: temps, options: PLAIN });
    const t = f.explanation.temperature;
    if (!t.applied) throw new Error(`not applied: ${t.reason}`);
    expect(t.fit.slopeKwhPerC).toBeCloseTo(120, 6);
    expect(t.fit.rSquared).toBeCloseTo(1, 9);
    const profileKwh = f.explanation.profile!.days.reduce((a, d) => a + d.weight * d.energyKwh!, 0);
    const mean = f.explanation.profile!.days.reduce((a, d) => a + d.weight * d.temperatureC!, 0);
    expect(t.similarDaysMeanC).toBeCloseTo(mean, 3);
    expect(t.bounded).toBe(false);
    expect(t.factor).toBeCloseTo(1 + (120 * (25 - mean)) / profileKwh, 4);
    // the truth for 25 °C is 100 + 5·25 = 225 kW
    expect(f.kw[0]).toBeCloseTo(225, 1);
  });

  it('bounds the temperature factor at ±20 %', () => {
    const temps = { ...temperatureC, '2024-03-18': 90 };
    const f = forecastDay({ history, targetDate: '2024-03-18', dayTypeOf, temperatureC: temps, options: PLAIN });
    expect(f.explanation.temperature).toMatchObject({ applied: true, factor: 1.2, bounded: true });
  });

  it('is not applied when the fit is not significant, with too few days, or without the target temperature', () => {
    const flatHistory = historyOf('2024-01-01', '2024-03-17', (d, s) => 100 + ((Number(d.slice(8, 10)) * 13 + s) % 3));
    const f = forecastDay({
      history: flatHistory,
      targetDate: '2024-03-18',
      dayTypeOf,
      temperatureC: { ...temperatureC, '2024-03-18': 30 },
      options: PLAIN,
    });
    expect(f.explanation.temperature.applied).toBe(false);
    if (!f.explanation.temperature.applied) expect(f.explanation.temperature.reason).toMatch(/not significant/);

    const short = forecastDay({
      history: history.slice(-10),
      targetDate: '2024-03-18',
      dayTypeOf,
      temperatureC: { ...temperatureC, '2024-03-18': 30 },
      options: PLAIN,
    });
    expect(short.explanation.temperature).toMatchObject({ applied: false, reason: expect.stringMatching(/14 needed/) });

    const { '2024-03-18': _, ...noTarget } = { ...temperatureC, '2024-03-18': 0 };
    const missing = forecastDay({
      history,
      targetDate: '2024-03-18',
      dayTypeOf,
      temperatureC: noTarget,
      options: PLAIN,
    });
    expect(missing.explanation.temperature).toMatchObject({ applied: false, reason: 'no temperature for 2024-03-18' });
  });

  it('computes OLS slope, R² and t by the textbook formulas', () => {
    // E = 10 + 2T plus residuals +1, −1, −1, +1 on T = 1..4 (orthogonal to T, summing to 0)
    const fit = fitEnergyOnTemperature([
      { temperatureC: 1, energyKwh: 13 },
      { temperatureC: 2, energyKwh: 13 },
      { temperatureC: 3, energyKwh: 15 },
      { temperatureC: 4, energyKwh: 19 },
    ])!;
    // Sxx = 5, Sxy = 10 → b = 2; a = 15 − 2 × 2.5 = 10; Syy = 24, SSE = 4
    expect(fit.slopeKwhPerC).toBeCloseTo(2, 12);
    expect(fit.interceptKwh).toBeCloseTo(10, 12);
    expect(fit.rSquared).toBeCloseTo(1 - 4 / 24, 12);
    expect(fit.tStat).toBeCloseTo(2 / Math.sqrt(4 / 2 / 5), 12);
    expect(
      fitEnergyOnTemperature([
        { temperatureC: 5, energyKwh: 1 },
        { temperatureC: 5, energyKwh: 2 },
        { temperatureC: 5, energyKwh: 3 },
      ]),
    ).toBeNull();
  });
});

describe('fleet and naive forecasts', () => {
  const a = historyOf('2024-02-01', '2024-03-17', (d, s) => byDayType(d) + s);
  const b = historyOf('2024-02-01', '2024-03-17', (d) => 2 * byDayType(d));

  const fleetWith = (second: typeof b) =>
    forecastFleet({
      accounts: [
        { accountId: 1, history: a },
        { accountId: 2, history: second },
      ],
      targetDate: '2024-03-18',
      dayTypeOf,
      options: PLAIN,
    });

  it('forecasts the fleet total from the summed history; without trend it equals the sum of the accounts', () => {
    const f = fleetWith(b);
    expect(f.total.kw[5]).toBe(100 + 5 + 200);
    f.total.kw.forEach((v, s) => expect(v).toBeCloseTo(f.sumOfAccounts[s]!, 9));
    expect(f.accounts.map((x) => x.accountId)).toEqual([1, 2]);
  });

  it("leaves a fleet point unknown when one account's point is unknown", () => {
    const holey = b.map((d) => (d.date >= '2024-03-01' ? { ...d, kw: d.kw.map((v, s) => (s === 3 ? null : v)) } : d));
    const f = fleetWith(holey);
    expect(f.total.kw[3]).toBeNull();
    expect(f.sumOfAccounts[3]).toBeNull();
    expect(f.total.kw[4]).toBe(304);
  });

  it('copies yesterday and the same weekday last week, and has none when that day is missing', () => {
    expect(forecastSameTimeYesterday(a, '2024-03-18')).toMatchObject({ sourceDate: '2024-03-17' });
    expect(forecastSameTimeYesterday(a, '2024-03-18')!.kw[0]).toBe(60);
    expect(forecastSameTimeLastWeek(a, '2024-03-18')!.kw[0]).toBe(100);
    expect(forecastSameTimeLastWeek(a, '2024-03-18')!.sourceDate).toBe('2024-03-11');
    expect(forecastSameTimeYesterday(a, '2024-03-20')).toBeNull();
  });

  it('has documented defaults', () => {
    expect(DEFAULT_FORECAST_OPTIONS).toMatchObject({
      similarDays: 5,
      decay: 0.8,
      trend: { days: 5, minFactor: 0.9, maxFactor: 1.1, deadBand: 0.03 },
      temperature: { maxAdjustment: 0.2 },
    });
  });
});
