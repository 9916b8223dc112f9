import { QUALITY, type Reading } from '../../../lib/domain/index.ts';
import type { RulesConfig } from './rules-config.ts';

// 15-minute energy blocks from cumulative counters (domain.md §6): demand = ΔE over the block
// × 4 (kWh → kW), "immune to polling jitter". The counter value at each boundary hh:00/15/30/45
// is interpolated linearly between the two readings around it when they are at most
// `demand.maxInterpolationGapS` apart; a wider gap, a counter that went backwards (wrap or
// meter replacement, domain.md §6 "never emit a negative interval") or a COUNTER_RESET flag
// leaves the block incomplete. These blocks drive alerts only; billing never uses
// interpolated values (domain.md §6).
//
// A counter may also jump forward without going backwards: a frozen meter catching up, or a
// register set close to its maximum before a wrap. Such a block's ΔE is not energy of that
// block, so each block's import energy is checked against the integral of the meter's own
// power readings over the block (P = dE/dt); a block whose counter rose more than
// `demand.counterPowerRatioMax` times that integral is dropped instead of judged.

export const COUNTER_KEYS = ['importKwh', 'exportKwh', 'importKvarh', 'exportKvarh'] as const;
export type CounterKey = (typeof COUNTER_KEYS)[number];
export type Counters = Partial<Record<CounterKey, number>>;

/** Energy of one completed block; a counter the meter does not report is absent. */
export interface EnergyBlock {
  /** epoch ms, block start (inclusive) and end (exclusive) */
  startMs: number;
  endMs: number;
  deltas: Counters;
}

/** Serialisable memory between readings of one meter. */
export interface EnergyBlockMemory {
  prev: { ts: number; counters: Counters; powerKw?: number } | null;
  /**
   * ∫P dt from the boundary to `prev`, kWh, from the power readings; null when an interval had
   * no power reading (the check is then skipped). Absent in checkpoints written before it existed.
   */
  powerKwhSinceBoundary?: number | null;
  /** counters interpolated at the most recent block boundary reached */
  boundary: { atMs: number; counters: Counters } | null;
  /** the last completed block; rules keep using it until the next one completes */
  lastBlock: EnergyBlock | null;
}

export const EMPTY_ENERGY_MEMORY: EnergyBlockMemory = {
  prev: null,
  boundary: null,
  lastBlock: null,
  powerKwhSinceBoundary: null,
};

/** Energy of a straight line of power from (t0, p0) to (t1, p1), between a and b (ms), kWh. */
function trapezoidKwh(t0: number, p0: number, t1: number, p1: number, a: number, b: number): number {
  const at = (t: number) => (t1 === t0 ? p1 : p0 + ((p1 - p0) * (t - t0)) / (t1 - t0));
  return (((at(a) + at(b)) / 2) * (b - a)) / 3_600_000;
}

function countersOf(reading: Reading): Counters {
  const out: Counters = {};
  for (const k of COUNTER_KEYS) {
    const v = reading.values[k];
    if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
  }
  return out;
}

function interpolate(a: Counters, aTs: number, b: Counters, bTs: number, atMs: number): Counters {
  const f = bTs === aTs ? 1 : (atMs - aTs) / (bTs - aTs);
  const out: Counters = {};
  for (const k of COUNTER_KEYS) {
    const x = a[k];
    const y = b[k];
    if (x !== undefined && y !== undefined) out[k] = x + (y - x) * f;
  }
  return out;
}

/**
 * Feed one reading (in timestamp order); returns the new memory and the block completed by
 * this reading, if any.
 */
