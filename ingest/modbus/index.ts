export {
  createModbusPoller,
  type ModbusPoller,
  type ModbusPollerOptions,
  type MeterPollState,
} from './modbus-poller.ts';
export {
  modbusSerialTransportFactory,
  type ModbusTransport,
  type ModbusTransportFactory,
  type ModbusEndpoint,
} from './modbus-transport.ts';
export { createGatewayConnection, type GatewayConnection } from './gateway-connection.ts';
export {
  CONNECTION_STATES,
  CONNECTION_TRANSITIONS,
  nextConnectionState,
  type ConnectionState,
  type ConnectionEvent,
} from './connection-state.ts';
export { computeBackoffMs, type BackoffPolicy } from './backoff.ts';
export { nextGridTime, nextTick, isOnGrid, gridTimeAtOrAfter } from './poll-schedule.ts';
