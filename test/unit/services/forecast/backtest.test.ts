import { beforeAll, describe, expect, it } from 'vitest';
import { eachLocalDate } from '../../../../lib/domain/index.ts';
import {
  backtestForecast,
  type BacktestResult,
  type BacktestSeries,
  type ForecastMetrics,
} from '../../../../services/forecast/core/index.ts';
import { generateFleet } from '../../../support/synthetic-load.ts';
import { byDayType, dayTypeOf, historyOf } from './forecast-fixtures.ts';

describe('backtest on a synthetic fleet history (four accounts, Sep 2023 – Jun 2024, 2023–24 holidays)', () => {
  let fleet: ReturnType<typeof generateFleet>;
  let result: BacktestResult;
  beforeAll(() => {
    fleet = generateFleet();
    // March–June 2024: Qingming, Labour Day and Dragon Boat holidays, make-up working days,
    // the first hot weeks, and account 2's +15 % step on 2024-05-20
    result = backtestForecast({
      accounts: fleet.accounts,
      from: '2024-03-01',
      to: '2024-06-30',
      dayTypeOf: fleet.dayTypeOf,
      temperatureC: fleet.temperatureC,
    });
  });

  const series = (): [string, BacktestSeries][] => [
    ...result.accounts.map((a): [string, BacktestSeries] => [`account ${a.accountId}`, a]),
    ['fleet', result.fleet],
  ];

  it('evaluates every day of the range for every account and the fleet', () => {
    for (const [, s] of series()) expect(s.daysEvaluated).toBe(122);
  });

  it('beats same-time-yesterday and same-time-last-week in accuracy (1 − MAPE) and RMSE, per account and for the fleet', () => {
    for (const [name, s] of series()) {
      const method = s.metrics.method!;
      for (const naive of [s.metrics.sameTimeYesterday!, s.metrics.sameTimeLastWeek!]) {
        expect(method.accuracyPct!, name).toBeGreaterThan(naive.accuracyPct!);
        expect(method.rmseKw!, name).toBeLessThan(naive.rmseKw!);
        expect(method.meanAbsPeakErrorPct!, name).toBeLessThan(naive.meanAbsPeakErrorPct!);
      }
      expect(method.accuracyPct!, name).toBeGreaterThan(92);
    }
    expect(result.fleet.metrics.method!.accuracyPct!).toBeGreaterThan(95);
  });

  it('scores every candidate on the same days and the same points', () => {
    for (const [, s] of series()) {
      const counts = Object.values(s.metrics).map((m: ForecastMetrics) => [m.points, m.mapePoints, m.peaks.length]);
      for (const c of counts) expect(c).toEqual(counts[0]);
    }
  });

  it('reports the fleet total and, for comparison, the sum of the accounts’ forecasts', () => {
    const sum = result.fleet.metrics.sumOfAccounts!;
    expect(sum.accuracyPct!).toBeGreaterThan(result.fleet.metrics.sameTimeYesterday!.accuracyPct!);
    expect(Math.abs(sum.accuracyPct! - result.fleet.metrics.method!.accuracyPct!)).toBeLessThan(1);
  });

  it('forecasts holidays from holidays', () => {
    const day = result.accounts[0]!.days.find((d) => d.date === '2024-05-02')!;
    expect(day.dayType).toBe('holiday');
    expect(day.explanation).toMatch(/profile of 5 holiday day\(s\) \[2024-05-01/);
  });

  it('holds each day out: changing the data after a day changes nothing about that day', () => {
    const cut = '2024-05-10';
    const altered = fleet.accounts.map((a) => ({
      accountId: a.accountId,
      history: a.history.map((d) => (d.date > cut ? { ...d, kw: d.kw.map((v) => (v === null ? null : v * 3)) } : d)),
    }));
    const temps = Object.fromEntries(Object.entries(fleet.temperatureC).map(([d, t]) => [d, d > cut ? t + 15 : t]));
    const range = { from: '2024-05-01', to: cut, dayTypeOf: fleet.dayTypeOf };
    const before = backtestForecast({ ...range, accounts: fleet.accounts, temperatureC: fleet.temperatureC });
    const after = backtestForecast({ ...range, accounts: altered, temperatureC: temps });
    expect(after).toEqual(before);
  });
});

describe('backtest bookkeeping', () => {
  it('skips a day without actuals or without a candidate, for every candidate alike, and says why', () => {
    const history = historyOf('2024-01-01', '2024-03-20', byDayType).filter(
      (d) => d.date !== '2024-03-12' && d.date !== '2024-03-18',
    );
    const r = backtestForecast({
      accounts: [{ accountId: 7, history }],
      from: '2024-03-12',
      to: '2024-03-20',
      dayTypeOf,
    });
    const s = r.accounts[0]!;
    expect(s.skipped).toEqual([
      { date: '2024-03-12', reason: 'no actual curve for the day' },
      { date: '2024-03-13', reason: 'no forecast from sameTimeYesterday' },
      { date: '2024-03-18', reason: 'no actual curve for the day' },
      { date: '2024-03-19', reason: 'no forecast from sameTimeYesterday, sameTimeLastWeek' },
    ]);
    expect(s.daysEvaluated).toBe(eachLocalDate('2024-03-12', '2024-03-20').length - 4);
    expect(s.days.map((d) => d.date)).toEqual(['2024-03-14', '2024-03-15', '2024-03-16', '2024-03-17', '2024-03-20']);
    // a constant weekly pattern: the method is exact, yesterday is wrong on weekend edges
    expect(s.metrics.method!.mapePct).toBeCloseTo(0, 9);
    expect(s.days.find((d) => d.date === '2024-03-16')!.scores.sameTimeYesterday!.mapePct).toBeCloseTo(
      (40 / 60) * 100,
      9,
    );
  });

  it('refuses a range that ends before it starts', () => {
    expect(() =>
      backtestForecast({ accounts: [{ accountId: 1, history: [] }], from: '2024-03-02', to: '2024-03-01', dayTypeOf }),
    ).toThrow(expect.objectContaining({ code: 'FORECAST_INVALID_INPUT', field: 'to' }));
  });
});
