// The rules service: the loop, its checkpoint and repositories (I/O), built on ../core. It hands
// the core's transitions to services/alerts.
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
  loadConsumptionBaselines,
  DEFAULT_BASELINE_OPTIONS,
  type BaselineOptions,
} from './consumption-baseline-repository.ts';
export { RulesServiceError, type RulesServiceErrorCode } from './errors.ts';
export { runRulesCommand, type RulesCommandOptions } from './commands.ts';
