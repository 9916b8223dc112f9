// Interval energy from cumulative counters (domain.md §6). Pure functions: no clock, no I/O.
//
// - Interval energy = counter difference.
// - A negative difference is a counter wrap (previous value near the register's maximum) or a
//   meter replacement / reset: start a new series; never emit a negative interval.
// - A difference above rated kW × hours × 1.2 is implausible: flag it, do not bill it.

/** domain.md §6: plausibility limit is rated kW × hours × 1.2 */
export const PLAUSIBILITY_FACTOR = 1.2;
/**
 * How close to the register's maximum the previous value must be (and how close to zero the
 * new one) for a decrease to count as a rollover rather than a replacement: the last 10 % of
 * the range. A 7-digit kWh register wraps at 10,000,000; a reading of 9,200,000 followed by
 * 150 is a wrap, 5,000,000 followed by 150 is a new meter.
 */
export const ROLLOVER_WINDOW = 0.1;
/** Float counters re-read through gateways may jitter in the last digit: not a reset. */
const JITTER_RELATIVE = 1e-9;

export interface CounterSample {
  /** reading time, epoch ms */
  ts: number;
  value: number;
}

export interface IntervalEnergyOptions {
  /** primary value at which the counter wraps to 0 (counterWrapPrimary of the meter map) */
  wrapAt?: number;
  /** rated active power of the installation, kW (meters.rated_kw); no limit when absent */
  ratedKw?: number;
  plausibilityFactor?: number;
}

export type IntervalEnergy =
  /** energy of the interval, billable */
  | { kind: 'normal'; energy: number }
  /** the register wrapped; energy counts across the wrap */
  | { kind: 'rollover'; energy: number }
  /** replacement or reset: a new series starts at the current value; no interval */
  | { kind: 'reset' }
  /** difference above rated power × time × 1.2: flagged, not billed */
  | { kind: 'implausible'; energy: number; limit: number };

/** Energy between two samples of one counter (prev.ts < curr.ts). */
export function deriveIntervalEnergy(
  prev: CounterSample,
  curr: CounterSample,
  options: IntervalEnergyOptions = {},
): IntervalEnergy {
  if (!(curr.ts > prev.ts)) throw new RangeError(`samples must be in time order (prev ${prev.ts}, curr ${curr.ts})`);
  const hours = (curr.ts - prev.ts) / 3_600_000;
  const limit =
    options.ratedKw !== undefined
      ? options.ratedKw * hours * (options.plausibilityFactor ?? PLAUSIBILITY_FACTOR)
      : undefined;
  const classify = (energy: number, kind: 'normal' | 'rollover'): IntervalEnergy =>
    limit !== undefined && energy > limit ? { kind: 'implausible', energy, limit } : { kind, energy };

  let diff = curr.value - prev.value;
  if (diff < 0 && -diff <= Math.abs(prev.value) * JITTER_RELATIVE) diff = 0;
  if (diff >= 0) return classify(diff, 'normal');

  const wrapAt = options.wrapAt;
  if (
    wrapAt !== undefined &&
    prev.value >= wrapAt * (1 - ROLLOVER_WINDOW) &&
    prev.value <= wrapAt &&
    curr.value <= wrapAt * ROLLOVER_WINDOW
  ) {
    const energy = wrapAt - prev.value + curr.value;
    // A "wrap" that implies more energy than the installation can draw is a replacement.
    if (limit === undefined || energy <= limit) return { kind: 'rollover', energy };
  }
  return { kind: 'reset' };
}

export interface CounterInterval {
  from: number;
  to: number;
  result: IntervalEnergy;
}

/**
 * Intervals of a counter series in time order. Each sample after a reset starts a new series
 * (its interval reports `reset` and the next interval measures from it).
 */
export function deriveIntervals(
  samples: readonly CounterSample[],
  options: IntervalEnergyOptions = {},
): CounterInterval[] {
  const sorted = [...samples].sort((a, b) => a.ts - b.ts);
  const out: CounterInterval[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1]!;
    const curr = sorted[i]!;
    if (curr.ts === prev.ts) continue;
    out.push({ from: prev.ts, to: curr.ts, result: deriveIntervalEnergy(prev, curr, options) });
  }
  return out;
}

/** Billable energy of a series: normal and rollover intervals; resets and implausible ones excluded. */
export function billableEnergy(intervals: readonly CounterInterval[]): { energy: number; excluded: number } {
  let energy = 0;
  let excluded = 0;
  for (const { result } of intervals) {
    if (result.kind === 'normal' || result.kind === 'rollover') energy += result.energy;
    else excluded++;
  }
  return { energy, excluded };
}
