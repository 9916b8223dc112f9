import { ReportInputError } from './errors.ts';
import { checkTime, checkWindow, MS_PER_MINUTE, pct, round6, type TimeWindow } from './inputs.ts';

// Service figures of the monthly statement: how fast alerts were handled, and the revisits
// after faults with the customers' satisfaction (domain.md §11: revisit after every fault,
// revisit rate target 100 %).

/**
 * p-th percentile by the nearest-rank method: the smallest value such that at least p % of the
 * values are ≤ it, i.e. sorted[⌈p/100 × n⌉ − 1]. It is always one of the observed values (no
 * interpolation), so "p90 = 42 min" means 90 % of the alerts took 42 minutes or less.
 */
export function percentileNearestRank(values: readonly number[], p: number): number | null {
  if (!(p > 0 && p <= 100)) throw new ReportInputError('p', `must be in (0, 100], got ${p}`);
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil((p / 100) * sorted.length) - 1]!;
}

export interface HandledAlert {
  kind: string;
  openedAtMs: number;
  acknowledgedAtMs: number | null;
  resolvedAtMs: number | null;
}

export interface DurationStats {
  count: number;
  meanMinutes: number | null;
  /** nearest-rank 90th percentile (see percentileNearestRank) */
  p90Minutes: number | null;
}

export interface AlertHandlingStats {
  alerts: number;
  /** from opening to acknowledgement, over the acknowledged alerts */
  timeToAcknowledge: DurationStats;
  /** from opening to resolution, over the resolved alerts */
  timeToResolve: DurationStats;
  /** neither acknowledged nor resolved */
  unhandled: number;
}

function durationStats(minutes: number[]): DurationStats {
  return {
    count: minutes.length,
    meanMinutes: minutes.length ? round6(minutes.reduce((a, b) => a + b, 0) / minutes.length) : null,
    p90Minutes: minutes.length ? round6(percentileNearestRank(minutes, 90)!) : null,
  };
}

/** Alert handling times for all alerts and per kind (kinds in name order). */
export function computeAlertHandlingTimes(alerts: readonly HandledAlert[]): {
  overall: AlertHandlingStats;
  byKind: Record<string, AlertHandlingStats>;
} {
  type Acc = { alerts: number; ack: number[]; res: number[]; unhandled: number };
  const newAcc = (): Acc => ({ alerts: 0, ack: [], res: [], unhandled: 0 });
  const overall = newAcc();
  const kinds = new Map<string, Acc>();
  alerts.forEach((a, i) => {
    const field = `alerts[${i}]`;
    checkTime(a.openedAtMs, `${field}.openedAtMs`);
    const later = (t: number | null, name: string) => {
      if (t === null) return null;
      checkTime(t, `${field}.${name}`);
      if (t < a.openedAtMs) throw new ReportInputError(`${field}.${name}`, 'is before openedAtMs');
      return (t - a.openedAtMs) / MS_PER_MINUTE;
    };
    const ack = later(a.acknowledgedAtMs, 'acknowledgedAtMs');
    const res = later(a.resolvedAtMs, 'resolvedAtMs');
    let acc = kinds.get(a.kind);
    if (!acc) kinds.set(a.kind, (acc = newAcc()));
    for (const x of [overall, acc]) {
      x.alerts++;
      if (ack !== null) x.ack.push(ack);
      if (res !== null) x.res.push(res);
      if (ack === null && res === null) x.unhandled++;
    }
  });
  const stats = (x: Acc): AlertHandlingStats => ({
    alerts: x.alerts,
    timeToAcknowledge: durationStats(x.ack),
    timeToResolve: durationStats(x.res),
    unhandled: x.unhandled,
  });
  return {
    overall: stats(overall),
    byKind: Object.fromEntries([...kinds.keys()].sort().map((k) => [k, stats(kinds.get(k)!)])),
  };
}

export interface Revisit {
  /** when the revisit was due (e.g. fault resolved + 1/3/7 days by tier, domain.md §11) */
  dueAtMs: number;
  doneAtMs: number | null;
  /** the customer's score, when given */
  satisfaction: number | null;
}

export interface RevisitStats {
  /** revisits due in the window */
  due: number;
  /** of those, done (at any time) */
  done: number;
  /** of those, done by their due time */
  doneOnTime: number;
  /** done / due × 100 (target 100 %); null when none was due */
  revisitRatePct: number | null;
  onTimeRatePct: number | null;
  satisfactionResponses: number;
  /** mean of the scores given on revisits due in the window */
  meanSatisfaction: number | null;
}

/**
 * Revisit rate = revisits done / revisits due, over revisits due in `window`, and the mean
 * satisfaction score. Scores must lie on the scale (default 1–5).
 */
export function computeRevisitStats(
  revisits: readonly Revisit[],
  window: TimeWindow,
  scale: { min: number; max: number } = { min: 1, max: 5 },
): RevisitStats {
  checkWindow(window, 'window');
  if (!(scale.min < scale.max)) throw new ReportInputError('scale', 'min must be below max');
  let due = 0;
  let done = 0;
  let onTime = 0;
  const scores: number[] = [];
  revisits.forEach((r, i) => {
    checkTime(r.dueAtMs, `revisits[${i}].dueAtMs`);
    if (r.doneAtMs !== null) checkTime(r.doneAtMs, `revisits[${i}].doneAtMs`);
    if (r.satisfaction !== null && !(r.satisfaction >= scale.min && r.satisfaction <= scale.max))
      throw new ReportInputError(
        `revisits[${i}].satisfaction`,
        `must be on the scale ${scale.min}–${scale.max}, got ${r.satisfaction}`,
      );
    if (r.dueAtMs < window.fromMs || r.dueAtMs >= window.toMs) return;
    due++;
    if (r.doneAtMs !== null) {
      done++;
      if (r.doneAtMs <= r.dueAtMs) onTime++;
    }
    if (r.satisfaction !== null) scores.push(r.satisfaction);
  });
  return {
    due,
    done,
    doneOnTime: onTime,
    revisitRatePct: pct(done, due),
    onTimeRatePct: pct(onTime, due),
    satisfactionResponses: scores.length,
    meanSatisfaction: scores.length ? round6(scores.reduce((a, b) => a + b, 0) / scores.length) : null,
  };
}
