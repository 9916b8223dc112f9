import { describe, expect, it } from 'vitest';
import {
  assessOrderExecution,
  computeAccountCaps,
  evaluateCompliance,
  type IntervalEnergy,
  parseCurtailmentOrder,
} from '../../../../services/orderly/core/index.ts';

const Q = 900_000;
/** 2024-07-16 10:00 Beijing; the window runs 10:00–12:00, eight intervals. */
const T0 = Date.parse('2024-07-16T02:00:00Z');
const window = { start: T0, end: T0 + 8 * Q };
const order = parseCurtailmentOrder({
  id: 'JS-0716-01',
  targets: { kind: 'accounts', accountIds: [1, 2, 3] },
  window: { start: '2024-07-16T10:00:00+08:00', end: '2024-07-16T12:00:00+08:00' },
  limit: { kind: 'cap', capKw: 800 },
  warningLevel: 'yellow',
  measure: 'curtail',
});
const baseline = (kw: number) => Array.from({ length: 8 }, (_, i) => ({ start: T0 + i * Q, kw }));
const capsFor = (accountId: number, baselineKw = 1000) =>
  computeAccountCaps({ accountId, limit: { kind: 'cap', capKw: 800 }, window, baselineKw: baseline(baselineKw) });
/** Energy per interval from demands in kW (null = incomplete). */
const energyOf = (demandsKw: (number | null)[]): IntervalEnergy[] =>
  demandsKw.map((kw, i) => ({ start: T0 + i * Q, energyKwh: kw === null ? null : kw / 4 }));

const judge = (demandsKw: (number | null)[], nowMs = window.end) =>
  evaluateCompliance({ orderId: order.id, caps: capsFor(1), energy: energyOf(demandsKw), nowMs, tolerancePct: 5 });

describe('interval compliance: 15-minute demand from energy vs cap with tolerance (domain.md §6, §7)', () => {
  it('demand = energy × 4; compliant up to cap × 1.05, with the shortfall above the cap', () => {
    const r = judge([800, 840, 840.4, 700]);
    expect(r.intervals.slice(0, 4).map((v) => [v.demandKw, v.status])).toEqual([
      [800, 'compliant'],
      [840, 'compliant'],
      [840.4, 'non_compliant'],
      [700, 'compliant'],
    ]);
    expect(r.intervals[1]).toMatchObject({ capKw: 800, limitKw: 840, shortfallKw: 40 });
    expect(r.intervals[2]!.shortfallKw).toBeCloseTo(40.4, 9);
    expect(r.intervals[3]!.shortfallKw).toBe(0);
  });

  it('calls an incomplete or missing interval unknown, never compliant, and a running one pending', () => {
    const r = judge([700, null], T0 + 3 * Q + 60_000);
    expect(r.intervals.slice(0, 4).map((v) => v.status)).toEqual(['compliant', 'unknown', 'unknown', 'pending']);
    expect(r.counts).toEqual({ compliant: 1, non_compliant: 0, unknown: 2, pending: 5 });
  });
});

describe('account state: non-compliant after two consecutive non-compliant intervals', () => {
  it('one overshoot is not enough; the second makes it non-compliant since the first', () => {
    expect(judge([900, 700, 900, 700]).transitions).toEqual([]);
    const r = judge([700, 900, 950, 900, 700]);
    expect(r.transitions).toEqual([
      {
        kind: 'non_compliant',
        orderId: 'JS-0716-01',
        accountId: 1,
        since: T0 + Q,
        at: T0 + 3 * Q,
        key: `JS-0716-01:1:non_compliant:${T0 + Q}`,
      },
      {
        kind: 'recovered',
        orderId: 'JS-0716-01',
        accountId: 1,
        since: T0 + 4 * Q,
        at: T0 + 5 * Q,
        key: `JS-0716-01:1:recovered:${T0 + 4 * Q}`,
      },
    ]);
    expect(r.state).toBe('compliant');
  });

  it('an unknown interval breaks a run, and keeps a non-compliant account non-compliant', () => {
    expect(judge([900, null, 900]).transitions).toEqual([]);
    const r = judge([900, 900, null, null, 900]);
    expect(r.transitions.map((t) => t.kind)).toEqual(['non_compliant']);
    expect(r.state).toBe('non_compliant');
    expect(r.nonCompliantSince).toBe(T0);
  });

  it('replays to the same transitions as data arrives (live use)', () => {
    const demands = [700, 900, 950, 700, 900, 900, 900, 700];
    const final = judge(demands).transitions;
    for (let k = 1; k <= 8; k++) {
      const partial = judge(demands.slice(0, k), T0 + k * Q).transitions;
      expect(partial).toEqual(final.filter((t) => t.at <= T0 + k * Q));
    }
    expect(final.map((t) => [t.kind, (t.since - T0) / Q])).toEqual([
      ['non_compliant', 1],
      ['recovered', 3],
      ['non_compliant', 4],
      ['recovered', 7],
    ]);
  });

  it('refuses bad energy input naming the field', () => {
    expect(() =>
      evaluateCompliance({
        orderId: 'x',
        caps: capsFor(1),
        energy: [{ start: T0, energyKwh: Number.NaN }],
        nowMs: window.end,
        tolerancePct: 5,
      }),
    ).toThrow(expect.objectContaining({ field: 'energy[0].energyKwh' }));
  });
});

