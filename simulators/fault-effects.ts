// How physics-layer faults change a meter's operating point, as a declared table of effects
// (conventions.md §6, steps as data). Each effect acts in one stage of the step computation:
//
//   load        what the customer draws (kW, phase split, displacement angle)
//   supply      the true phase voltages at the point of supply
//   measurement what the meter's inputs see (blown PT fuse, broken phase, reversed CT)
//
// Thresholds: domain.md §4 (loss of voltage < 78 % Un with current, phase break < 60 % Un with
// I ≈ 0), §3 (PF, over-compensation), §2 (voltage deviation depths, via the scenario defaults).
import type { FaultKind, FaultParams, FaultWindow, Phase } from './fault-kinds.ts';
import { FAULT_KIND_INFO } from './fault-kinds.ts';

/** Mutable working state of one simulation step; phases are indexed A=0, B=1, C=2. */
export interface OperatingState {
  /** active power the load draws, kW (primary) */
  totalKw: number;
  /** share of the load per phase; sums to 3 */
  phaseShare: [number, number, number];
  /** displacement angle per phase (current behind voltage), rad */
  phiRad: [number, number, number];
  /** supply phase-to-neutral voltage per phase, V (primary) */
  supplyVoltageV: [number, number, number];
}

export interface MeasurementState {
  voltageV: [number, number, number];
  currentA: [number, number, number];
  phiRad: [number, number, number];
}

export interface FaultContext {
  /** nominal phase-to-neutral voltage, V (primary) */
  readonly nominalPhaseV: number;
  readonly ratedKw: number;
  readonly contractedKva: number;
  /** small relative voltage noise of this step per phase, so faulted voltages are not flat lines */
  readonly voltageNoise: readonly [number, number, number];
}

export type EffectStage = 'load' | 'supply' | 'measurement';
export type PhysicsFaultKind = Extract<
  FaultKind,
  | 'under_voltage'
  | 'over_voltage'
  | 'loss_of_voltage'
  | 'phase_break'
  | 'voltage_unbalance'
  | 'current_unbalance'
  | 'low_power_factor'
  | 'over_compensation'
  | 'over_demand'
  | 'reverse_power'
>;

interface Effect<K extends FaultKind> {
  readonly stage: EffectStage;
  readonly apply: (
    state: { operating: OperatingState; measurement: MeasurementState },
    params: FaultParams<K>,
    ctx: FaultContext,
  ) => void;
}

const PHASE_INDEX: Readonly<Record<Phase, 0 | 1 | 2>> = { A: 0, B: 1, C: 2 };

function phasesOf(phase: Phase | 'all'): readonly (0 | 1 | 2)[] {
  return phase === 'all' ? [0, 1, 2] : [PHASE_INDEX[phase]];
}

/** The phase following `phase` in A → B → C → A order. */
function nextPhase(index: 0 | 1 | 2): 0 | 1 | 2 {
  return ((index + 1) % 3) as 0 | 1 | 2;
}

function averageCos(phi: readonly number[]): number {
  return (Math.cos(phi[0]!) + Math.cos(phi[1]!) + Math.cos(phi[2]!)) / 3;
}

