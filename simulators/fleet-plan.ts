// Planning a fleet, without any I/O: validate the options, complete the meter specs, resolve
// the scenario to simulated times and build every meter's model. `startSimFleet` runs the plan.
import type { Writable } from 'node:stream';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { Clock } from '../lib/domain/index.ts';
import { createCalendar } from './calendar.ts';
import { SimError, toSimIssues } from './errors.ts';
import type { FaultWindow } from './fault-kinds.ts';
import { DEFAULT_STEP_MS } from './meter-model.ts';
import { normalizeMeterSpec, type NormalizedMeterSpec, type SimMeterSpec } from './meter-spec.ts';
import { DEFAULT_METERS_PER_GATEWAY, type GatewayTargetFailure } from './modbus/modbus-endpoints.ts';
import { DEFAULT_TOPIC_PREFIX } from './mqtt/json-payloads.ts';
import { parseScenario, resolveFaults, type ScenarioFault } from './scenario.ts';
import { createSimMeter, type SimMeter } from './sim-meter.ts';

/** Wall time between scheduler ticks (MQTT publishing, ground truth). */
export const DEFAULT_TICK_MS = 100;
/** Simulated seconds between two MQTT readings of a meter. */
export const DEFAULT_MQTT_PUBLISH_INTERVAL_S = 60;
export const DEFAULT_SPARKPLUG_GROUP = 'kam';

export interface SimFleetOptions {
  readonly meters: readonly SimMeterSpec[];
  /** listen address of the Modbus servers; default 127.0.0.1 */
  readonly host?: string;
  /** per-port: meter i listens on modbusPort + i; gateway: gateway g on modbusPort + g; 0 (default) = random ports */
  readonly modbusPort?: number;
  /** Modbus meters behind RS-485 gateways (unit ids) instead of one port each */
  readonly gateway?: boolean;
  /** meters per gateway endpoint, default 32 */
  readonly metersPerGateway?: number;
  /** gateway answer for a unit id without a meter: exception 0x0B (default) or no reply */
  readonly gatewayTargetFailure?: GatewayTargetFailure;
  /** broker for MQTT meters, e.g. mqtt://127.0.0.1:1883; required when there are MQTT meters */
  readonly mqttUrl?: string;
  /** JSON topics are <prefix>/meters/<code>/reading; default kam/v1 */
  readonly mqttTopicPrefix?: string;
  readonly sparkplugGroupId?: string;
  readonly sparkplugEdgeNodeId?: string;
  /** simulated seconds between MQTT readings, default 60 */
  readonly mqttPublishIntervalS?: number;
  /** a scenario: parsed, its JSON value, or JSON text */
  readonly scenario?: unknown;
  /** more faults, e.g. from --fault flags */
  readonly faults?: readonly ScenarioFault[];
  /** fleet seed; default: the scenario's, else 1 */
  readonly seed?: number;
  /** simulated seconds per wall second, default 1 */
  readonly speed?: number;
  /** simulated start; default: the scenario's, else the wall clock now */
  readonly startTime?: Date | string | number;
  /** the wall clock (tests pass a hand-moved one); default the system clock */
  readonly clock?: Clock;
  /** simulation step (meter refresh), ms; default 1000 */
  readonly stepMs?: number;
  /** wall ms between scheduler ticks, default 100 */
  readonly tickMs?: number;
  /** append ground truth as JSON lines to this file */
  readonly truthLogPath?: string;
  /** or write them to this stream (not closed by stop) */
  readonly truthStream?: Writable;
  /** extra local holidays (YYYY-MM-DD), added to the scenario's */
  readonly holidays?: readonly string[];
  /** local time for load profiles; default +480 (China, domain.md §6) */
  readonly utcOffsetMinutes?: number;
  readonly logger?: Logger;
}

const optionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  modbusPort: z.number().int().min(0).max(65535).default(0),
  gateway: z.boolean().default(false),
  metersPerGateway: z.number().int().min(1).max(247).default(DEFAULT_METERS_PER_GATEWAY),
  gatewayTargetFailure: z.enum(['exception', 'silent']).default('exception'),
  mqttUrl: z
    .string()
    .regex(/^(mqtts?|wss?|tcp):\/\//, 'must be a URL like mqtt://host:1883')
    .optional(),
  mqttTopicPrefix: z
    .string()
    .regex(/^[^#+]+$/, 'must not contain MQTT wildcards')
    .default(DEFAULT_TOPIC_PREFIX),
  sparkplugGroupId: z
    .string()
    .regex(/^[^/#+]+$/, 'must be one topic level')
    .default(DEFAULT_SPARKPLUG_GROUP),
  sparkplugEdgeNodeId: z
    .string()
    .regex(/^[^/#+]+$/, 'must be one topic level')
    .optional(),
  mqttPublishIntervalS: z.number().positive().default(DEFAULT_MQTT_PUBLISH_INTERVAL_S),
  seed: z.number().int().optional(),
  speed: z.number().positive().max(1e6).default(1),
  stepMs: z.number().int().min(10).max(60_000).default(DEFAULT_STEP_MS),
  tickMs: z.number().int().min(1).max(60_000).default(DEFAULT_TICK_MS),
  truthLogPath: z.string().min(1).optional(),
  holidays: z.array(z.string()).default([]),
  utcOffsetMinutes: z.number().int().min(-720).max(840).optional(),
});

function parseStartTime(value: Date | string | number): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : value;
  if (!Number.isFinite(ms)) {
    throw new SimError('SIM_OPTIONS_INVALID', `startTime "${String(value)}" is not a time`, {
      issues: [{ path: 'startTime', message: 'not a time' }],
    });
  }
  return ms;
}

export type PlannedOptions = z.output<typeof optionsSchema>;

export interface SimFleetPlan {
  /** validated options with defaults */
  readonly options: PlannedOptions;
  readonly specs: readonly NormalizedMeterSpec[];
  readonly meters: readonly SimMeter[];
  /** every fault, resolved to simulated time, sorted by start */
  readonly faults: readonly FaultWindow[];
  /** simulated start, a whole step */
  readonly startTimeMs: number;
  readonly fleetSeed: number;
}

/**
 * Everything a fleet is, before it listens or connects. Throws SimError with the code of the
 * first kind of problem found (options, meter specs, scenario) and every bad field of that kind.
 */
export function planSimFleet(input: SimFleetOptions, wallNowMs: number): SimFleetPlan {
  const parsed = optionsSchema.safeParse(input);
  if (!parsed.success) {
    const { issues, summary } = toSimIssues(parsed.error.issues);
    throw new SimError('SIM_OPTIONS_INVALID', `fleet options invalid: ${summary}`, { issues });
  }
  const options = parsed.data;

  const specs = input.meters.map((spec, i) => normalizeMeterSpec(spec, i));
  const duplicate = specs.find((s, i) => specs.findIndex((o) => o.code === s.code) !== i);
  if (duplicate) {
    throw new SimError('SIM_METER_SPEC_INVALID', `meter code ${duplicate.code} is used twice`, {
      issues: [{ path: 'meters', message: `duplicate code ${duplicate.code}` }],
    });
  }
  const mqttCount = specs.filter((s) => s.protocol === 'mqtt').length;
  if (mqttCount > 0 && options.mqttUrl === undefined) {
    throw new SimError('SIM_OPTIONS_INVALID', `${mqttCount} MQTT meters need mqttUrl`, {
      issues: [{ path: 'mqttUrl', message: 'required when the fleet has MQTT meters' }],
    });
  }

  // Parsing is idempotent, so an already parsed scenario passes through unchanged.
  const scenario = input.scenario === undefined ? undefined : parseScenario(input.scenario);
  const requestedStartMs =
    input.startTime !== undefined
      ? parseStartTime(input.startTime)
      : scenario?.startTime !== undefined
        ? Date.parse(scenario.startTime)
        : wallNowMs;
  const startTimeMs = Math.floor(requestedStartMs / options.stepMs) * options.stepMs;
  const fleetSeed = options.seed ?? scenario?.seed ?? 1;
  let calendar;
  try {
    calendar = createCalendar({
      utcOffsetMinutes: options.utcOffsetMinutes,
      holidays: [...(scenario?.holidays ?? []), ...options.holidays],
    });
  } catch (err) {
    throw new SimError('SIM_OPTIONS_INVALID', (err as Error).message, {
      issues: [{ path: 'holidays', message: (err as Error).message }],
    });
  }

  const faults = resolveFaults(
    [...(scenario?.faults ?? []), ...(input.faults ?? [])],
    startTimeMs,
    new Map(specs.map((s) => [s.code, { protocol: s.protocol, nominalVoltageV: s.nominalVoltageV }])),
  );
  const meters = specs.map((spec) =>
    createSimMeter(spec, { fleetSeed, startTimeMs, stepMs: options.stepMs, calendar, faults }),
  );
  return { options, specs, meters, faults, startTimeMs, fleetSeed };
}
