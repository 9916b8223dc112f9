import { addDays, type LocalDate } from '../../../lib/domain/index.ts';
import type { DailyLoad } from '../../../lib/load-curve/index.ts';

/**
 * The naive forecasts every method must beat: the target's curve is the curve of the day
 * before ("same time yesterday") or of the same weekday a week before ("same time last week").
 * Null when that day is not in the history; its own null points stay null.
 */
export interface NaiveForecast {
  date: LocalDate;
  /** the day copied */
  sourceDate: LocalDate;
  kw: (number | null)[];
}

function copyDay(history: readonly DailyLoad[], date: LocalDate, daysBack: number): NaiveForecast | null {
  const sourceDate = addDays(date, -daysBack);
  const day = history.find((d) => d.date === sourceDate);
  return day ? { date, sourceDate, kw: [...day.kw] } : null;
}

export function forecastSameTimeYesterday(history: readonly DailyLoad[], date: LocalDate): NaiveForecast | null {
  return copyDay(history, date, 1);
}

export function forecastSameTimeLastWeek(history: readonly DailyLoad[], date: LocalDate): NaiveForecast | null {
  return copyDay(history, date, 7);
}
