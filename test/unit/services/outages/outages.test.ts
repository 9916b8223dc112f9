import { describe, expect, it } from 'vitest';
import {
  classifyInterruption,
  isWithinPlannedWindow,
  parsePlannedOutage,
  planOutageNotices,
  subtractIntervals,
  summarizeSupplyReliability,
  unionIntervals,
} from '../../../../services/outages/core/index.ts';
import { issuePaths } from '../../../support/thrown.ts';

const H = 3_600_000;
const D = 24 * H;
const MIN = 60_000;
/** Saturday 2024-07-20 08:00–16:00 Beijing. */
const START = Date.parse('2024-07-20T00:00:00Z');
const END = START + 8 * H;
const outage = parsePlannedOutage({
  id: 'PO-0720-F12',
  scope: { kind: 'feeder', id: 'F12' },
  accountIds: [5, 2, 5],
  window: { start: '2024-07-20T08:00:00+08:00', end: '2024-07-20T16:00:00+08:00' },
  reason: 'replacing the feeder breaker',
});

describe('planned outage record', () => {
  it('parses instants to epoch ms', () => {
    expect(outage.window).toEqual({ start: START, end: END });
    expect(outage.scope).toEqual({ kind: 'feeder', id: 'F12' });
  });

  it('refuses an empty or reversed window, no accounts or no reason, naming each field', () => {
    const issues = (input: unknown) => issuePaths(() => parsePlannedOutage(input), 'OUTAGE_INVALID_INPUT').sort();
    expect(
      issues({
        id: 'x',
        scope: { kind: 'line', id: 'F1' },
        accountIds: [],
        window: { start: '2024-07-20T16:00:00+08:00', end: '2024-07-20T08:00:00+08:00' },
        reason: ' ',
      }),
    ).toEqual(['accountIds', 'reason', 'scope.kind']);
    expect(
      issues({
        id: 'x',
        scope: { kind: 'feeder', id: 'F1' },
        accountIds: [1],
        window: { start: '2024-07-20T16:00:00+08:00', end: '2024-07-20T08:00:00+08:00' },
        reason: 'r',
      }),
    ).toEqual(['window.end']);
    expect(
      issues({
        id: 'x',
        scope: { kind: 'substation', id: 'S1' },
        accountIds: [1],
        window: { start: '2024-07-20T08:00:00+08:00', end: 'soon' },
        reason: 'r',
      }),
    ).toEqual(['window.end']);
  });
});

describe('notice schedule (domain.md §11: planned outages announced 7 days ahead; reminder 24 h before)', () => {
  it('schedules a notice 7 days and one 24 h before the start, to every affected account once', () => {
    const notices = planOutageNotices(outage, START - 10 * D);
    expect(notices.map((n) => [n.sendAt, n.dueAt, n.late, n.leadTimesMs])).toEqual([
      [START - 7 * D, START - 7 * D, false, [7 * D]],
      [START - D, START - D, false, [D]],
    ]);
    expect(notices[0]!.recipients).toEqual([2, 5]);
    expect(notices[0]!.key).toBe(`PO-0720-F12:${START}:${7 * D}`);
  });

  it('sends an overdue notice at once, flagged late, and keeps the reminder', () => {
    const recorded = START - 3 * D;
    expect(planOutageNotices(outage, recorded).map((n) => [n.sendAt, n.late, n.leadTimesMs])).toEqual([
      [recorded, true, [7 * D]],
      [START - D, false, [D]],
    ]);
  });

  it('collapses several overdue notices into one late notice; none after the outage ended', () => {
    const recorded = START - 2 * H;
    const [only, ...rest] = planOutageNotices(outage, recorded);
    expect(rest).toEqual([]);
    expect(only).toMatchObject({ sendAt: recorded, late: true, leadTimesMs: [7 * D, D], dueAt: START - D });
    expect(only!.key).toBe(`PO-0720-F12:${START}:late`);
    expect(planOutageNotices(outage, START + H)).toHaveLength(1);
    expect(planOutageNotices(outage, END)).toEqual([]);
  });

  it('a notice due exactly when the outage is recorded is on time', () => {
    expect(planOutageNotices(outage, START - 7 * D)[0]).toMatchObject({ sendAt: START - 7 * D, late: false });
  });

  it('takes other lead times', () => {
    expect(planOutageNotices(outage, START - 10 * D, { leadTimesMs: [3 * D] }).map((n) => n.sendAt)).toEqual([
      START - 3 * D,
    ]);
    expect(() => planOutageNotices(outage, START, { leadTimesMs: [] })).toThrow(
      expect.objectContaining({ field: 'options.leadTimesMs' }),
    );
  });
});

