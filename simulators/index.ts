// Public entry of the simulators area: simulated meters over Modbus TCP and MQTT with load
// profiles, fault injection and ground truth. Other areas import only this file.
export { SimError, type SimErrorCode, type SimIssue } from './errors.ts';
export {
  startSimFleet,
  planSimFleet,
  DEFAULT_MQTT_PUBLISH_INTERVAL_S,
  DEFAULT_SPARKPLUG_GROUP,
  DEFAULT_TICK_MS,
  type ModbusSimEndpoint,
  type MqttSimEndpoint,
  type SimEndpoint,
  type SimFleet,
  type SimFleetOptions,
  type SimFleetPlan,
  type SimFleetStats,
} from './fleet.ts';
export {
  normalizeMeterSpec,
  simMeterSpecSchema,
  MQTT_FORMATS,
  type MqttFormat,
  type NormalizedMeterSpec,
  type SimMeterSpec,
} from './meter-spec.ts';
export { buildDemoMeters, type DemoMeterOptions } from './demo-meters.ts';
export {
  parseScenario,
  parseFaultFlag,
  scenarioSchema,
  type Scenario,
  type ScenarioFault,
  type ScenarioInput,
} from './scenario.ts';
export {
  FAULT_KINDS,
  FAULT_KIND_INFO,
  MALFORMED_VARIANTS,
  PHASES,
  type FaultKind,
  type FaultParams,
  type FaultWindow,
  type MalformedVariant,
  type Phase,
} from './fault-kinds.ts';
export type { GroundTruthEntry } from './truth-log.ts';
export { LOAD_PROFILE_NAMES, type LoadProfileName } from './load-profiles.ts';
export { SUPPLY_VOLTAGE_CLASSES, supplyClassOf, type SupplyVoltageClass } from './voltage-classes.ts';
export { DEMAND_BLOCK_MS, DEFAULT_STEP_MS, type MeterExtras, type MeterSnapshot } from './meter-model.ts';
export {
  DEFAULT_TOPIC_PREFIX,
  OVERSIZED_PAYLOAD_BYTES,
  readingTopic,
  type JsonReadingPayload,
} from './mqtt/json-payloads.ts';
export {
  SPARKPLUG_NAMESPACE,
  REBIRTH_METRIC,
  BD_SEQ_METRIC,
  decodeSparkplug,
  sparkplugNumber,
  sparkplugTopic,
  type SparkplugMessageType,
} from './mqtt/sparkplug-payloads.ts';
export { MODBUS_EXCEPTION } from './modbus/modbus-pdu.ts';
export { runSimCommand, SIM_USAGE, type SimCommandIo } from './sim-command.ts';
