import { type DayType, eachLocalDate, type LocalDate } from '../../../lib/domain/index.ts';
import { type DailyLoad, type DayTypeOf, indexByDate, sumDailyLoads } from '../../../lib/load-curve/index.ts';
import { ForecastError } from './errors.ts';
import { assertAccountHistories, type AccountHistory, sumCurves } from './fleet.ts';
import { assertTargetAndCalendar, type DayForecast, forecastDayUnchecked } from './forecast-day.ts';
import { type ForecastOptions, type ForecastOptionsInput, parseForecastOptions } from './forecast-options.ts';
import {
  computeForecastMetrics,
  type ForecastMetrics,
  type MetricOptionsInput,
  parseMetricOptions,
} from './metrics.ts';
import { forecastSameTimeLastWeek, forecastSameTimeYesterday } from './naive.ts';

/**
 * Held-out backtest. For every day D in [from, to] and every account (and the fleet), the
 * method forecasts D from the history strictly before D — the slice is cut here, and the
 * forecast cuts again — as do both naive baselines; the forecasts are compared with D's
 * actual curve. Candidates are scored on the same days and the same points: a day counts only
 * when its actual and every candidate exist, and a point only when all of them know it, so no
 * candidate is flattered by the points another one missed. Daily temperatures, when given, are
 * used as given: the target day's actual temperature stands in for its forecast.
 */
export interface BacktestInput {
  accounts: readonly AccountHistory[];
  from: LocalDate;
  to: LocalDate;
  dayTypeOf: DayTypeOf;
  temperatureC?: Readonly<Record<LocalDate, number>>;
  options?: ForecastOptionsInput;
  metricOptions?: MetricOptionsInput;
}

export const BACKTEST_CANDIDATES = ['method', 'sameTimeYesterday', 'sameTimeLastWeek', 'sumOfAccounts'] as const;
export type BacktestCandidate = (typeof BACKTEST_CANDIDATES)[number];

export interface BacktestDayScore {
  mapePct: number | null;
  rmseKw: number | null;
  peakErrorPct: number | null;
  peakOffsetMinutes: number | null;
}

export interface BacktestDay {
  date: LocalDate;
  dayType: DayType;
  /** how the method built this day's forecast */
  explanation: string;
  scores: Partial<Record<BacktestCandidate, BacktestDayScore>>;
}

export interface BacktestSeries {
  daysEvaluated: number;
  skipped: { date: LocalDate; reason: string }[];
  /** pooled over every evaluated day and shared point; `sumOfAccounts` only for the fleet */
  metrics: Partial<Record<BacktestCandidate, ForecastMetrics>>;
  days: BacktestDay[];
}

export interface BacktestResult {
  from: LocalDate;
  to: LocalDate;
  accounts: ({ accountId: number } & BacktestSeries)[];
  fleet: BacktestSeries;
}

type Candidates = Partial<Record<BacktestCandidate, readonly (number | null)[] | null>>;

export function backtestForecast(input: BacktestInput): BacktestResult {
  assertTargetAndCalendar(input.from, input.dayTypeOf, 'from');
  assertTargetAndCalendar(input.to, input.dayTypeOf, 'to');
  if (input.to < input.from) throw new ForecastError('to', 'must not be before from');
  assertAccountHistories(input.accounts);
  const options = parseForecastOptions(input.options);
  const metricOptions = parseMetricOptions(input.metricOptions);
  const dates = eachLocalDate(input.from, input.to);
  const common = { dayTypeOf: input.dayTypeOf, temperatureC: input.temperatureC };

  const accountForecasts = new Map<number, Map<LocalDate, DayForecast>>();
  const accounts = input.accounts.map((account) => {
    const forecasts = new Map<LocalDate, DayForecast>();
    accountForecasts.set(account.accountId, forecasts);
    const series = evaluateSeries(account.history, dates, input.dayTypeOf, metricOptions, (date, past) => {
      const method = forecastHeldOut(past, date, common, options);
      forecasts.set(date, method);
      return { forecast: method, candidates: naiveCandidates(past, date, method) };
    });
    return { accountId: account.accountId, ...series };
  });

  const fleetHistory = sumDailyLoads(input.accounts.map((a) => a.history));
  const fleet = evaluateSeries(fleetHistory, dates, input.dayTypeOf, metricOptions, (date, past) => {
    const method = forecastHeldOut(past, date, common, options);
    const own = [...accountForecasts.values()].map((f) => f.get(date)?.kw ?? null);
    const sumOfAccounts = own.every((kw) => kw !== null) ? sumCurves(own as (number | null)[][]) : null;
    return { forecast: method, candidates: { ...naiveCandidates(past, date, method), sumOfAccounts } };
  });

  return { from: input.from, to: input.to, accounts, fleet };
}

