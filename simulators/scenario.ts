// Fault scenarios: the JSON file format (zod-validated), --fault command-line flags, and
// resolution of faults to simulated times for a concrete fleet.
import { z } from 'zod';
import { epochDayOf } from './calendar.ts';
import { SimError, toSimIssues, type SimIssue } from './errors.ts';
import {
  FAULT_KINDS,
  FAULT_KIND_INFO,
  FAULT_PARAM_SCHEMAS,
  PHASES,
  type FaultKind,
  type FaultWindow,
  type Phase,
  type SimProtocol,
} from './fault-kinds.ts';
import { supplyClassOf } from './voltage-classes.ts';

const isoDateTime = z.iso.datetime({ offset: true });

/** Offset in seconds from the simulation start, or an absolute ISO 8601 time with offset. */
const faultStartSchema = z.union([z.number().min(0), isoDateTime], {
  error: 'must be seconds from the simulation start (≥ 0) or an ISO 8601 time with offset',
});

function faultVariant<K extends FaultKind>(kind: K) {
  return z.strictObject({
    /** stable id for scoring; default `f<n>` (1-based position in the file) */
    id: z.string().min(1).optional(),
    meter: z.string().min(1),
    kind: z.literal(kind),
    start: faultStartSchema,
    durationS: z.number().positive(),
    // An omitted params object still gets every default of the kind.
    params: z.preprocess((value) => value ?? {}, FAULT_PARAM_SCHEMAS[kind]),
  });
}

export const faultSchema = z.discriminatedUnion(
  'kind',
  [
    faultVariant('under_voltage'),
    faultVariant('over_voltage'),
    faultVariant('loss_of_voltage'),
    faultVariant('phase_break'),
    faultVariant('voltage_unbalance'),
    faultVariant('current_unbalance'),
    faultVariant('low_power_factor'),
    faultVariant('over_compensation'),
    faultVariant('over_demand'),
    faultVariant('reverse_power'),
    faultVariant('not_answering'),
    faultVariant('modbus_exception'),
    faultVariant('stale_values'),
    faultVariant('counter_rollover'),
    faultVariant('meter_replacement'),
    faultVariant('malformed_payload'),
  ],
  { error: `kind must be one of ${FAULT_KINDS.join(', ')}` },
);

export const scenarioSchema = z.strictObject({
  $comment: z.string().optional(),
  name: z.string().optional(),
  description: z.string().optional(),
  /** simulated start time; fleet options may override it */
  startTime: isoDateTime.optional(),
  seed: z.number().int().optional(),
  /** local public holidays, YYYY-MM-DD: load profiles run their holiday curve */
  holidays: z
    .array(z.string().refine((d) => epochDayOf(d) !== undefined, 'must be a real date YYYY-MM-DD'))
    .default([]),
  faults: z.array(faultSchema).default([]),
});

export type ScenarioFault = z.output<typeof faultSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/**
 * Validate a scenario (JSON text or parsed value). Throws SIM_SCENARIO_INVALID whose `issues`
 * name every bad field, e.g. `faults.2.params.levelPct`.
 */
export function parseScenario(json: unknown): Scenario {
  let document = json;
  if (typeof json === 'string') {
    try {
      document = JSON.parse(json);
    } catch (err) {
      throw new SimError('SIM_SCENARIO_INVALID', `scenario is not valid JSON: ${(err as Error).message}`, {
        issues: [{ path: '', message: 'not valid JSON' }],
      });
    }
  }
  const result = scenarioSchema.safeParse(document);
  if (!result.success) {
    const { issues, summary } = toSimIssues(result.error.issues);
    throw new SimError('SIM_SCENARIO_INVALID', `scenario is invalid: ${summary}`, { issues });
  }
  return result.data;
}

const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * Parse one `--fault` flag: comma-separated key=value pairs, e.g.
 * `meter=M001,kind=phase_break,start=3600,duration=900,phase=B`. Keys other than meter, kind,
 * start, duration and id are parameters of the kind. Throws SIM_SCENARIO_INVALID naming the flag.
 */
export function parseFaultFlag(flag: string, position = 0): ScenarioFault {
  const label = `--fault[${position}]`;
  const raw: Record<string, string | number> = {};
  for (const pair of flag.split(',')) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new SimError('SIM_SCENARIO_INVALID', `${label}: "${pair}" is not key=value`, {
        issues: [{ path: label, message: `"${pair}" is not key=value` }],
      });
    }
    const value = pair.slice(eq + 1).trim();
    raw[pair.slice(0, eq).trim()] = NUMERIC.test(value) ? Number(value) : value;
  }
  const { meter, kind, start, duration, id, ...params } = raw;
  const candidate = { id, meter, kind, start, durationS: duration, params };
  if (id === undefined) delete candidate.id;
  const result = faultSchema.safeParse(candidate);
  if (!result.success) {
    const { issues, summary } = toSimIssues(result.error.issues, [label]);
    throw new SimError('SIM_SCENARIO_INVALID', `${summary}`, { issues });
  }
  return result.data;
}

/** What fault resolution needs to know about each meter of the fleet. */
export interface FaultTarget {
  readonly protocol: SimProtocol;
  readonly nominalVoltageV: number;
}

function phaseOf(params: object): Phase | undefined {
  const value = (params as { phase?: string }).phase;
  return PHASES.find((p) => p === value);
}

/**
 * Resolve faults to simulated epoch ms for a fleet: default ids, voltage-class depths, and
 * checks that each meter exists and its protocol can show the kind (SIM_SCENARIO_MISMATCH).
 */
export function resolveFaults(
  faults: readonly ScenarioFault[],
  simStartMs: number,
  targets: ReadonlyMap<string, FaultTarget>,
): FaultWindow[] {
  const issues: SimIssue[] = [];
  const windows: FaultWindow[] = [];
  const ids = new Set<string>();
  faults.forEach((fault, i) => {
    const target = targets.get(fault.meter);
    const id = fault.id ?? `f${i + 1}`;
    if (ids.has(id)) issues.push({ path: `faults.${i}.id`, message: `duplicate fault id ${id}` });
    ids.add(id);
    if (!target) {
      issues.push({ path: `faults.${i}.meter`, message: `no meter "${fault.meter}" in the fleet` });
      return;
    }
    const info = FAULT_KIND_INFO[fault.kind];
    if (!info.protocols.includes(target.protocol)) {
      issues.push({
        path: `faults.${i}.kind`,
        message: `${fault.kind} needs a ${info.protocols.join('/')} meter; ${fault.meter} is ${target.protocol}`,
      });
      return;
    }
    const startMs = typeof fault.start === 'number' ? simStartMs + fault.start * 1000 : Date.parse(fault.start);
    if (startMs < simStartMs) {
      issues.push({ path: `faults.${i}.start`, message: `${fault.start} is before the simulation start` });
      return;
    }
    let params: object = fault.params;
    if ((fault.kind === 'under_voltage' || fault.kind === 'over_voltage') && fault.params.depthPct === undefined) {
      params = { ...fault.params, depthPct: supplyClassOf(target.nominalVoltageV).defaultFaultDepthPct };
    }
    const phase = phaseOf(params);
    windows.push({
      id,
      meter: fault.meter,
      kind: fault.kind,
      startMs,
      endMs: startMs + fault.durationS * 1000,
      params,
      ...(phase ? { phase } : {}),
    } as FaultWindow);
  });
  if (issues.length > 0) {
    const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
    throw new SimError('SIM_SCENARIO_MISMATCH', `scenario does not fit the fleet: ${summary}`, { issues });
  }
  return windows.sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
}
