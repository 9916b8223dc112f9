// Public entry of the load-curve vocabulary (conventions.md §1): the 15-minute slots of a local
// day, daily curves and similar-day selection. Pure: no clock, no I/O. Dates, time zones and day
// types are the calendar module's (lib/domain/calendar): import them from there. Used by the
// forecast, orderly-power-use and advice cores.

export {
  SLOTS_PER_DAY,
  SLOT_MINUTES,
  SLOT_MS,
  SLOT_HOURS,
  assertLocalDate,
  localSlotOf,
  slotStartMs,
  slotTime,
  isOnSlotBoundary,
} from './slots.ts';
export {
  dayClassOf,
  selectSimilarDays,
  type DayClass,
  type DayTypeOf,
  type SimilarDay,
  type SkippedDay,
  type SimilarDaySelection,
  type SimilarDayQuery,
} from './similar-days.ts';
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
