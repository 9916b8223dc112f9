// Public entry of ingest (conventions.md §1): other areas import only this file.
export { buildIngest, startIngest, type Ingest, type IngestOptions, type RunningIngest } from './ingest-service.ts';
export { runIngestCommand } from './run-ingest-command.ts';
export { IngestError, type IngestErrorCode } from './errors.ts';
export { createIngestMetrics, type IngestMetrics } from './metrics.ts';
export { loadIngestMeters, type IngestMeter } from './meter-repository.ts';
export {
  createReadingWriter,
  insertReadings,
  type ReadingWriter,
  type ReadingWriterOptions,
  type WriterStats,
  type ReadingSource,
} from './writer/index.ts';
export {
  createModbusPoller,
  modbusSerialTransportFactory,
  type ModbusPoller,
  type ModbusTransport,
  type ModbusTransportFactory,
} from './modbus/index.ts';
export { createMqttSubscriber, type MqttSubscriber } from './mqtt/index.ts';
export {
  deriveIntervalEnergy,
  deriveIntervals,
  billableEnergy,
  type IntervalEnergy,
  type CounterSample,
} from './counters/interval-energy.ts';
export type { CommState, MeterStatus } from './status/meter-status.ts';
