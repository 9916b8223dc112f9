// Public entry of the orderly-power-use core (有序用电, domain.md §7): curtailment orders,
// baselines, caps, live compliance and execution. Pure: no clock (the evaluation time is an
// argument), no file, socket or database.

export {
  curtailmentOrderSchema,
  orderLimitSchema,
  parseCurtailmentOrder,
  resolveOrderAccounts,
  limitFor,
  windowIntervals,
  WARNING_LEVELS,
  MEASURE_KINDS,
  MAX_WINDOW_MS,
  type CurtailmentOrder,
  type CurtailmentOrderInput,
  type OrderLimit,
  type WarningLevel,
  type MeasureKind,
  type AccountFacts,
} from './order.ts';
export {
  computeCurtailmentBaseline,
  baselineOptionsSchema,
  type BaselineInput,
  type BaselineOptions,
  type BaselineOptionsInput,
  type CurtailmentBaseline,
} from './baseline.ts';
export { computeAccountCaps, type AccountCaps, type CapsInput, type IntervalCap, type IntervalKw } from './caps.ts';
export {
  evaluateCompliance,
  complianceOptionsSchema,
  type ComplianceInput,
  type ComplianceOptions,
  type ComplianceOptionsInput,
  type ComplianceResult,
  type ComplianceTransition,
  type IntervalEnergy,
  type IntervalStatus,
  type IntervalVerdict,
} from './compliance.ts';
export { assessOrderExecution, type AccountExecution, type ExecutionInput, type OrderExecution } from './execution.ts';
export { OrderlyError, type OrderlyErrorCode } from './errors.ts';
