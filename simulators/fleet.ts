// A running fleet of simulated meters: the planned meters (fleet-plan.ts) served over Modbus TCP
// and MQTT, a scheduler tick for MQTT publishing and the ground-truth log. `stop` tears it all down.
import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { pino } from 'pino';
import { type ReadingValues, systemClock } from '../lib/domain/index.ts';
import { SimError } from './errors.ts';
import type { FaultWindow } from './fault-kinds.ts';
import { planSimFleet, type SimFleetOptions } from './fleet-plan.ts';
import type { MeterSnapshot } from './meter-model.ts';
import type { NormalizedMeterSpec } from './meter-spec.ts';
import { startModbusEndpoints, type ModbusEndpoints } from './modbus/modbus-endpoints.ts';
import { readingTopic } from './mqtt/json-payloads.ts';
import { JsonMeterPublisher } from './mqtt/json-meter-publisher.ts';
import { SparkplugEdgeNode } from './mqtt/sparkplug-edge-node.ts';
import { sparkplugTopic } from './mqtt/sparkplug-payloads.ts';
import { createSimClock } from './sim-clock.ts';
import type { SimMeter } from './sim-meter.ts';
import { TruthLog, type GroundTruthEntry } from './truth-log.ts';

export {
  DEFAULT_MQTT_PUBLISH_INTERVAL_S,
  DEFAULT_SPARKPLUG_GROUP,
  DEFAULT_TICK_MS,
  planSimFleet,
  type SimFleetOptions,
  type SimFleetPlan,
} from './fleet-plan.ts';

export interface ModbusSimEndpoint {
  readonly code: string;
  readonly protocol: 'modbus';
  readonly host: string;
  readonly port: number;
  readonly unitId: number;
  readonly mapName: string;
  readonly ptRatio: number;
  readonly ctRatio: number;
}

export interface MqttSimEndpoint {
  readonly code: string;
  readonly protocol: 'mqtt';
  readonly format: 'json' | 'sparkplug';
  readonly url: string;
  /** JSON: the reading topic; Sparkplug: the device's DDATA topic */
  readonly topic: string;
  readonly ptRatio: number;
  readonly ctRatio: number;
}

export type SimEndpoint = ModbusSimEndpoint | MqttSimEndpoint;

export interface SimFleetStats {
  readonly modbusRequests: number;
  readonly modbusExceptions: number;
  readonly modbusUnanswered: number;
  readonly mqttMessages: number;
}

export interface SimFleet {
  readonly endpoints: readonly SimEndpoint[];
  readonly meters: readonly NormalizedMeterSpec[];
  readonly startTimeMs: number;
  readonly speed: number;
  /** simulated epoch ms now */
  simNow(): number;
  /** what the meter reports at a simulated time (default now), primary side */
  valuesAt(code: string, simTimeMs?: number): Readonly<Required<ReadingValues>>;
  currentValues(code: string): Readonly<Required<ReadingValues>>;
  /** values plus extras (per-phase kVA, demand) and the refresh time */
  snapshotAt(code: string, simTimeMs?: number): MeterSnapshot;
  /** faults that have started so far (the ground truth) */
  truth(): readonly GroundTruthEntry[];
  /** every fault the scenario will inject, started or not */
  plannedFaults(): readonly FaultWindow[];
  stats(): SimFleetStats;
  stop(): Promise<void>;
}

/** Open the ground-truth file for appending; a bad path fails the start, not a later tick. */
async function openTruthFile(path: string): Promise<Writable> {
  try {
    const handle = await open(path, 'a');
    return handle.createWriteStream();
  } catch (err) {
    throw new SimError('SIM_OPTIONS_INVALID', `cannot open truthLogPath ${path}: ${(err as Error).message}`, {
      issues: [{ path: 'truthLogPath', message: (err as Error).message }],
      cause: err,
    });
  }
}

async function endStream(stream: Writable): Promise<void> {
  await new Promise<void>((resolve) => stream.end(() => resolve()));
}

