import { z } from 'zod';
import { parseOrThrow } from '../../../lib/domain/index.ts';
import { OutageError } from './errors.ts';
import { computeSupplyReliability, type SupplyReliabilityResult } from '../../reports/core/index.ts';
import { clip, subtractIntervals, type TimeInterval, totalMs, unionIntervals } from './intervals.ts';
import type { PlannedOutage } from './outage.ts';

/**
 * Planned or unplanned: a supply interruption (the meter's power-down, all phases without
 * voltage and current, domain.md §10) is planned for the part that lies in a planned outage
 * window of an outage that names the account, and unplanned for the rest; domain.md §10 counts
 * the two apart for supply reliability.
 *
 * The edges have a tolerance (default 15 min, one demand block: switching takes minutes and
 * meter clocks drift): a power-down that starts up to the tolerance before the window, or ends
 * up to the tolerance after it, is planned from its start or to its end. Beyond the tolerance
 * the tolerance does not stretch the window: a power-down that overruns by more than it is
 * planned up to the window's end and unplanned after — the overrun is the unplanned part.
 */
export const classifyOptionsSchema = z.object({
  toleranceMs: z
    .number()
    .int()
    .min(0)
    .max(6 * 3_600_000)
    .default(15 * 60_000),
});
export type ClassifyOptionsInput = z.input<typeof classifyOptionsSchema>;

export interface PowerDown {
  accountId: number;
  start: number;
  /** null while the supply is still off */
  end: number | null;
}

export interface InterruptionSegment {
  start: number;
  end: number;
  kind: 'planned' | 'unplanned';
  /** the outages whose windows cover a planned segment */
  outageIds: string[];
}

export interface ClassifiedInterruption {
  accountId: number;
  start: number;
  end: number;
  /** the end is the evaluation time, not a restoration */
  ongoing: boolean;
  segments: InterruptionSegment[];
  plannedMinutes: number;
  unplannedMinutes: number;
}

function parseOptions(options: ClassifyOptionsInput) {
  return parseOrThrow(classifyOptionsSchema, options, (issues) => new OutageError(issues), { under: 'options' });
}

/** The part of `interval` that one planned window covers, with the edge tolerance above. */
function plannedPart(interval: TimeInterval, window: TimeInterval, toleranceMs: number): TimeInterval | null {
  if (interval.end <= window.start - toleranceMs || interval.start >= window.end + toleranceMs) return null;
  const start = interval.start >= window.start - toleranceMs ? interval.start : window.start;
  const end = interval.end <= window.end + toleranceMs ? interval.end : window.end;
  return end > start ? { start, end } : null;
}

/** True when the interval lies inside the window, edges widened by the tolerance. */
export function isWithinPlannedWindow(
  interval: TimeInterval,
  window: TimeInterval,
  options: ClassifyOptionsInput = {},
): boolean {
  const { toleranceMs } = parseOptions(options);
  return interval.start >= window.start - toleranceMs && interval.end <= window.end + toleranceMs;
}

export function classifyInterruption(
  powerDown: PowerDown,
  outages: readonly PlannedOutage[],
  nowMs: number,
  options: ClassifyOptionsInput = {},
): ClassifiedInterruption {
  const { toleranceMs } = parseOptions(options);
  if (!Number.isFinite(powerDown.start)) throw new OutageError('powerDown.start', 'must be epoch milliseconds');
  const ongoing = powerDown.end === null;
  const end = powerDown.end ?? nowMs;
  if (!Number.isFinite(end) || end < powerDown.start) {
    throw new OutageError(ongoing ? 'nowMs' : 'powerDown.end', 'must not be before powerDown.start');
  }
  const interval = { start: powerDown.start, end };
  const parts = outages
    .filter((o) => o.accountIds.includes(powerDown.accountId))
    .flatMap((o) => {
      const part = plannedPart(interval, o.window, toleranceMs);
      return part ? [{ ...part, outageId: o.id }] : [];
    });
  const planned = unionIntervals(parts).map((p): InterruptionSegment => ({
    ...p,
    kind: 'planned',
    outageIds: [...new Set(parts.filter((x) => x.start < p.end && x.end > p.start).map((x) => x.outageId))].sort(),
  }));
  const unplanned = subtractIntervals(interval, planned).map((u): InterruptionSegment => ({
    ...u,
    kind: 'unplanned',
    outageIds: [],
  }));
  const segments = [...planned, ...unplanned].sort((a, b) => a.start - b.start);
  return {
    accountId: powerDown.accountId,
    start: powerDown.start,
    end,
    ongoing,
    segments,
    plannedMinutes: totalMs(planned) / 60_000,
    unplannedMinutes: totalMs(unplanned) / 60_000,
  };
}

/**
 * Supply reliability of one account over a period (domain.md §10) from its classified
 * interruptions: RS-1 is computed by the report formulas (`computeSupplyReliability`, the one
 * home of RS-1), which clip to the period and count overlapping records (two meters of one
 * account seeing the same interruption) once. What this adds is the classification of a minute
 * that one record calls planned and another unplanned: it is planned (it lies in an announced
 * window, and only one of the records overran it), so planned + unplanned minutes = all minutes.
 */
export function summarizeSupplyReliability(
  interruptions: readonly ClassifiedInterruption[],
  period: TimeInterval,
): SupplyReliabilityResult {
  if (!(period.end > period.start)) throw new OutageError('period.end', 'must be after period.start');
  const segments = (kind: InterruptionSegment['kind']) =>
    interruptions.flatMap((i) => i.segments.filter((s) => s.kind === kind)).flatMap((s) => clip(s, period) ?? []);
  const planned = unionIntervals(segments('planned'));
  const unplanned = unionIntervals(segments('unplanned')).flatMap((u) => subtractIntervals(u, planned));
  const toInterruption = (planned: boolean) => (i: TimeInterval) => ({ startMs: i.start, endMs: i.end, planned });
  return computeSupplyReliability([...planned.map(toInterruption(true)), ...unplanned.map(toInterruption(false))], {
    fromMs: period.start,
    toMs: period.end,
  });
}
