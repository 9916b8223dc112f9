// Shared test helpers for the simulators: hand-moved clocks, meters built from specs, a Modbus
// client that reads a whole map, and an MQTT collector with bounded waits.
import ModbusSerial from 'modbus-serial';
import { connect, type MqttClient } from 'mqtt';
import type { ReadingValues } from '../../lib/domain/index.ts';
import { waitFor } from './wait-for.ts';
import { decodeRegisters, planReadBlocks, type TransformerRatios } from '../../lib/meter-maps/index.ts';
import { getMeterMap } from '../../lib/meter-maps/maps/index.ts';
import { createCalendar } from '../../simulators/calendar.ts';
import type { FaultWindow } from '../../simulators/fault-kinds.ts';
import { normalizeMeterSpec, type SimMeterSpec } from '../../simulators/meter-spec.ts';
import { faultSchema, resolveFaults, type ScenarioFault } from '../../simulators/scenario.ts';
import { createSimMeter, type SimMeter } from '../../simulators/sim-meter.ts';

export const ModbusRTU = ModbusSerial.default;
export type ModbusClient = InstanceType<typeof ModbusRTU>;

/** Monday 2025-03-03 00:00 China time. */
export const MONDAY_MIDNIGHT_MS = Date.parse('2025-03-03T00:00:00+08:00');
export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Where the hand-moved clock of the simulator tests starts (createManualClock). */
export const CLOCK_START_MS = 1_700_000_000_000;

export const MV_ACREL_SPEC: SimMeterSpec = {
  code: 'MV1',
  protocol: 'modbus',
  mapName: 'acrel-dtsd1352',
  unitId: 1,
  ptRatio: 100,
  ctRatio: 60,
  nominalVoltageV: 10_000,
  ratedKw: 2000,
  contractedKva: 2500,
  profile: 'data_centre',
  seed: 1,
};

export const LV_SDM_SPEC: SimMeterSpec = {
  code: 'LV1',
  protocol: 'modbus',
  mapName: 'sdm630',
  unitId: 2,
  ptRatio: 1,
  ctRatio: 200,
  nominalVoltageV: 380,
  ratedKw: 400,
  contractedKva: 630,
  profile: 'office_tower',
  seed: 2,
};

/** A fault as written in a scenario file; parameters get their defaults. */
export type FaultInput = Omit<ScenarioFault, 'params'> & { params?: Record<string, unknown> };

/** A simulated meter (model + faults) without any transport. */
export function buildMeter(
  spec: SimMeterSpec,
  options: { faults?: readonly FaultInput[]; startTimeMs?: number; fleetSeed?: number; stepMs?: number } = {},
): SimMeter {
  const normalized = normalizeMeterSpec(spec);
  const startTimeMs = options.startTimeMs ?? MONDAY_MIDNIGHT_MS;
  const faults: FaultWindow[] = resolveFaults(
    (options.faults ?? []).map((f) => faultSchema.parse(f)),
    startTimeMs,
    new Map([[normalized.code, { protocol: normalized.protocol, nominalVoltageV: normalized.nominalVoltageV }]]),
  );
  return createSimMeter(normalized, {
    fleetSeed: options.fleetSeed ?? 1,
    startTimeMs,
    stepMs: options.stepMs ?? 1000,
    calendar: createCalendar(),
    faults,
  });
}

export async function connectModbus(
  endpoint: { host: string; port: number; unitId: number },
  timeoutMs = 1000,
): Promise<ModbusClient> {
  const client = new ModbusRTU();
  await client.connectTCP(endpoint.host, { port: endpoint.port });
  client.setID(endpoint.unitId);
  client.setTimeout(timeoutMs);
  return client;
}

export async function closeModbus(client: ModbusClient): Promise<void> {
  await new Promise<void>((resolve) => client.close(() => resolve()));
}

/** Read every quantity of the map with planned block reads and decode them. */
export async function readMeterOverModbus(
  client: ModbusClient,
  mapName: string,
  ratios: TransformerRatios,
): Promise<ReadingValues> {
  const map = getMeterMap(mapName);
  const values: ReadingValues = {};
  for (const block of planReadBlocks(map)) {
    const result =
      block.fc === 3
        ? await client.readHoldingRegisters(block.start, block.count)
        : await client.readInputRegisters(block.start, block.count);
    Object.assign(values, decodeRegisters(map, block.fc, block.start, result.data, ratios));
  }
  return values;
}

/** The Modbus exception code of a failed request (modbus-serial puts it in `modbusCode`). */
export async function modbusFailure(request: Promise<unknown>): Promise<{ modbusCode?: number; errno?: string }> {
  try {
    await request;
  } catch (err) {
    return err as { modbusCode?: number; errno?: string };
  }
  throw new Error('expected the request to fail');
}

export interface ReceivedMessage {
  readonly topic: string;
  readonly payload: Buffer;
}

export interface MqttCollector {
  readonly client: MqttClient;
  readonly messages: ReceivedMessage[];
  /** wait (bounded) until `predicate` holds for the messages so far */
  waitFor(
    predicate: (messages: readonly ReceivedMessage[]) => boolean,
    label: string,
    timeoutMs?: number,
  ): Promise<void>;
  close(): Promise<void>;
}

export async function collectMqtt(url: string, topics: string[]): Promise<MqttCollector> {
  const client = connect(url, { reconnectPeriod: 0, clientId: `test-${Math.random().toString(16).slice(2)}` });
  await new Promise<void>((resolve, reject) => {
    client.once('connect', () => resolve());
    client.once('error', reject);
  });
  await client.subscribeAsync(topics, { qos: 1 });
  const messages: ReceivedMessage[] = [];
  client.on('message', (topic, payload) => messages.push({ topic, payload }));
  return {
    client,
    messages,
    waitFor: async (predicate, label, timeoutMs = 10_000) => {
      await waitFor(() => predicate(messages), { timeoutMs, intervalMs: 10, label });
    },
    close: () => client.endAsync(),
  };
}

/** Unique topic prefix / group per test run, so parallel runs on one broker never mix. */
export function uniqueId(label: string): string {
  return `${label}-${process.pid}-${Math.random().toString(16).slice(2, 10)}`;
}

/** NEMA unbalance: max |x_i − avg| / avg (domain.md §5). */
export function nemaUnbalance(values: readonly number[]): number {
  const avg = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.max(...values.map((v) => Math.abs(v - avg))) / avg;
}
