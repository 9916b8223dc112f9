// Public entry of the day-ahead load forecast core (conventions.md §1, §3). Pure: it reads no
// clock, file, socket or database; the target date, the history and the calendar come in as
// arguments. Method, explanation and metrics: see forecast-day.ts and metrics.ts, and
// docs/forecast.md.

export {
  forecastDay,
  type ForecastInput,
  type DayForecast,
  type ForecastExplanation,
  type ProfileExplanation,
  type TemperatureExplanation,
  type TrendExplanation,
  type TrendDay,
  type WeightedDay,
} from './forecast-day.ts';
export {
  forecastOptionsSchema,
  parseForecastOptions,
  DEFAULT_FORECAST_OPTIONS,
  type ForecastOptions,
  type ForecastOptionsInput,
} from './forecast-options.ts';
export { fitEnergyOnTemperature, type TemperatureFit } from './temperature.ts';
export { forecastFleet, sumCurves, type AccountHistory, type FleetForecastInput, type FleetForecast } from './fleet.ts';
export { forecastSameTimeYesterday, forecastSameTimeLastWeek, type NaiveForecast } from './naive.ts';
export {
  computeForecastMetrics,
  metricOptionsSchema,
  type MetricOptions,
  type MetricOptionsInput,
  type CurvePair,
  type PeakError,
  type ForecastMetrics,
} from './metrics.ts';
export {
  backtestForecast,
  BACKTEST_CANDIDATES,
  type BacktestInput,
  type BacktestCandidate,
  type BacktestDay,
  type BacktestDayScore,
  type BacktestSeries,
  type BacktestResult,
} from './backtest.ts';
export { ForecastError, type ForecastErrorCode } from './errors.ts';
