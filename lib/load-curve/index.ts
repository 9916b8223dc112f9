// Public entry of the shared load-curve vocabulary (conventions.md §1): local dates and 15-minute
// slots, day types and similar-day selection, daily curves. Pure: no clock, no I/O. Used by the
// forecast, orderly-power-use, outage and advice cores.

export {
  SLOTS_PER_DAY,
  SLOT_MS,
  SLOT_HOURS,
  DAY_MS,
  CHINA_UTC_OFFSET_MINUTES,
  isLocalDate,
  assertLocalDate,
  addDays,
  daysBetween,
  dayOfWeek,
  datesFromTo,
  localSlotOf,
  slotStartMs,
  slotTime,
  isOnSlotBoundary,
  type LocalDate,
} from './local-time.ts';
export {
  DAY_TYPES,
  dayClassOf,
  selectSimilarDays,
  type DayType,
  type DayClass,
  type DayTypeOf,
  type SimilarDay,
  type SkippedDay,
  type SimilarDaySelection,
  type SimilarDayQuery,
} from './day-types.ts';
export {
  assertDailyLoads,
  indexByDate,
  completeness,
  dailyEnergyKwh,
  peakOf,
  sumDailyLoads,
  pointsInRange,
  type DailyLoad,
} from './daily-load.ts';
export { LoadCurveError, type LoadCurveErrorCode } from './errors.ts';
