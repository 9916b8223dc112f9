// The fault kinds a scenario can inject, their parameters (zod, with defaults) and where each
// one acts. Thresholds come from domain.md §4 (meter events) and §2 (voltage deviation).
import { z } from 'zod';
import { COUNTER_KEYS } from '../lib/meter-maps/index.ts';

export const FAULT_KINDS = [
  'under_voltage',
  'over_voltage',
  'loss_of_voltage',
  'phase_break',
  'voltage_unbalance',
  'current_unbalance',
  'low_power_factor',
  'over_compensation',
  'over_demand',
  'reverse_power',
  'not_answering',
  'modbus_exception',
  'stale_values',
  'counter_rollover',
  'meter_replacement',
  'malformed_payload',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const PHASES = ['A', 'B', 'C'] as const;
export type Phase = (typeof PHASES)[number];

export const MALFORMED_VARIANTS = ['invalid_json', 'wrong_types', 'missing_fields', 'oversized'] as const;
export type MalformedVariant = (typeof MALFORMED_VARIANTS)[number];

export type SimProtocol = 'modbus' | 'mqtt';

const phase = z.enum(PHASES);
const phaseOrAll = z.enum([...PHASES, 'all']);

/** Parameters per kind. Unknown parameters are rejected so a typo cannot silently do nothing. */
export const FAULT_PARAM_SCHEMAS = {
  // Depth defaults per voltage class (voltage-classes.ts, domain.md §2) when omitted.
  under_voltage: z.strictObject({
    phase: phaseOrAll.default('all'),
    depthPct: z.number().gt(0).lt(100).optional(),
  }),
  over_voltage: z.strictObject({
    phase: phaseOrAll.default('all'),
    depthPct: z.number().gt(0).max(50).optional(),
  }),
  // domain.md §4: loss of voltage = U < 78 % Un while current flows.
  loss_of_voltage: z.strictObject({
    phase: phase.default('A'),
    levelPct: z.number().min(0).lt(78, 'must be < 78 (loss-of-voltage trigger, domain.md §4)').default(70),
  }),
  // domain.md §4: phase break = U < 60 % Un and I < 0.5 % Ib.
  phase_break: z.strictObject({
    phase: phase.default('A'),
    levelPct: z.number().min(0).lt(60, 'must be < 60 (phase-break trigger, domain.md §4)').default(40),
  }),
  // NEMA phase-voltage unbalance (domain.md §5): `phase` rises, the next phase falls by the same %.
  voltage_unbalance: z.strictObject({
    phase: phase.default('A'),
    unbalancePct: z.number().gt(0).max(50).default(5),
  }),
  // domain.md §4: current unbalance event above 30 %.
  current_unbalance: z.strictObject({
    phase: phase.default('A'),
    unbalancePct: z.number().gt(0).max(90).default(40),
  }),
  // domain.md §3: tariff target 0.90 for HV industrial customers.
  low_power_factor: z.strictObject({
    pf: z.number().gt(0.05).lt(1).default(0.75),
  }),
  // domain.md §3: capacitive Q at light load, often with high voltage.
  over_compensation: z.strictObject({
    pf: z.number().gt(0.05).lt(1).default(0.8),
    loadPct: z.number().gt(0).max(100).default(15),
    voltageRisePct: z.number().min(0).max(20).default(3),
  }),
  // Apparent power as % of the contracted kVA.
  over_demand: z.strictObject({
    loadPct: z.number().gt(100).max(300).default(120),
  }),
  // A reversed CT on one phase or on all three.
  reverse_power: z.strictObject({
    phase: phaseOrAll.default('all'),
  }),
  not_answering: z.strictObject({}),
  // Modbus exception 04 server device failure or 06 server device busy.
  modbus_exception: z.strictObject({
    exceptionCode: z.union([z.literal(4), z.literal(6)]).default(6),
  }),
  stale_values: z.strictObject({}),
  counter_rollover: z.strictObject({
    counter: z.enum(COUNTER_KEYS).default('importKwh'),
  }),
  meter_replacement: z.strictObject({
    initialKwh: z.number().min(0).default(0),
  }),
  malformed_payload: z.strictObject({
    variant: z.enum([...MALFORMED_VARIANTS, 'cycle']).default('cycle'),
  }),
} as const satisfies Record<FaultKind, z.ZodType>;

export type FaultParams<K extends FaultKind = FaultKind> = z.output<(typeof FAULT_PARAM_SCHEMAS)[K]>;

/**
 * physics: changes what the meter measures; display: changes what the meter shows (registers,
 * counters); transport: changes whether and how it answers.
 */
export type FaultLayer = 'physics' | 'display' | 'transport';

export interface FaultKindInfo {
  readonly layer: FaultLayer;
  readonly protocols: readonly SimProtocol[];
}

const BOTH: readonly SimProtocol[] = ['modbus', 'mqtt'];

export const FAULT_KIND_INFO: Readonly<Record<FaultKind, FaultKindInfo>> = {
  under_voltage: { layer: 'physics', protocols: BOTH },
  over_voltage: { layer: 'physics', protocols: BOTH },
  loss_of_voltage: { layer: 'physics', protocols: BOTH },
  phase_break: { layer: 'physics', protocols: BOTH },
  voltage_unbalance: { layer: 'physics', protocols: BOTH },
  current_unbalance: { layer: 'physics', protocols: BOTH },
  low_power_factor: { layer: 'physics', protocols: BOTH },
  over_compensation: { layer: 'physics', protocols: BOTH },
  over_demand: { layer: 'physics', protocols: BOTH },
  reverse_power: { layer: 'physics', protocols: BOTH },
  stale_values: { layer: 'display', protocols: BOTH },
  counter_rollover: { layer: 'display', protocols: BOTH },
  meter_replacement: { layer: 'display', protocols: BOTH },
  not_answering: { layer: 'transport', protocols: BOTH },
  modbus_exception: { layer: 'transport', protocols: ['modbus'] },
  malformed_payload: { layer: 'transport', protocols: ['mqtt'] },
};

/** One fault, resolved to simulated epoch milliseconds with defaults applied. */
export interface FaultWindow<K extends FaultKind = FaultKind> {
  readonly id: string;
  readonly meter: string;
  readonly kind: K;
  /** inclusive */
  readonly startMs: number;
  /** exclusive */
  readonly endMs: number;
  readonly params: FaultParams<K>;
  /** the phase a single-phase fault acts on; absent for all-phase and non-phase faults */
  readonly phase?: Phase;
}

export function isFaultKind<K extends FaultKind>(fault: FaultWindow, kind: K): fault is FaultWindow<K> {
  return fault.kind === kind;
}

export function isActiveAt(fault: FaultWindow, timeMs: number): boolean {
  return timeMs >= fault.startMs && timeMs < fault.endMs;
}
