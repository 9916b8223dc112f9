// The physics model of one simulated meter: a deterministic function of simulated time.
//
// Time runs in steps of `stepMs` (default 1 s, about how often a real meter refreshes its
// registers). Within a step every instantaneous value is constant, so the energy counters are the
// exact integral of the reported power: E(t + step) = E(t) + P(t) · step. Counters, demand and
// display faults need history; the model integrates forward lazily and keeps a checkpoint every
// 15 minutes, so a read at any past time replays at most one block and any read order gives the
// same answer.
import type { ReadingValues } from '../lib/domain/index.ts';
import { COUNTER_KEYS, type CounterKey } from '../lib/meter-maps/index.ts';
import type { SimCalendar } from './calendar.ts';
import { SimError } from './errors.ts';
import {
  applyFaultStage,
  isPhysicsFault,
  type FaultContext,
  type MeasurementState,
  type OperatingState,
  type PhysicsFaultKind,
} from './fault-effects.ts';
import { isActiveAt, isFaultKind, type FaultWindow } from './fault-kinds.ts';
import { loadPointAt, profileSeedsOf, type LoadProfileName, type ProfileSeeds } from './load-profiles.ts';
import { deriveSeed, mulberry32, signedAt, smoothNoiseAt } from './prng.ts';
import { computeThreePhase, type InstantValues, type ThreePhase } from './three-phase.ts';
import { phaseVoltageOf } from './voltage-classes.ts';

export const DEFAULT_STEP_MS = 1000;
/** domain.md §6: China bills 15-minute block demand on hh:00/15/30/45. */
export const DEMAND_BLOCK_MS = 15 * 60_000;
const MS_PER_HOUR = 3_600_000;
/** Checkpoints of the last simulated day stay 15 minutes apart (replay ≤ 900 steps)... */
const DENSE_CHECKPOINTS = 96;
/** ...older ones are thinned to one per 6 h, so a long fast run keeps a few per day. */
const SPARSE_CHECKPOINT_MS = 6 * MS_PER_HOUR;

/** Normal operation stays inside ±4.5 % of nominal: inside every GB/T 12325 limit (domain.md §2),
 * so only injected faults break voltage rules. */
const NORMAL_VOLTAGE_DEVIATION_MAX = 0.045;
/** Voltage sag at full load from the supply impedance. */
const VOLTAGE_DROP_AT_FULL_LOAD = 0.02;
/** Frequency wanders at most ±0.1 Hz, half of the usual ±0.2 Hz grid limit (GB/T 15945;
 * not in domain.md, project default). */
const FREQUENCY_WANDER_MAX_HZ = 0.1;

export interface MeterModelConfig {
  readonly code: string;
  readonly seed: number;
  /** nominal system voltage phase to phase, V (primary) */
  readonly nominalVoltageV: number;
  readonly frequencyHz: number;
  /** full-load active power of the profile, kW */
  readonly ratedKw: number;
  readonly contractedKva: number;
  readonly profile: LoadProfileName;
  readonly calendar: SimCalendar;
  /** simulation start; must be a multiple of stepMs */
  readonly startTimeMs: number;
  readonly stepMs: number;
  /** primary value at which each counter wraps to 0 (the register's rollover) */
  readonly counterWrap: Readonly<Record<CounterKey, number>>;
  /** this meter's faults, any layer; the model acts on physics and display faults */
  readonly faults: readonly FaultWindow[];
}

export interface MeterExtras {
  readonly apparentAKva: number;
  readonly apparentBKva: number;
  readonly apparentCKva: number;
  /** active power demand of the last completed 15-minute block, kW */
  readonly demandKw: number;
  /** highest block demand since the simulation start, kW */
  readonly maxDemandKw: number;
}

export interface MeterSnapshot {
  /** refresh time the values belong to (a step boundary), simulated epoch ms */
  readonly timeMs: number;
  /** every ReadingValues quantity, primary side, as the meter reports it */
  readonly values: Readonly<Required<ReadingValues>>;
  readonly extras: MeterExtras;
}

