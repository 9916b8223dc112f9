// Public entry of the rules service's pure core (conventions.md §1, §3): rules are functions of
// readings, meter/account context and time that return state changes. No clock, no logging, no
// SQL; the database adapter, notifier and CLI are built on top of `evaluateReadings`.

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
  type AlertTransition,
} from './alert-tracker.ts';
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

// The database adapter, the service loop, the alert lifecycle and the CLI commands (I/O at the
// edges, built on the pure core above).
export {
  rulesServiceConfigSchema,
  parseRulesServiceConfig,
  type RulesServiceConfig,
  type RulesServiceConfigInput,
} from './rules-service-config.ts';
export {
  createRulesService,
  startRulesService,
  type RulesService,
  type RulesServiceOptions,
  type RulesRunResult,
} from './rules-service.ts';
export {
  loadMeterContexts,
  loadRulesState,
  readFleetWatermark,
  readReadingsAfter,
  type MeterContextLoad,
  type StoredRulesState,
} from './rules-repository.ts';
export {
  acknowledgeAlert,
  commentOnAlert,
  resolveAlert,
  listAlerts,
  getAlert,
  listAlertEvents,
  applyTransitions,
  RULES_ACTOR,
  type AlertRecord,
  type AlertEventRecord,
  type AlertFilter,
  type AlertState,
  type AlertAction,
  type LifecycleOptions,
  type AppliedTransitions,
} from './alert-repository.ts';
export {
  loadConsumptionBaselines,
  DEFAULT_BASELINE_OPTIONS,
  type BaselineOptions,
} from './consumption-baseline-repository.ts';
export { AlertError, RulesServiceError, type AlertErrorCode, type RulesServiceErrorCode } from './errors.ts';
export {
  runRulesCommand,
  listOpenAlertsCommand,
  formatTable,
  displayWidth,
  type RulesCommandOptions,
  type TextSink,
} from './commands.ts';
