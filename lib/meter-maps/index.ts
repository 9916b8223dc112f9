// Public entry of lib/meter-maps, pure (no file system): map schema and validation, the
// register codec and the read planner. The shipped maps are read by lib/meter-maps/maps/index.ts.
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
export { parseMeterMap } from './parse-meter-map.ts';
export {
  counterWrapPrimary,
  decodeExtraRegisters,
  decodeRegisters,
  encodeRegisters,
  ratioFactor,
  type RegisterImage,
  type TransformerRatios,
} from './register-codec.ts';
export { planReadBlocks, type PlanReadOptions, type ReadBlock } from './read-planner.ts';