describe('planned or unplanned (domain.md §10: counted apart)', () => {
  const tol = { toleranceMs: 15 * MIN };

  it('a power-down inside the window, or off by less than the tolerance at an edge, is planned', () => {
    expect(isWithinPlannedWindow({ start: START + H, end: END - H }, outage.window)).toBe(true);
    expect(isWithinPlannedWindow({ start: START - 10 * MIN, end: END + 14 * MIN }, outage.window, tol)).toBe(true);
    expect(isWithinPlannedWindow({ start: START - 16 * MIN, end: END }, outage.window, tol)).toBe(false);
    expect(isWithinPlannedWindow({ start: START, end: END + 16 * MIN }, outage.window, { toleranceMs: 0 })).toBe(false);
    const c = classifyInterruption({ accountId: 5, start: START - 10 * MIN, end: END + 5 * MIN }, [outage], END + H);
    expect(c.segments).toEqual([
      { start: START - 10 * MIN, end: END + 5 * MIN, kind: 'planned', outageIds: ['PO-0720-F12'] },
    ]);
    expect(c.unplannedMinutes).toBe(0);
  });

  it('the part of a power-down beyond the window is unplanned, when it overruns by more than the tolerance', () => {
    const c = classifyInterruption({ accountId: 2, start: START, end: END + 2 * H }, [outage], END + 3 * H);
    expect(c.segments.map((s) => [s.kind, (s.start - START) / H, (s.end - START) / H])).toEqual([
      ['planned', 0, 8],
      ['unplanned', 8, 10],
    ]);
    expect([c.plannedMinutes, c.unplannedMinutes]).toEqual([480, 120]);
  });

  it('an early start beyond the tolerance is unplanned until the window opens', () => {
    const c = classifyInterruption({ accountId: 2, start: START - H, end: START + H }, [outage], END);
    expect(c.segments.map((s) => [s.kind, (s.start - START) / MIN, (s.end - START) / MIN])).toEqual([
      ['unplanned', -60, 0],
      ['planned', 0, 60],
    ]);
  });

  it('is unplanned for an account the outage does not name, or outside every window', () => {
    expect(classifyInterruption({ accountId: 9, start: START, end: START + H }, [outage], END).segments[0]!.kind).toBe(
      'unplanned',
    );
    const later = classifyInterruption({ accountId: 5, start: END + H, end: END + 2 * H }, [outage], END + 3 * H);
    expect(later.segments).toEqual([{ start: END + H, end: END + 2 * H, kind: 'unplanned', outageIds: [] }]);
  });

  it('classifies a power-down still going on up to the evaluation time', () => {
    const c = classifyInterruption({ accountId: 5, start: START + H, end: null }, [outage], END + 30 * MIN);
    expect(c.ongoing).toBe(true);
    expect(c.end).toBe(END + 30 * MIN);
    expect([c.plannedMinutes, c.unplannedMinutes]).toEqual([7 * 60, 30]);
  });

  it('joins back-to-back outages into one planned stretch naming both', () => {
    const second = parsePlannedOutage({
      id: 'PO-0720-F12-b',
      scope: { kind: 'feeder', id: 'F12' },
      accountIds: [5],
      window: { start: '2024-07-20T16:00:00+08:00', end: '2024-07-20T18:00:00+08:00' },
      reason: 'testing',
    });
    const c = classifyInterruption({ accountId: 5, start: START, end: END + 2 * H }, [outage, second], END + 3 * H);
    expect(c.segments).toEqual([
      { start: START, end: END + 2 * H, kind: 'planned', outageIds: ['PO-0720-F12', 'PO-0720-F12-b'] },
    ]);
  });
});

describe('supply reliability RS-1 = (1 − interruption minutes / period minutes) × 100 (domain.md §10)', () => {
  it('counts planned and unplanned minutes apart over a period, once each', () => {
    const c = classifyInterruption({ accountId: 2, start: START, end: END + 2 * H }, [outage], END + 3 * H);
    const july = { start: Date.parse('2024-06-30T16:00:00Z'), end: Date.parse('2024-07-31T16:00:00Z') };
    const r = summarizeSupplyReliability([c, c], july);
    const minutes = 31 * 24 * 60;
    // RS-1 comes from computeSupplyReliability (services/reports/core), to 6 decimals
    expect(r).toEqual({
      periodMinutes: minutes,
      plannedMinutes: 480,
      unplannedMinutes: 120,
      interruptionMinutes: 600,
      interruptions: 1,
      plannedInterruptions: 1,
      unplannedInterruptions: 1,
      rs1Pct: 98.655914, // (1 − 600 / 44,640) × 100
      rs1UnplannedOnlyPct: 99.731183, // (1 − 120 / 44,640) × 100
    });
    // clipped to the period
    expect(summarizeSupplyReliability([c], { start: START + 7 * H, end: START + 9 * H })).toMatchObject({
      plannedMinutes: 60,
      unplannedMinutes: 60,
      rs1Pct: 0,
    });
  });

  it('counts a minute planned in one record and unplanned in another as planned, once', () => {
    // two meters of account 5: one lost supply 10 min before the window (within the tolerance:
    // planned), the other 20 min before (unplanned until the window opens)
    const early = classifyInterruption({ accountId: 5, start: START - 10 * MIN, end: START + H }, [outage], END);
    const earlier = classifyInterruption({ accountId: 5, start: START - 20 * MIN, end: START + H }, [outage], END);
    const july = { start: Date.parse('2024-06-30T16:00:00Z'), end: Date.parse('2024-07-31T16:00:00Z') };
    expect(summarizeSupplyReliability([early, earlier], july)).toMatchObject({
      plannedMinutes: 70,
      unplannedMinutes: 10,
      interruptionMinutes: 80,
    });
  });

  it('has sound interval arithmetic', () => {
    expect(
      unionIntervals([
        { start: 5, end: 7 },
        { start: 1, end: 3 },
        { start: 3, end: 4 },
        { start: 6, end: 9 },
      ]),
    ).toEqual([
      { start: 1, end: 4 },
      { start: 5, end: 9 },
    ]);
    expect(
      subtractIntervals({ start: 0, end: 10 }, [
        { start: 2, end: 3 },
        { start: 8, end: 12 },
      ]),
    ).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 8 },
    ]);
  });
});
