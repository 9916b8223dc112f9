import { describe, expect, it } from 'vitest';
import {
  computeAlertHandlingTimes,
  computeRevisitStats,
  percentileNearestRank,
} from '../../../../services/reports/core/index.ts';
import { fieldOf } from '../../../support/thrown.ts';

const MIN = 60_000;
const T0 = Date.parse('2025-04-01T00:00:00+08:00');

describe('percentile by nearest rank: sorted[⌈p/100 × n⌉ − 1]', () => {
  it('p90 of 1…10 is 9, of 1…20 is 18, of one value that value, of [5, 1, 3] 5 (⌈2.7⌉ = 3rd)', () => {
    const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(percentileNearestRank(range(10), 90)).toBe(9);
    expect(percentileNearestRank(range(20), 90)).toBe(18);
    expect(percentileNearestRank([42], 90)).toBe(42);
    expect(percentileNearestRank([5, 1, 3], 90)).toBe(5);
    expect(percentileNearestRank([], 90)).toBeNull();
  });
});

describe('alert handling times', () => {
  const alert = (kind: string, ackMin: number | null, resMin: number | null) => ({
    kind,
    openedAtMs: T0,
    acknowledgedAtMs: ackMin === null ? null : T0 + ackMin * MIN,
    resolvedAtMs: resMin === null ? null : T0 + resMin * MIN,
  });

  it('mean and p90 of time to acknowledge and to resolve, per kind and overall', () => {
    const alerts = [
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((m) => alert('over_voltage', m, m * 10)),
      alert('phase_break', 30, null),
      alert('phase_break', null, null),
    ];
    const r = computeAlertHandlingTimes(alerts);
    expect(r.byKind.over_voltage).toEqual({
      alerts: 10,
      timeToAcknowledge: { count: 10, meanMinutes: 5.5, p90Minutes: 9 },
      timeToResolve: { count: 10, meanMinutes: 55, p90Minutes: 90 },
      unhandled: 0,
    });
    expect(r.byKind.phase_break).toEqual({
      alerts: 2,
      timeToAcknowledge: { count: 1, meanMinutes: 30, p90Minutes: 30 },
      timeToResolve: { count: 0, meanMinutes: null, p90Minutes: null },
      unhandled: 1,
    });
    // overall acknowledgements: 1…10 and 30 → mean 85/11, p90 = ⌈9.9⌉ = 10th = 10
    expect(r.overall.timeToAcknowledge).toEqual({ count: 11, meanMinutes: 7.727273, p90Minutes: 10 });
    expect(Object.keys(r.byKind)).toEqual(['over_voltage', 'phase_break']);
  });

  it('refuses an acknowledgement before the alert opened', () => {
    expect(fieldOf(() => computeAlertHandlingTimes([alert('x', -1, null)]))).toBe('alerts[0].acknowledgedAtMs');
  });
});

describe('revisit rate = revisits done / revisits due (target 100 %, domain.md §11) and satisfaction', () => {
  const window = { fromMs: T0, toMs: T0 + 30 * 1440 * MIN };
  const revisit = (dueDay: number, doneDay: number | null, satisfaction: number | null = null) => ({
    dueAtMs: T0 + dueDay * 1440 * MIN,
    doneAtMs: doneDay === null ? null : T0 + doneDay * 1440 * MIN,
    satisfaction,
  });

  it('4 due in the month, 3 done (one late), scores 5, 4, 3 → 75 %, 50 % on time, mean 4', () => {
    const r = computeRevisitStats(
      [revisit(1, 1, 5), revisit(5, 4, 4), revisit(10, 12, 3), revisit(29, null), revisit(31, 31, 1)],
      window,
    );
    expect(r).toEqual({
      due: 4,
      done: 3,
      doneOnTime: 2,
      revisitRatePct: 75,
      onTimeRatePct: 50,
      satisfactionResponses: 3,
      meanSatisfaction: 4,
    });
  });

  it('nothing due: no rate', () => {
    expect(computeRevisitStats([], window)).toMatchObject({ due: 0, revisitRatePct: null, meanSatisfaction: null });
  });

  it('refuses a score off the scale', () => {
    expect(fieldOf(() => computeRevisitStats([revisit(1, 1, 6)], window))).toBe('revisits[0].satisfaction');
  });
});