function forecastHeldOut(
  past: readonly DailyLoad[],
  date: LocalDate,
  common: { dayTypeOf: DayTypeOf; temperatureC?: Readonly<Record<LocalDate, number>> },
  options: ForecastOptions,
): DayForecast {
  return forecastDayUnchecked({ ...common, history: past, targetDate: date }, options);
}

function naiveCandidates(past: readonly DailyLoad[], date: LocalDate, method: DayForecast): Candidates {
  return {
    method: method.explanation.source === 'none' ? null : method.kw,
    sameTimeYesterday: forecastSameTimeYesterday(past, date)?.kw ?? null,
    sameTimeLastWeek: forecastSameTimeLastWeek(past, date)?.kw ?? null,
  };
}

function evaluateSeries(
  history: readonly DailyLoad[],
  dates: readonly LocalDate[],
  dayTypeOf: DayTypeOf,
  metricOptions: MetricOptionsInput,
  forecastFor: (date: LocalDate, past: readonly DailyLoad[]) => { forecast: DayForecast; candidates: Candidates },
): BacktestSeries {
  const index = indexByDate(history);
  const skipped: { date: LocalDate; reason: string }[] = [];
  const days: BacktestDay[] = [];
  const pairs = new Map<
    BacktestCandidate,
    { date: LocalDate; forecast: (number | null)[]; actual: (number | null)[] }[]
  >();
  for (const date of dates) {
    const actual = index.get(date);
    // held out: the forecasters see only what came before the day
    const past = history.filter((d) => d.date < date);
    const { forecast, candidates } = forecastFor(date, past);
    if (!actual) {
      skipped.push({ date, reason: 'no actual curve for the day' });
      continue;
    }
    const missing = Object.entries(candidates).filter(([, kw]) => kw === null);
    if (missing.length > 0) {
      skipped.push({ date, reason: `no forecast from ${missing.map(([name]) => name).join(', ')}` });
      continue;
    }
    const present = Object.entries(candidates) as [BacktestCandidate, readonly (number | null)[]][];
    // the shared points: known to the actual and to every candidate
    const shared = actual.kw.map((a, s) => a !== null && present.every(([, kw]) => (kw[s] ?? null) !== null));
    if (!shared.some(Boolean)) {
      skipped.push({ date, reason: 'no point known to the actual and every candidate' });
      continue;
    }
    const mask = (kw: readonly (number | null)[]) => kw.map((v, s) => (shared[s] ? v : null));
    const scores: BacktestDay['scores'] = {};
    for (const [name, kw] of present) {
      const pair = { date, forecast: mask(kw), actual: mask(actual.kw) };
      const list = pairs.get(name) ?? [];
      list.push(pair);
      pairs.set(name, list);
      const m = computeForecastMetrics([pair], metricOptions);
      scores[name] = {
        mapePct: m.mapePct,
        rmseKw: m.rmseKw,
        peakErrorPct: m.peaks[0]?.errorPct ?? null,
        peakOffsetMinutes: m.peaks[0]?.offsetMinutes ?? null,
      };
    }
    days.push({ date, dayType: dayTypeOf(date), explanation: forecast.explanation.summary, scores });
  }
  const metrics: BacktestSeries['metrics'] = {};
  for (const [name, list] of pairs) metrics[name] = computeForecastMetrics(list, metricOptions);
  return { daysEvaluated: days.length, skipped, metrics, days };
}
