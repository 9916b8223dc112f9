// Public entry of the monthly statement formulas (pure: no file, socket or database). Inputs
// are plain arrays and objects (interval energies with a quality flag and null for unknown,
// events with start and end); outputs are plain objects with units in their field names.
// The voltage qualified rate is computeVoltageQualifiedRate of services/rules (not repeated here).
export { ReportInputError, type ReportErrorCode } from './errors.ts';
export { DEFAULT_UNUSABLE_QUALITY_MASK, isUsable, type IntervalEnergyPoint, type TimeWindow } from './inputs.ts';
export {
  computeMonthlyPowerFactor,
  computeReactiveCompensation,
  tanPhi,
  type MonthlyEnergyTotals,
  type MonthlyPowerFactorResult,
  type PowerSample,
  type ReactiveCompensationResult,
} from './power-factor.ts';
export {
  checkDeclaredDemand,
  computeMaximumDemand,
  type DeclaredDemandResult,
  type DemandPeak,
  type MaximumDemandResult,
  type MeterMinuteEnergy,
} from './demand.ts';
export {
  DEFAULT_SIZING_THRESHOLDS,
  adviseTransformerSizing,
  computeLoadFactor,
  type LoadFactorResult,
  type SizingThresholds,
  type TransformerSizingResult,
} from './load-factor.ts';
export { computeTouEnergyCost, type TouEnergyCostResult, type TouPeriodLine } from './tou-energy.ts';
export { computeSupplyReliability, type Interruption, type SupplyReliabilityResult } from './reliability.ts';
export {
  computeReadingCompleteness,
  type CompletenessCount,
  type CompletenessResult,
  type MeterReceipts,
} from './completeness.ts';
export {
  computeAlertHandlingTimes,
  computeRevisitStats,
  percentileNearestRank,
  type AlertHandlingStats,
  type DurationStats,
  type HandledAlert,
  type Revisit,
  type RevisitStats,
} from './service-metrics.ts';