describe('execution after the window (domain.md §7)', () => {
  it('degree of execution = (baseline − actual) / required reduction; execution rate = accounts that complied throughout', () => {
    const result = assessOrderExecution({
      order,
      accounts: [
        // baseline 1000, cap 800 → 200 kW required; it held 750: achieved 250, degree 1.25
        { caps: capsFor(1), energy: energyOf(Array(8).fill(750)) },
        // two intervals at 900 (non-compliant), the rest 800: mean achieved (2·100 + 6·200)/8 = 175
        { caps: capsFor(2), energy: energyOf([900, 900, 800, 800, 800, 800, 800, 800]) },
        // compliant where known, one interval incomplete: not proven
        { caps: capsFor(3, 1200), energy: energyOf([600, 600, null, 600, 600, 600, 600, 600]) },
      ],
    });
    const [a, b, c] = result.accounts;
    expect(a).toMatchObject({
      status: 'complied',
      compliedEveryInterval: true,
      degreeOfExecution: 1.25,
      meanRequiredReductionKw: 200,
    });
    expect(b).toMatchObject({ status: 'not_complied', compliedEveryInterval: false, maxShortfallKw: 100 });
    expect(b!.degreeOfExecution).toBeCloseTo(175 / 200, 12);
    expect(b!.counts).toEqual({ intervals: 8, compliant: 6, nonCompliant: 2, unknown: 0 });
    // 1200 baseline, cap 800: 400 required; 600 held: degree 1.5 over the 7 known intervals
    expect(c).toMatchObject({ status: 'unknown', intervalsAssessed: 7, degreeOfExecution: 1.5 });
    expect(result.executionRate).toBeCloseTo(1 / 3, 12);
    expect(result.totals).toMatchObject({ accounts: 3, complied: 1, notComplied: 1, unknown: 1 });
    expect(result.totals.requiredReductionKw).toBeCloseTo(200 + 200 + 400, 9);
    expect(result.totals.achievedReductionKw).toBeCloseTo(250 + 175 + 600, 9);
    expect(result.totals.degreeOfExecution).toBeCloseTo(1025 / 800, 12);
  });

  it('has no degree when nothing was required or there is no baseline, and says why', () => {
    const r = assessOrderExecution({
      order,
      accounts: [
        { caps: capsFor(1, 700), energy: energyOf(Array(8).fill(650)) },
        {
          caps: computeAccountCaps({ accountId: 2, limit: { kind: 'cap', capKw: 800 }, window }),
          energy: energyOf(Array(8).fill(650)),
        },
      ],
    });
    expect(r.accounts[0]).toMatchObject({
      status: 'complied',
      degreeOfExecution: null,
      degreeReason: expect.stringMatching(/nothing required/),
    });
    expect(r.accounts[1]).toMatchObject({
      status: 'complied',
      degreeOfExecution: null,
      degreeReason: expect.stringMatching(/no interval/),
    });
    expect(r.executionRate).toBe(1);
    expect(r.totals.degreeOfExecution).toBeNull();
  });
});
