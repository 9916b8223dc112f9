import { assertDailyLoads, type DailyLoad, sumDailyLoads, SLOTS_PER_DAY } from '../../../lib/load-curve/index.ts';
import { ForecastError } from './errors.ts';
import { assertTargetAndCalendar, type DayForecast, type ForecastInput, forecastDayUnchecked } from './forecast-day.ts';
import { parseForecastOptions } from './forecast-options.ts';

export interface AccountHistory {
  accountId: number;
  history: readonly DailyLoad[];
}

export interface FleetForecastInput extends Omit<ForecastInput, 'history'> {
  accounts: readonly AccountHistory[];
}

export interface FleetForecast {
  date: string;
  /**
   * The fleet total: the method applied to the fleet's summed history (a point of the sum is
   * known only when every account knows it). Summing first lets account noise cancel before the
   * profile is built, so this is the figure to quote.
   */
  total: DayForecast;
  /** Σ of the accounts' own forecasts, point by point (null if any account's is), for comparison */
  sumOfAccounts: (number | null)[];
  accounts: { accountId: number; forecast: DayForecast }[];
}

/** Validates the accounts' histories (field names `accounts[i].history…`). */
export function assertAccountHistories(accounts: readonly AccountHistory[]): void {
  if (!Array.isArray(accounts) || accounts.length === 0)
    throw new ForecastError('accounts', 'must list at least one account');
  const seen = new Set<number>();
  accounts.forEach((a, i) => {
    if (!Number.isInteger(a.accountId)) throw new ForecastError(`accounts[${i}].accountId`, 'must be an integer');
    if (seen.has(a.accountId)) throw new ForecastError(`accounts[${i}].accountId`, `${a.accountId} appears twice`);
    seen.add(a.accountId);
    assertDailyLoads(a.history, `accounts[${i}].history`);
  });
}

/** Σ of curves point by point; unknown if any is unknown. */
export function sumCurves(curves: readonly (readonly (number | null)[])[]): (number | null)[] {
  return Array.from({ length: SLOTS_PER_DAY }, (_, s) => {
    let sum = 0;
    for (const c of curves) {
      const v = c[s] ?? null;
      if (v === null) return null;
      sum += v;
    }
    return sum;
  });
}

export function forecastFleet(input: FleetForecastInput): FleetForecast {
  assertTargetAndCalendar(input.targetDate, input.dayTypeOf);
  assertAccountHistories(input.accounts);
  const options = parseForecastOptions(input.options);
  const common = { targetDate: input.targetDate, dayTypeOf: input.dayTypeOf, temperatureC: input.temperatureC };
  const accounts = input.accounts.map((a) => ({
    accountId: a.accountId,
    forecast: forecastDayUnchecked({ ...common, history: a.history }, options),
  }));
  const total = forecastDayUnchecked(
    { ...common, history: sumDailyLoads(input.accounts.map((a) => a.history)) },
    options,
  );
  return {
    date: input.targetDate,
    total,
    sumOfAccounts: sumCurves(accounts.map((a) => a.forecast.kw)),
    accounts,
  };
}