export function advanceEnergyBlocks(
  memory: EnergyBlockMemory,
  reading: Reading,
  config: RulesConfig,
  /** the meter's base power (kW): sets the slack for counter resolution in the power check */
  basePowerKw = 0,
): { memory: EnergyBlockMemory; completed: EnergyBlock | null } {
  const blockMs = config.demand.blockMinutes * 60_000;
  const ts = reading.ts.getTime();
  const counters = countersOf(reading);
  const boundaryAtOrBefore = Math.floor(ts / blockMs) * blockMs;
  const reset = (reading.quality & QUALITY.COUNTER_RESET) !== 0;
  let { boundary, lastBlock } = memory;
  let completed: EnergyBlock | null = null;

  if (Object.keys(counters).length === 0) {
    return { memory: { ...memory, boundary, lastBlock }, completed };
  }
  const prev = memory.prev;
  const powerKw = typeof reading.values.powerKw === 'number' ? reading.values.powerKw : undefined;
  // power integral since the boundary, up to this reading (or up to a boundary crossed on the way)
  let integral = memory.powerKwhSinceBoundary ?? null;
  const segment = (a: number, b: number): number | null =>
    prev && prev.powerKw !== undefined && powerKw !== undefined
      ? trapezoidKwh(prev.ts, prev.powerKw, ts, powerKw, a, b)
      : null;
  if (prev === null || reset) {
    // first counters seen (or a fresh series after a reset): only a reading exactly on a
    // boundary starts a block
    boundary = ts === boundaryAtOrBefore ? { atMs: ts, counters } : null;
    integral = 0;
  } else if (boundaryAtOrBefore > prev.ts) {
    // crossed at least one boundary since the previous reading
    const closeEnough = ts - prev.ts <= config.demand.maxInterpolationGapS * 1000;
    const wentBack = COUNTER_KEYS.some((k) => {
      const x = prev.counters[k];
      const y = counters[k];
      return x !== undefined && y !== undefined && y < x;
    });
    if (!closeEnough || wentBack) {
      boundary = null;
      integral = null;
    } else {
      const atBoundary = interpolate(prev.counters, prev.ts, counters, ts, boundaryAtOrBefore);
      if (boundary && boundary.atMs === boundaryAtOrBefore - blockMs) {
        const deltas: Counters = {};
        for (const k of COUNTER_KEYS) {
          const x = boundary.counters[k];
          const y = atBoundary[k];
          if (x !== undefined && y !== undefined && y >= x) deltas[k] = y - x;
        }
        const before = segment(prev.ts, boundaryAtOrBefore);
        const powerKwh = integral !== null && before !== null ? integral + before : null;
        if (consistentWithPower(deltas.importKwh, powerKwh, basePowerKw * (blockMs / 3_600_000), config)) {
          completed = { startMs: boundary.atMs, endMs: boundaryAtOrBefore, deltas };
          lastBlock = completed;
        } else {
          lastBlock = null;
        }
      }
      boundary = { atMs: boundaryAtOrBefore, counters: atBoundary };
      integral = segment(boundaryAtOrBefore, ts);
    }
  } else {
    const part = segment(prev.ts, ts);
    integral = integral !== null && part !== null ? integral + part : null;
  }
  return {
    memory: {
      prev: { ts, counters, ...(powerKw !== undefined ? { powerKw } : {}) },
      boundary,
      lastBlock,
      powerKwhSinceBoundary: integral,
    },
    completed,
  };
}

/**
 * Does the counter's rise fit the power the meter measured? Unknown power (null) or a block
 * too small to judge against counter resolution passes.
 */
function consistentWithPower(
  importKwh: number | undefined,
  powerKwh: number | null,
  blockBaseKwh: number,
  config: RulesConfig,
): boolean {
  if (importKwh === undefined || powerKwh === null) return true;
  const slackKwh = (blockBaseKwh * config.demand.counterSlackPctOfBase) / 100;
  return importKwh <= Math.max(powerKwh, 0) * config.demand.counterPowerRatioMax + slackKwh;
}

/** The last completed block if it is the one just before the reading's block, else null. */
export function currentBlock(memory: EnergyBlockMemory, ts: number, config: RulesConfig): EnergyBlock | null {
  const b = memory.lastBlock;
  if (!b) return null;
  const blockMs = config.demand.blockMinutes * 60_000;
  return ts >= b.endMs && ts < b.endMs + blockMs ? b : null;
}