type Counters = Record<CounterKey, number>;

interface EnergyState {
  timeMs: number;
  counters: Counters;
  blockStartImportKwh: number;
  demandKw: number;
  maxDemandKw: number;
}

interface DisplayEvent {
  readonly fault: FaultWindow<'counter_rollover' | 'meter_replacement'>;
  /** first refresh at or after the fault start */
  readonly timeMs: number;
  /** counter value offsets from this event on; resolved when integration reaches timeMs */
  offsets?: Partial<Counters>;
}

interface MeterConstants {
  readonly profileSeeds: ProfileSeeds;
  readonly voltageSeed: number;
  readonly voltagePhaseSeeds: ThreePhase<number>;
  readonly frequencySlowSeed: number;
  readonly frequencyFastSeed: number;
  /** site voltage level relative to nominal (feeder position, transformer tap) */
  readonly siteVoltageOffset: number;
  readonly phaseVoltageOffset: ThreePhase<number>;
  /** load split over phases, sums to 3 */
  readonly phaseShare: ThreePhase<number>;
  readonly phasePfOffset: ThreePhase<number>;
  readonly initialCounters: Readonly<Counters>;
}

function deriveConstants(config: MeterModelConfig): MeterConstants {
  const random = mulberry32(deriveSeed(config.seed, 'constants'));
  const between = (min: number, max: number): number => min + (max - min) * random();
  const rawShare = [between(0.97, 1.03), between(0.97, 1.03), between(0.97, 1.03)] as const;
  const shareSum = rawShare[0] + rawShare[1] + rawShare[2];
  const hoursInService = between(300, 3000);
  const importKwh = Math.min(config.ratedKw * 0.55 * hoursInService, 0.4 * config.counterWrap.importKwh);
  return {
    profileSeeds: profileSeedsOf(config.seed),
    voltageSeed: deriveSeed(config.seed, 'voltage'),
    voltagePhaseSeeds: [
      deriveSeed(config.seed, 'voltage.a'),
      deriveSeed(config.seed, 'voltage.b'),
      deriveSeed(config.seed, 'voltage.c'),
    ],
    frequencySlowSeed: deriveSeed(config.seed, 'frequency.slow'),
    frequencyFastSeed: deriveSeed(config.seed, 'frequency.fast'),
    siteVoltageOffset: between(-0.01, 0.025),
    phaseVoltageOffset: [between(-0.006, 0.006), between(-0.006, 0.006), between(-0.006, 0.006)],
    phaseShare: [(3 * rawShare[0]) / shareSum, (3 * rawShare[1]) / shareSum, (3 * rawShare[2]) / shareSum],
    phasePfOffset: [between(-0.015, 0.015), between(-0.015, 0.015), between(-0.015, 0.015)],
    initialCounters: {
      importKwh,
      exportKwh: 0,
      importKvarh: Math.min(importKwh * 0.45, 0.4 * config.counterWrap.importKvarh),
      exportKvarh: Math.min(importKwh * 0.01, 0.4 * config.counterWrap.exportKvarh),
    },
  };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function wrapCounter(value: number, wrapAt: number): number {
  return Number.isFinite(wrapAt) ? value - wrapAt * Math.floor(value / wrapAt) : value;
}

function copyState(state: EnergyState): EnergyState {
  return { ...state, counters: { ...state.counters } };
}

export class MeterModel {
  readonly config: MeterModelConfig;
  private readonly constants: MeterConstants;
  private readonly nominalPhaseV: number;
  private readonly physicsFaults: readonly FaultWindow<PhysicsFaultKind>[];
  private readonly staleFaults: readonly FaultWindow<'stale_values'>[];
  private readonly displayEvents: DisplayEvent[];
  /** integrated up to here; checkpoints ascending in time: the start, every 6 h, the last day every 15 min */
  private frontier: EnergyState;
  private readonly checkpoints: EnergyState[];
  private instantCache: { stepIndex: number; instant: InstantValues } | undefined;
  private snapshotCache: MeterSnapshot | undefined;

  constructor(config: MeterModelConfig) {
    if (config.startTimeMs % config.stepMs !== 0) {
      throw new RangeError(`startTimeMs must be a multiple of stepMs (${config.stepMs})`);
    }
    this.config = config;
    this.constants = deriveConstants(config);
    this.nominalPhaseV = phaseVoltageOf(config.nominalVoltageV);
    this.physicsFaults = config.faults.filter(isPhysicsFault);
    this.staleFaults = config.faults.filter((f) => isFaultKind(f, 'stale_values'));
    this.displayEvents = config.faults
      .filter(
        (f): f is FaultWindow<'counter_rollover' | 'meter_replacement'> =>
          isFaultKind(f, 'counter_rollover') || isFaultKind(f, 'meter_replacement'),
      )
      .map((fault) => ({ fault, timeMs: Math.ceil(fault.startMs / config.stepMs) * config.stepMs }))
      .sort((a, b) => a.timeMs - b.timeMs);
    this.frontier = {
      timeMs: config.startTimeMs,
      counters: { ...this.constants.initialCounters },
      blockStartImportKwh: this.constants.initialCounters.importKwh,
      demandKw: 0,
      maxDemandKw: 0,
    };
    this.checkpoints = [copyState(this.frontier)];
  }

  /** What the meter reports at `timeMs` (its last refresh at or before that time). */
  snapshotAt(timeMs: number): MeterSnapshot {
    const { startTimeMs, stepMs } = this.config;
    if (!(timeMs >= startTimeMs)) {
      throw new SimError(
        'SIM_TIME_BEFORE_START',
        `${this.config.code}: ${new Date(timeMs).toISOString()} is before the simulation start`,
      );
    }
    let refreshMs = Math.floor(timeMs / stepMs) * stepMs;
    const stale = this.staleFaults.find((f) => isActiveAt(f, refreshMs));
    if (stale) {
      // Frozen meter: keeps showing its last refresh before the fault, counters included.
      refreshMs = Math.max(startTimeMs, Math.floor((stale.startMs - 1) / stepMs) * stepMs);
    }
    if (this.snapshotCache?.timeMs === refreshMs) return this.snapshotCache;
    const snapshot = this.buildSnapshot(refreshMs);
    this.snapshotCache = snapshot;
    return snapshot;
  }

  /** Instantaneous measured values at `timeMs` with physics faults, before display faults. */
  instantAt(timeMs: number): InstantValues {
    return this.instantAtStep(Math.floor(timeMs / this.config.stepMs));
  }

  private buildSnapshot(refreshMs: number): MeterSnapshot {
    const state = this.energyStateAt(refreshMs);
    const instant = this.instantAtStep(refreshMs / this.config.stepMs);
    const counters = this.displayedCounters(state, refreshMs);
    const values = Object.freeze({ ...instant.values, ...counters });
    const extras: MeterExtras = Object.freeze({
      apparentAKva: instant.apparentPhaseKva[0],
      apparentBKva: instant.apparentPhaseKva[1],
      apparentCKva: instant.apparentPhaseKva[2],
      demandKw: state.demandKw,
      maxDemandKw: state.maxDemandKw,
    });
    return Object.freeze({ timeMs: refreshMs, values, extras });
  }

  private displayedCounters(state: EnergyState, timeMs: number): Counters {
    const out = { ...state.counters };
    for (const key of COUNTER_KEYS) {
      let offset = 0;
      for (const event of this.displayEvents) {
        if (event.timeMs > timeMs) break;
        const eventOffset = event.offsets?.[key];
        if (eventOffset !== undefined) offset = eventOffset;
      }
      out[key] = wrapCounter(state.counters[key] + offset, this.config.counterWrap[key]);
    }
    return out;
  }

  private energyStateAt(timeMs: number): EnergyState {
    if (timeMs >= this.frontier.timeMs) {
      this.advanceFrontier(timeMs);
      return this.frontier;
    }
    // Replay from the last checkpoint at or before timeMs (binary search).
    let lo = 0;
    let hi = this.checkpoints.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.checkpoints[mid]!.timeMs <= timeMs) lo = mid;
      else hi = mid - 1;
    }
    const state = copyState(this.checkpoints[lo]!);
    while (state.timeMs < timeMs) this.integrateStep(state);
    return state;
  }

  private advanceFrontier(toMs: number): void {
    const frontier = this.frontier;
    while (frontier.timeMs < toMs) {
      this.resolveDisplayEvents(frontier);
      this.integrateStep(frontier);
      if (frontier.timeMs % DEMAND_BLOCK_MS === 0) this.addCheckpoint(frontier);
    }
    this.resolveDisplayEvents(frontier);
  }

  private addCheckpoint(state: EnergyState): void {
    this.checkpoints.push(copyState(state));
    // The checkpoint that just left the dense last day survives only on a 6-hour boundary.
    const aged = this.checkpoints.length - 1 - DENSE_CHECKPOINTS;
    if (aged > 0 && this.checkpoints[aged]!.timeMs % SPARSE_CHECKPOINT_MS !== 0) this.checkpoints.splice(aged, 1);
  }

  /** Integrate one step of measured power into the counters; close demand blocks. */
  private integrateStep(state: EnergyState): void {
    const { stepMs } = this.config;
    const { powerKw, reactiveKvar } = this.instantAtStep(state.timeMs / stepMs).values;
    const hours = stepMs / MS_PER_HOUR;
    // Import when P > 0, export when P < 0; reactive import when Q > 0 (lagging), export when Q < 0.
    if (powerKw > 0) state.counters.importKwh += powerKw * hours;
    else state.counters.exportKwh -= powerKw * hours;
    if (reactiveKvar > 0) state.counters.importKvarh += reactiveKvar * hours;
    else state.counters.exportKvarh -= reactiveKvar * hours;
    state.timeMs += stepMs;
    if (state.timeMs % DEMAND_BLOCK_MS === 0) {
      // domain.md §6: demand from energy, P_avg = ΔE over the block × 4 (kWh → kW).
      state.demandKw = (state.counters.importKwh - state.blockStartImportKwh) * (MS_PER_HOUR / DEMAND_BLOCK_MS);
      state.maxDemandKw = Math.max(state.maxDemandKw, state.demandKw);
      state.blockStartImportKwh = state.counters.importKwh;
    }
  }

  /** Fix the counter offsets of rollover/replacement faults when integration reaches them. */
  private resolveDisplayEvents(frontier: EnergyState): void {
    for (const event of this.displayEvents) {
      if (event.offsets !== undefined || event.timeMs > frontier.timeMs) continue;
      const true_ = frontier.counters;
      if (isFaultKind(event.fault, 'meter_replacement')) {
        // A new meter starts from (about) zero on every register.
        event.offsets = {
          importKwh: event.fault.params.initialKwh - true_.importKwh,
          exportKwh: -true_.exportKwh,
          importKvarh: -true_.importKvarh,
          exportKvarh: -true_.exportKvarh,
        };
      } else if (isFaultKind(event.fault, 'counter_rollover')) {
        // Jump close to the register maximum so the counter wraps half-way through the fault
        // window (look-ahead integration tells how much energy flows until then).
        const key = event.fault.params.counter;
        const wrapAt = this.config.counterWrap[key];
        const halfWayMs =
          Math.ceil((frontier.timeMs + (event.fault.endMs - event.fault.startMs) / 2) / this.config.stepMs) *
          this.config.stepMs;
        const lookahead = copyState(frontier);
        while (lookahead.timeMs < halfWayMs) this.integrateStep(lookahead);
        const energy = lookahead.counters[key] - true_[key];
        // Without any flow the counter just sits a hair below its maximum.
        const margin = energy > 0 ? energy : wrapAt * 1e-9;
        event.offsets = { [key]: wrapAt - margin - true_[key] };
      }
    }
  }

  private instantAtStep(stepIndex: number): InstantValues {
    if (this.instantCache?.stepIndex === stepIndex) return this.instantCache.instant;
    const instant = this.computeInstant(stepIndex);
    this.instantCache = { stepIndex, instant };
    return instant;
  }

  private computeInstant(stepIndex: number): InstantValues {
    const { config, constants } = this;
    const timeMs = stepIndex * config.stepMs;
    const load = loadPointAt(config.profile, timeMs, stepIndex, config.calendar, constants.profileSeeds);

    // Supply voltage: site level, sag with load, slow drift, per-phase offset and noise.
    const common =
      constants.siteVoltageOffset -
      VOLTAGE_DROP_AT_FULL_LOAD * Math.min(load.loadFraction, 1.2) +
      0.01 * smoothNoiseAt(constants.voltageSeed, timeMs, MS_PER_HOUR);
    const noise = [
      0.002 * signedAt(constants.voltagePhaseSeeds[0], stepIndex),
      0.002 * signedAt(constants.voltagePhaseSeeds[1], stepIndex),
      0.002 * signedAt(constants.voltagePhaseSeeds[2], stepIndex),
    ] as const;
    const deviation = (i: 0 | 1 | 2): number =>
      clamp(
        common + constants.phaseVoltageOffset[i] + noise[i],
        -NORMAL_VOLTAGE_DEVIATION_MAX,
        NORMAL_VOLTAGE_DEVIATION_MAX,
      );
    const un = this.nominalPhaseV;
    const frequencyHz =
      config.frequencyHz +
      clamp(
        0.04 * smoothNoiseAt(constants.frequencySlowSeed, timeMs, 10 * 60_000) +
          0.005 * signedAt(constants.frequencyFastSeed, stepIndex),
        -FREQUENCY_WANDER_MAX_HZ,
        FREQUENCY_WANDER_MAX_HZ,
      );
    const phi = (i: 0 | 1 | 2): number => Math.acos(clamp(load.pf + constants.phasePfOffset[i], 0.3, 0.999));

    const operating: OperatingState = {
      totalKw: load.loadFraction * config.ratedKw,
      phaseShare: [constants.phaseShare[0], constants.phaseShare[1], constants.phaseShare[2]],
      phiRad: [phi(0), phi(1), phi(2)],
      supplyVoltageV: [un * (1 + deviation(0)), un * (1 + deviation(1)), un * (1 + deviation(2))],
    };
    const measurement: MeasurementState = {
      voltageV: [0, 0, 0],
      currentA: [0, 0, 0],
      phiRad: [0, 0, 0],
    };
    const state = { operating, measurement };
    const active = this.physicsFaults.filter((f) => isActiveAt(f, timeMs));
    const ctx: FaultContext = {
      nominalPhaseV: un,
      ratedKw: config.ratedKw,
      contractedKva: config.contractedKva,
      voltageNoise: noise,
    };
    applyFaultStage('load', active, state, ctx);
    applyFaultStage('supply', active, state, ctx);
    for (const i of [0, 1, 2] as const) {
      const voltage = operating.supplyVoltageV[i];
      const cos = Math.cos(operating.phiRad[i]);
      const phaseKw = (operating.totalKw * operating.phaseShare[i]) / 3;
      measurement.voltageV[i] = voltage;
      measurement.phiRad[i] = operating.phiRad[i];
      // Constant-power load: I = P / (V · cos φ).
      measurement.currentA[i] = voltage > 1 && cos > 1e-3 ? (phaseKw * 1000) / (voltage * cos) : 0;
    }
    applyFaultStage('measurement', active, state, ctx);
    return computeThreePhase(
      [
        { voltageV: measurement.voltageV[0], currentA: measurement.currentA[0], phiRad: measurement.phiRad[0] },
        { voltageV: measurement.voltageV[1], currentA: measurement.currentA[1], phiRad: measurement.phiRad[1] },
        { voltageV: measurement.voltageV[2], currentA: measurement.currentA[2], phiRad: measurement.phiRad[2] },
      ],
      frequencyHz,
    );
  }
}
