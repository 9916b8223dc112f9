// Public entry of the tariff core (pure: no file, socket or database). Time-of-use schedules and
// dated prices as data, energy split by ToU period, the 1983 power-factor adjustment tables and
// PF targets by tariff class. The data files in reference/tariffs/ are read by lib/reference-data.
export { TariffError, type TariffErrorCode, type TariffIssue } from './errors.ts';
export { isValidOn, type Validity } from './validity.ts';
export {
  TOU_PERIODS,
  checkTouSchedules,
  dayCoverageProblems,
  parseTouScheduleFile,
  touPeriodAt,
  touPeriodsOfDay,
  touScheduleFileSchema,
  touScheduleFor,
  touScheduleSchema,
  type TouPeriod,
  type TouSchedule,
  type TouScheduleFile,
} from './tou-schedule.ts';
export {
  emptyPeriodRecord,
  splitEnergyByTouPeriod,
  touSegments,
  walkTouEnergy,
  type DayTypeMemo,
  type IntervalEnergy,
  type TouContext,
  type TouEnergySplit,
  type TouSegment,
  type TouWalkSummary,
} from './tou-split.ts';
export {
  checkPrices,
  energyPriceOf,
  parsePriceFile,
  priceEntrySchema,
  priceFileSchema,
  priceFor,
  type PriceEntry,
  type PriceFile,
} from './prices.ts';
export {
  parsePfAdjustmentFile,
  pfAdjustmentFileSchema,
  pfAdjustmentPercent,
  pfAdjustmentTableSchema,
  pfTableFor,
  roundPfForBilling,
  roundPfHundredths,
  type PfAdjustmentFile,
  type PfAdjustmentTable,
} from './pf-adjustment.ts';
export {
  HV_INDUSTRIAL_MIN_KVA,
  PF_RULE_MIN_KVA,
  TARIFF_CLASSES,
  pfTargetFor,
  type PfTarget,
  type TariffClass,
} from './pf-target.ts';
