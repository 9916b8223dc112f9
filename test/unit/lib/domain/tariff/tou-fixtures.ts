import type { DayType } from '../../../../../lib/domain/index.ts';
import type { TouPeriod, TouSchedule } from '../../../../../lib/domain/index.ts';

export const ALL_DAY_TYPES: DayType[] = ['workday', 'weekend', 'holiday', 'makeup_workday'];

type Range = [TouPeriod, string, string];

export function dayRule(dayTypes: DayType[], ranges: Range[]) {
  return { dayTypes, periods: ranges.map(([period, from, to]) => ({ period, from, to })) };
}

/** A schedule of one season (all months) with the given ranges for every day type. */
export function simpleSchedule(id: string, ranges: Range[], extra: Partial<TouSchedule> = {}): TouSchedule {
  return {
    id,
    region: 'CN',
    validFrom: null,
    validTo: null,
    seasons: [
      { name: 'all year', months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], dayRules: [dayRule(ALL_DAY_TYPES, ranges)] },
    ],
    ...extra,
  };
}
