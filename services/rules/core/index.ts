// Public entry of the rules core, pure (conventions.md §3): rules are functions of readings,
// meter/account context and time that return state changes; the alert tracker applies delays and
// hysteresis; evaluateReadings runs them over a batch. No clock, no logging, no SQL: nothing here
// imports I/O (test/unit/architecture.test.ts checks). services/rules/service/ runs it.

export { ALERT_KINDS, SEVERITIES, PHASES, phaseOfChannel } from './alert-kinds.ts';
export type { AlertKind, Severity, Phase, Channel, ConditionResult } from './alert-kinds.ts';

export {
  rulesConfigSchema,
  parseRulesConfig,
  DEFAULT_RULES_CONFIG,
  DEFAULT_SEVERITY,
  type RulesConfig,
  type RulesConfigInput,
} from './rules-config.ts';

export {
  meterRuleContextSchema,
  consumptionBaselineSchema,
  parseMeterRuleContext,
  resolveMeterContext,
  type MeterRuleContext,
  type MeterRuleContextInput,
  type ResolvedMeterContext,
  type ConsumptionBaseline,
  type SlotStat,
} from './meter-context.ts';

export {
  evaluateVoltageDeviation,
  selectVoltageLimits,
  voltageDeviationPct,
  deviationSumPct,
  type VoltageLimits,
  type VoltageLimitMethod,
} from './voltage-deviation.rule.ts';
export { evaluateLossOfVoltage, evaluatePhaseBreak } from './voltage-events.rule.ts';
export {
  evaluateVoltageUnbalance,
  evaluateCurrentUnbalance,
  measureVoltageUnbalance,
  negativeSequenceUnbalancePct,
  nemaUnbalancePct,
  maxMinUnbalancePct,
  type VoltageUnbalanceMethod,
} from './unbalance.rule.ts';
export {
  powerFactorFromEnergy,
  evaluateLowPowerFactorFromEnergy,
  evaluateLowPowerFactorInstant,
  evaluateOverCompensation,
} from './power-factor.rule.ts';
export { blockDemandKw, evaluateOverDemand } from './demand.rule.ts';
export { evaluateReversePower } from './reverse-power.rule.ts';
export { evaluateStaleValues, EMPTY_STALE_MEMORY, type StaleMemory } from './stale-values.rule.ts';
export { evaluateAbnormalConsumption, localSlot, dayTypeOf, type DayType } from './abnormal-consumption.rule.ts';
export {
  advanceEnergyBlocks,
  currentBlock,
  EMPTY_ENERGY_MEMORY,
  type EnergyBlock,
  type EnergyBlockMemory,
  type Counters,
} from './energy-blocks.ts';
export {
  computeVoltageQualifiedRate,
  qualifiedRateLimits,
  type VoltageSample,
  type QualifiedRateLimits,
  type QualifiedRateResult,
} from './voltage-qualified-rate.ts';

export {
  stepTrack,
  applyConditions,
  severityFor,
  type TrackState,
  type TrackEvent,
  type TrackTiming,
  type OpenAlert,
  type MeterRulesState,
} from './alert-tracker.ts';
export type { AlertTransition } from '../../../lib/domain/index.ts';
export {
  evaluateReadings,
  INITIAL_RULES_STATE,
  RULE_STEPS,
  type RulesState,
  type EvaluationResult,
  type IgnoredReading,
  type IgnoredReason,
  type RuleInput,
} from './evaluate-readings.ts';
export { excuseMonitoringOutage } from './monitoring-outage.ts';
