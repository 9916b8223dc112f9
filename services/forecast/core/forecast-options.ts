import { z } from 'zod';
import { parseOrThrow } from '../../../lib/domain/index.ts';
import { ForecastError } from './errors.ts';

// Tuning of the similar-day forecast. None of these numbers is in domain.md; each is a project
// default with its reason, and all are configurable.

const dayClass = z.enum(['workday', 'weekend', 'holiday']);
const fallbackStep = z.object({ from: dayClass, scale: z.number().gt(0).max(2) });

export const forecastOptionsSchema = z.object({
  /** similar days averaged per profile: one working week of workdays */
  similarDays: z.number().int().min(1).max(30).default(5),
  /**
   * weight ratio between consecutive similar days (most recent weight 1, next 0.8, 0.64, …):
   * recent days matter more, yet five days still smooth one day's noise (effective n ≈ 4.5)
   */
  decay: z.number().gt(0).max(1).default(0.8),
  /** how far back to look for workdays and weekends: 8 weeks */
  lookbackDays: z.number().int().min(7).max(800).default(56),
  /** holidays are rare: look back a year and a month, to reach the same festival last year */
  holidayLookbackDays: z.number().int().min(7).max(800).default(400),
  /** a day with fewer known points is not used as a similar day (or for trend / regression) */
  minDayCompleteness: z.number().min(0.5).max(1).default(0.9),
  trend: z
    .object({
      /**
       * recent days whose actuals measure the level (0 switches the correction off). Five, so
       * one day's noise (a few % of daily energy) moves the ratio by about half as much
       */
      days: z.number().int().min(0).max(14).default(5),
      /** they must lie within this many days before the target: one week */
      lookbackDays: z.number().int().min(1).max(28).default(7),
      /**
       * bounds of the level factor: ±10 % is far more than any real week-to-week drift of a
       * plant's load, so a larger ratio is an event (outage, shutdown) the factor must not copy
       */
      minFactor: z.number().gt(0).max(1).default(0.9),
      /**
       * ratios within 1 ± deadBand are day-to-day noise (weather, a machine down) and left
       * alone; beyond it only the excess is applied. 3 %: on the synthetic fleet of the tests a
       * plain ratio lowered accuracy on steady loads and this band removed that loss while
       * keeping the gain after a level step (docs/forecast.md)
       */
      deadBand: z.number().min(0).max(0.5).default(0.03),
      maxFactor: z.number().min(1).max(3).default(1.1),
    })
    .prefault({}),
  temperature: z
    .object({
      /** days of the same class used to fit energy against temperature: two months, so the fit
       * stays local to one season, where the response is close to linear */
      windowDays: z.number().int().min(14).max(400).default(60),
      /** fewest (temperature, energy) pairs for a fit */
      minDays: z.number().int().min(5).max(400).default(14),
      /** |t| of the slope at least this (≈ 99 % two-sided for n ≥ 14) */
      minAbsT: z.number().min(0).default(3),
      /** the fit explains at least this share of the daily energy's variance */
      minRSquared: z.number().min(0).max(1).default(0.3),
      /** bound of the temperature factor: ±20 % of the day's energy */
      maxAdjustment: z.number().min(0).max(1).default(0.2),
    })
    .prefault({}),
  /**
   * When no similar day of the target's class exists, borrow another class's profile, scaled.
   * Holidays without holiday history look like a weekend at 90 % (plants that run at weekends
   * still stop more on festivals), or a workday at 60 %; a weekend without weekend history is
   * a workday at 80 %. A workday has no fallback: with no workday history there is nothing
   * honest to say. Replace the scales with measured ratios where you have them.
   */
  fallback: z
    .object({
      holiday: z.array(fallbackStep).default([
        { from: 'weekend', scale: 0.9 },
        { from: 'workday', scale: 0.6 },
      ]),
      weekend: z.array(fallbackStep).default([{ from: 'workday', scale: 0.8 }]),
      workday: z.array(fallbackStep).default([]),
    })
    .prefault({}),
});

export type ForecastOptions = z.infer<typeof forecastOptionsSchema>;
export type ForecastOptionsInput = z.input<typeof forecastOptionsSchema>;

export const DEFAULT_FORECAST_OPTIONS: ForecastOptions = forecastOptionsSchema.parse({});

/** Parses options once; throws ForecastError naming the first bad field. */
export function parseForecastOptions(input: ForecastOptionsInput | undefined): ForecastOptions {
  const options = parseOrThrow(forecastOptionsSchema, input ?? {}, (issues) => new ForecastError(issues), {
    under: 'options',
  });
  if (options.trend.minFactor > options.trend.maxFactor) {
    throw new ForecastError('options.trend.minFactor', 'must not exceed maxFactor');
  }
  return options;
}
