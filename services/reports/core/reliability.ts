import { ReportInputError } from './errors.ts';
import { checkTime, checkWindow, MS_PER_MINUTE, round6, type TimeWindow } from './inputs.ts';

// Supply reliability RS-1 (domain.md §10): RS-1 = (1 − interruption minutes / period minutes)
// × 100 %. An interruption is a power-down: all phases without voltage and without current
// (a loss of voltage with current still flowing is a metering fault, not an interruption).
// Planned and unplanned interruptions are counted apart. The one home of the RS-1 computation:
// the planned-outage core (services/outages/core) classifies interruptions and calls this.

export interface Interruption {
  startMs: number;
  /** null: still going on (counted to the end of the period) */
  endMs: number | null;
  planned: boolean;
}

export interface SupplyReliabilityResult {
  periodMinutes: number;
  /** union of all interruptions, clipped to the period */
  interruptionMinutes: number;
  plannedMinutes: number;
  unplannedMinutes: number;
  /** interruptions after merging overlapping or touching ones, per class and in all */
  interruptions: number;
  plannedInterruptions: number;
  unplannedInterruptions: number;
  rs1Pct: number;
  /** RS-1 counting only the unplanned minutes (planned outages set aside) */
  rs1UnplannedOnlyPct: number;
}

interface Span {
  from: number;
  to: number;
}

/** Clip to the period and merge overlapping or touching spans. */
function mergeSpans(spans: Span[], period: TimeWindow): Span[] {
  const clipped = spans
    .map((s) => ({ from: Math.max(s.from, period.fromMs), to: Math.min(s.to, period.toMs) }))
    .filter((s) => s.to > s.from)
    .sort((a, b) => a.from - b.from);
  const merged: Span[] = [];
  for (const s of clipped) {
    const last = merged[merged.length - 1];
    if (last && s.from <= last.to) last.to = Math.max(last.to, s.to);
    else merged.push({ ...s });
  }
  return merged;
}

const minutesOf = (spans: Span[]) => spans.reduce((m, s) => m + (s.to - s.from), 0) / MS_PER_MINUTE;

/**
 * RS-1 over `period`. Interruptions are clipped to the period and overlapping ones merged (two
 * meters of one account reporting the same outage count once). A planned and an unplanned
 * interruption that overlap each count in their own class, and once in the total.
 */
export function computeSupplyReliability(
  interruptions: readonly Interruption[],
  period: TimeWindow,
): SupplyReliabilityResult {
  checkWindow(period, 'period');
  const spans = interruptions.map((it, i) => {
    checkTime(it.startMs, `interruptions[${i}].startMs`);
    if (it.endMs !== null) {
      checkTime(it.endMs, `interruptions[${i}].endMs`);
      if (it.endMs < it.startMs) throw new ReportInputError(`interruptions[${i}].endMs`, 'is before startMs');
    }
    return { from: it.startMs, to: it.endMs ?? period.toMs, planned: it.planned === true };
  });
  const all = mergeSpans(spans, period);
  const planned = mergeSpans(
    spans.filter((s) => s.planned),
    period,
  );
  const unplanned = mergeSpans(
    spans.filter((s) => !s.planned),
    period,
  );
  const periodMinutes = (period.toMs - period.fromMs) / MS_PER_MINUTE;
  const interruptionMinutes = minutesOf(all);
  const unplannedMinutes = minutesOf(unplanned);
  const rs1 = (minutes: number) => round6((1 - minutes / periodMinutes) * 100);
  return {
    periodMinutes: round6(periodMinutes),
    interruptionMinutes: round6(interruptionMinutes),
    plannedMinutes: round6(minutesOf(planned)),
    unplannedMinutes: round6(unplannedMinutes),
    interruptions: all.length,
    plannedInterruptions: planned.length,
    unplannedInterruptions: unplanned.length,
    rs1Pct: rs1(interruptionMinutes),
    rs1UnplannedOnlyPct: rs1(unplannedMinutes),
  };
}