/** Build and start a fleet: listening, connected, scheduler running. */
export async function startSimFleet(options: SimFleetOptions): Promise<SimFleet> {
  const now = () => (options.clock ?? systemClock).now();
  const plan = planSimFleet(options, now());
  const { options: opts, specs, meters, faults, startTimeMs } = plan;
  const logger = (options.logger ?? pino({ level: 'silent' })).child({ component: 'sim-fleet' });
  const metersByCode = new Map(meters.map((m) => [m.spec.code, m]));
  const clock = createSimClock({ startTimeMs, speed: opts.speed, now });

  const truthFile = opts.truthLogPath === undefined ? undefined : await openTruthFile(opts.truthLogPath);
  const truthSinks = [truthFile, options.truthStream].filter((s): s is Writable => s !== undefined);
  const truthLog = new TruthLog(faults, (line) => {
    for (const sink of truthSinks) sink.write(line);
  });

  const runId = randomBytes(4).toString('hex');
  let modbus: ModbusEndpoints | undefined;
  let jsonPublisher: JsonMeterPublisher | undefined;
  let edgeNode: SparkplugEdgeNode | undefined;
  const closeAll = async (): Promise<void> => {
    await Promise.allSettled([modbus?.close(), jsonPublisher?.stop(), edgeNode?.stop()]);
    if (truthFile) await endStream(truthFile);
  };

  const intervalMs = opts.mqttPublishIntervalS * 1000;
  const edgeNodeId = opts.sparkplugEdgeNodeId ?? `kam-sim-${runId}`;
  try {
    modbus = await startModbusEndpoints(
      meters.filter((m) => m.spec.protocol === 'modbus'),
      {
        host: opts.host,
        basePort: opts.modbusPort,
        gateway: opts.gateway,
        metersPerGateway: opts.metersPerGateway,
        gatewayTargetFailure: opts.gatewayTargetFailure,
        simNow: clock.simNow,
      },
    );
    const jsonMeters = meters.filter((m) => m.spec.mqttFormat === 'json');
    const sparkplugMeters = meters.filter((m) => m.spec.mqttFormat === 'sparkplug');
    if (jsonMeters.length > 0) {
      jsonPublisher = await JsonMeterPublisher.start({
        url: opts.mqttUrl!,
        clientId: `kam-sim-json-${runId}`,
        topicPrefix: opts.mqttTopicPrefix,
        meters: jsonMeters,
        intervalMs,
        startTimeMs,
        logger,
      });
    }
    if (sparkplugMeters.length > 0) {
      edgeNode = await SparkplugEdgeNode.start({
        url: opts.mqttUrl!,
        clientId: `kam-sim-spb-${runId}`,
        groupId: opts.sparkplugGroupId,
        edgeNodeId,
        meters: sparkplugMeters,
        intervalMs,
        startTimeMs,
        simNow: clock.simNow,
        logger,
      });
    }
  } catch (err) {
    await closeAll();
    throw err;
  }

  const modbusByCode = new Map((modbus?.endpoints ?? []).map((e) => [e.code, e]));
  const endpoints: SimEndpoint[] = specs.map((spec): SimEndpoint => {
    const modbusEndpoint = modbusByCode.get(spec.code);
    if (modbusEndpoint) {
      return { protocol: 'modbus', ...modbusEndpoint, ptRatio: spec.ptRatio, ctRatio: spec.ctRatio };
    }
    const format = spec.mqttFormat ?? 'json';
    return {
      code: spec.code,
      protocol: 'mqtt',
      format,
      url: opts.mqttUrl!,
      topic:
        format === 'json'
          ? readingTopic(opts.mqttTopicPrefix, spec.code)
          : sparkplugTopic(opts.sparkplugGroupId, 'DDATA', edgeNodeId, spec.code),
      ptRatio: spec.ptRatio,
      ctRatio: spec.ctRatio,
    };
  });

  const tick = (): void => {
    const simNowMs = clock.simNow();
    try {
      for (const entry of truthLog.advance(simNowMs)) logger.info({ truth: entry }, 'fault started');
      jsonPublisher?.tick(simNowMs);
      edgeNode?.tick(simNowMs);
    } catch (err) {
      logger.error({ err }, 'simulator tick failed');
    }
  };
  const timer = setInterval(tick, opts.tickMs);
  timer.unref();
  tick();
  logger.info(
    { meters: specs.length, startTime: new Date(startTimeMs).toISOString(), speed: opts.speed, faults: faults.length },
    'simulator fleet started',
  );

  const meterOf = (code: string): SimMeter => {
    const meter = metersByCode.get(code);
    if (!meter) throw new SimError('SIM_UNKNOWN_METER', `no meter "${code}" in the fleet`);
    return meter;
  };
  let stopping: Promise<void> | undefined;

  return {
    endpoints,
    meters: specs,
    startTimeMs,
    speed: opts.speed,
    simNow: clock.simNow,
    snapshotAt: (code, simTimeMs) => meterOf(code).model.snapshotAt(simTimeMs ?? clock.simNow()),
    valuesAt: (code, simTimeMs) => meterOf(code).model.snapshotAt(simTimeMs ?? clock.simNow()).values,
    currentValues: (code) => meterOf(code).model.snapshotAt(clock.simNow()).values,
    truth: () => {
      truthLog.advance(clock.simNow());
      return truthLog.entries();
    },
    plannedFaults: () => faults,
    stats: () => {
      const modbusStats = modbus?.stats();
      return {
        modbusRequests: modbusStats?.requests ?? 0,
        modbusExceptions: modbusStats?.exceptions ?? 0,
        modbusUnanswered: modbusStats?.unanswered ?? 0,
        mqttMessages: (jsonPublisher?.messagesPublished ?? 0) + (edgeNode?.messagesPublished ?? 0),
      };
    },
    stop: () => {
      stopping ??= (async () => {
        clearInterval(timer);
        truthLog.advance(clock.simNow());
        await closeAll();
        logger.info('simulator fleet stopped');
      })();
      return stopping;
    },
  };
}