export const FAULT_EFFECTS: { readonly [K in PhysicsFaultKind]: Effect<K> } = {
  over_demand: {
    stage: 'load',
    // Apparent power = loadPct % of the contracted capacity.
    apply: ({ operating }, params, ctx) => {
      operating.totalKw = (params.loadPct / 100) * ctx.contractedKva * averageCos(operating.phiRad);
    },
  },
  over_compensation: {
    stage: 'load',
    // domain.md §3: fixed capacitors at light load push Q negative and the voltage up.
    apply: ({ operating }, params, ctx) => {
      operating.totalKw = (params.loadPct / 100) * ctx.ratedKw;
      const phi = -Math.acos(params.pf);
      operating.phiRad = [phi, phi, phi];
      const rise = 1 + params.voltageRisePct / 100;
      operating.supplyVoltageV = [
        operating.supplyVoltageV[0] * rise,
        operating.supplyVoltageV[1] * rise,
        operating.supplyVoltageV[2] * rise,
      ];
    },
  },
  low_power_factor: {
    stage: 'load',
    apply: ({ operating }, params) => {
      const phi = Math.acos(params.pf);
      operating.phiRad = [phi, phi, phi];
    },
  },
  current_unbalance: {
    stage: 'load',
    // NEMA-style unbalance: one phase +d, the next −d, the third unchanged, then renormalised so
    // the shares still sum to 3 and the total kW is unchanged.
    apply: ({ operating }, params) => {
      const high = PHASE_INDEX[params.phase];
      const d = params.unbalancePct / 100;
      const share = operating.phaseShare;
      share[high] *= 1 + d;
      share[nextPhase(high)] *= 1 - d;
      const sum = share[0] + share[1] + share[2];
      operating.phaseShare = [(3 * share[0]) / sum, (3 * share[1]) / sum, (3 * share[2]) / sum];
    },
  },
  under_voltage: {
    stage: 'supply',
    apply: ({ operating }, params, ctx) => {
      const level = 1 - (params.depthPct ?? 0) / 100;
      for (const i of phasesOf(params.phase)) {
        operating.supplyVoltageV[i] = ctx.nominalPhaseV * level * (1 + ctx.voltageNoise[i]);
      }
    },
  },
  over_voltage: {
    stage: 'supply',
    apply: ({ operating }, params, ctx) => {
      const level = 1 + (params.depthPct ?? 0) / 100;
      for (const i of phasesOf(params.phase)) {
        operating.supplyVoltageV[i] = ctx.nominalPhaseV * level * (1 + ctx.voltageNoise[i]);
      }
    },
  },
  voltage_unbalance: {
    stage: 'supply',
    // NEMA phase unbalance max|Vi − Vavg| / Vavg = d (domain.md §5): one phase +d, the next −d.
    apply: ({ operating }, params, ctx) => {
      const high = PHASE_INDEX[params.phase];
      const low = nextPhase(high);
      const third = nextPhase(low);
      const d = params.unbalancePct / 100;
      const base = ctx.nominalPhaseV;
      operating.supplyVoltageV[high] = base * (1 + d);
      operating.supplyVoltageV[low] = base * (1 - d);
      operating.supplyVoltageV[third] = base;
    },
  },
  loss_of_voltage: {
    stage: 'measurement',
    // Blown PT fuse / loose voltage lead: the meter's voltage drops, the current keeps flowing.
    apply: ({ measurement }, params, ctx) => {
      const i = PHASE_INDEX[params.phase];
      measurement.voltageV[i] = ctx.nominalPhaseV * (params.levelPct / 100) * (1 + ctx.voltageNoise[i]);
    },
  },
  phase_break: {
    stage: 'measurement',
    // Conductor open upstream: only induced voltage remains and no current flows.
    apply: ({ measurement }, params, ctx) => {
      const i = PHASE_INDEX[params.phase];
      measurement.voltageV[i] = ctx.nominalPhaseV * (params.levelPct / 100) * (1 + ctx.voltageNoise[i]);
      measurement.currentA[i] = 0;
    },
  },
  reverse_power: {
    stage: 'measurement',
    // A reversed CT turns the measured current phasor by 180°: P and Q change sign.
    apply: ({ measurement }, params) => {
      for (const i of phasesOf(params.phase)) measurement.phiRad[i] += Math.PI;
    },
  },
};

export function isPhysicsFault(fault: FaultWindow): fault is FaultWindow<PhysicsFaultKind> {
  return FAULT_KIND_INFO[fault.kind].layer === 'physics';
}

/** Apply the active physics faults of one stage, in scenario order. */
export function applyFaultStage(
  stage: EffectStage,
  active: readonly FaultWindow<PhysicsFaultKind>[],
  state: { operating: OperatingState; measurement: MeasurementState },
  ctx: FaultContext,
): void {
  for (const fault of active) {
    const effect = FAULT_EFFECTS[fault.kind] as Effect<PhysicsFaultKind>;
    if (effect.stage === stage) effect.apply(state, fault.params as never, ctx);
  }
}
