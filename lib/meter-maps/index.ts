// Public entry of lib/meter-maps: register maps as data (maps/*.json), their loader, the pure
// register codec and the read planner. Other areas import only this file.
export { MeterMapError, type MeterMapErrorCode, type MeterMapIssue } from './errors.ts';
export {
  COUNTER_KEYS,
  MODBUS_MAX_READ_REGISTERS,
  RATIO_KINDS,
  REGISTER_RAW_RANGE,
  REGISTER_TYPES,
  REGISTER_WORDS,
  type CounterKey,
  type FunctionCode,
  type MeterMap,
  type MeterMapBlock,
  type MeterMapExtra,
  type MeterMapInput,
  type MeterMapQuantity,
  type RatioKind,
  type ReadFunctionCode,
  type RegisterField,
  type RegisterType,
} from './meter-map-schema.ts';
export { getMeterMap, listMeterMaps, parseMeterMap } from './meter-map-loader.ts';
export {
  NO_RATIOS,
  counterWrapPrimary,
  decodeExtraRegisters,
  decodeRegisters,
  encodeRegisters,
  ratioFactor,
  type RegisterImage,
  type TransformerRatios,
} from './register-codec.ts';
export { planReadBlocks, type PlanReadOptions, type ReadBlock } from './read-planner.ts';
