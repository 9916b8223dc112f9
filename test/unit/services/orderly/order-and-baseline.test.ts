import { describe, expect, it } from 'vitest';
import { eachLocalDate, type LocalDate } from '../../../../lib/domain/index.ts';
import {
  computeAccountCaps,
  computeCurtailmentBaseline,
  type CurtailmentOrderInput,
  limitFor,
  parseCurtailmentOrder,
  resolveOrderAccounts,
} from '../../../../services/orderly/core/index.ts';
import { syntheticDayTypeOf } from '../../../support/calendars.ts';
import { issuePaths } from '../../../support/thrown.ts';

/** 2024-07-16 is a Tuesday; 10:00 in Beijing is 02:00Z. */
const at = (iso: string) => Date.parse(iso);
const baseOrder: CurtailmentOrderInput = {
  id: 'JS-2024-0716-01',
  targets: { kind: 'accounts', accountIds: [3, 1] },
  window: { start: '2024-07-16T10:00:00+08:00', end: '2024-07-16T11:00:00+08:00' },
  limit: { kind: 'reduction_pct', reductionPct: 20, reference: 'baseline' },
  warningLevel: 'orange',
  measure: 'avoid_peak',
};

const problems = (input: unknown) => issuePaths(() => parseCurtailmentOrder(input), 'ORDERLY_INVALID_INPUT');

describe('curtailment order (domain.md §7)', () => {
  it('parses an order: instants to epoch ms, tolerance 5 % by default', () => {
    const order = parseCurtailmentOrder(baseOrder);
    expect(order.window).toEqual({ start: at('2024-07-16T02:00:00Z'), end: at('2024-07-16T03:00:00Z') });
    expect(order.tolerancePct).toBe(5);
    expect(order.accountLimits).toEqual([]);
  });

  it('refuses windows off the 15-minute grid, empty or reversed, or longer than a day, naming the field', () => {
    expect(
      problems({ ...baseOrder, window: { start: '2024-07-16T10:05:00+08:00', end: '2024-07-16T11:00:00+08:00' } }),
    ).toEqual(['window.start']);
    expect(
      problems({ ...baseOrder, window: { start: '2024-07-16T10:00:00+08:00', end: '2024-07-16T10:00:00+08:00' } }),
    ).toEqual(['window.end']);
    expect(
      problems({ ...baseOrder, window: { start: '2024-07-16T11:00:00+08:00', end: '2024-07-16T10:00:00+08:00' } }),
    ).toEqual(['window.end']);
    expect(
      problems({ ...baseOrder, window: { start: '2024-07-16T10:00:00+08:00', end: '2024-07-17T10:15:00+08:00' } }),
    ).toEqual(['window.end']);
    expect(problems({ ...baseOrder, window: { start: 'tomorrow', end: '2024-07-16T10:00:00+08:00' } })).toEqual([
      'window.start',
    ]);
  });

  it('refuses a bad limit, level, measure or target list, listing every field', () => {
    expect(
      problems({
        ...baseOrder,
        targets: { kind: 'accounts', accountIds: [] },
        limit: { kind: 'reduction_pct', reductionPct: 120, reference: 'baseline' },
        warningLevel: 'purple',
        measure: 'pray',
      }).sort(),
    ).toEqual(['limit.reductionPct', 'measure', 'targets.accountIds', 'warningLevel']);
    expect(problems({ ...baseOrder, limit: { kind: 'cap', capKw: -1 } })).toEqual(['limit.capKw']);
    expect(problems({ ...baseOrder, limit: { kind: 'quota' } })).toEqual(['limit.kind']);
    expect(
      problems({
        ...baseOrder,
        accountLimits: [
          { accountId: 1, limit: { kind: 'cap', capKw: 10 } },
          { accountId: 1, limit: { kind: 'cap', capKw: 20 } },
        ],
      }),
    ).toEqual(['accountLimits.1.accountId']);
    expect(
      problems({
        ...baseOrder,
        window: { start: '2024-07-16T10:07:00+08:00', end: '2024-07-16T11:00:00+08:00' },
        accountLimits: [
          { accountId: 1, limit: { kind: 'cap', capKw: 10 } },
          { accountId: 1, limit: { kind: 'cap', capKw: 20 } },
        ],
      }).sort(),
    ).toEqual(['accountLimits.1.accountId', 'window.start']);
    expect(problems(null)).toEqual(['(order)']);
  });

  it('targets a list, a tier or an area; an account limit overrides the order limit', () => {
    const fleet = [
      { accountId: 1, tier: 'A', area: 'north' },
      { accountId: 2, tier: 'B', area: 'north' },
      { accountId: 3, tier: 'A', area: 'south' },
    ];
    expect(
      resolveOrderAccounts(
        parseCurtailmentOrder({ ...baseOrder, targets: { kind: 'accounts', accountIds: [3, 1, 9] } }),
        fleet,
      ),
    ).toEqual({
      accountIds: [1, 3],
      unknownAccountIds: [9],
    });
    expect(
      resolveOrderAccounts(parseCurtailmentOrder({ ...baseOrder, targets: { kind: 'tier', tier: 'A' } }), fleet)
        .accountIds,
    ).toEqual([1, 3]);
    expect(
      resolveOrderAccounts(parseCurtailmentOrder({ ...baseOrder, targets: { kind: 'area', area: 'north' } }), fleet)
        .accountIds,
    ).toEqual([1, 2]);
    const order = parseCurtailmentOrder({
      ...baseOrder,
      accountLimits: [{ accountId: 3, limit: { kind: 'cap', capKw: 500 } }],
    });
    expect(limitFor(order, 3)).toEqual({ kind: 'cap', capKw: 500 });
    expect(limitFor(order, 1)).toEqual(baseOrder.limit);
  });
});

describe('curtailment baseline: mean of the same slots on recent similar days (domain.md §7)', () => {
  // a made-up calendar on purpose: a make-up working Sunday just before the order day (14 July 2024
  // was an ordinary Sunday) and one holiday (Dragon Boat, 10 June 2024, as in the real calendar)
  const dayTypeOf = syntheticDayTypeOf({ holidays: ['2024-06-10'], makeupWorkdays: ['2024-07-14'] });
  // each day's level is its day of month × 10 kW, so a mean reveals which days were used
  const levelOf = (date: LocalDate) => Number(date.slice(8, 10)) * 10 + (date < '2024-07-01' ? 1000 : 0);
  const history = eachLocalDate('2024-05-01', '2024-07-31').map((date) => ({
    date,
    kw: Array.from({ length: 96 }, () => levelOf(date)),
  }));
  const window = { start: at('2024-07-16T02:00:00Z'), end: at('2024-07-16T03:00:00Z') };

  it('uses the 5 most recent workdays (make-up Sunday included, weekend excluded), only before the order day', () => {
    const b = computeCurtailmentBaseline({ history, window, dayTypeOf });
    // Mon 15, make-up Sun 14, Fri 12, Thu 11, Wed 10; later days (16–31) are in the history but unused
    expect(b.days.map((d) => d.date)).toEqual(['2024-07-15', '2024-07-14', '2024-07-12', '2024-07-11', '2024-07-10']);
    expect(b.available).toBe(true);
    expect(b.intervals).toHaveLength(4);
    expect(b.intervals[0]).toEqual({ start: window.start, kw: ((15 + 14 + 12 + 11 + 10) / 5) * 10 });
  });

  it('leaves out days with their own curtailment order and days with a gap in the window, but not a gap elsewhere', () => {
    const holey = history.map((d) => {
      if (d.date === '2024-07-12') return { ...d, kw: d.kw.map((v, s) => (s === 41 ? null : v)) }; // 10:15 unknown
      if (d.date === '2024-07-11') return { ...d, kw: d.kw.map((v, s) => (s === 60 ? null : v)) }; // 15:00 unknown
      return d;
    });
    const b = computeCurtailmentBaseline({ history: holey, window, dayTypeOf, curtailedDates: ['2024-07-15'] });
    expect(b.skipped).toEqual([
      { date: '2024-07-15', reason: 'own curtailment order' },
      { date: '2024-07-12', reason: 'missing data in the window' },
    ]);
    expect(b.days.map((d) => d.date)).toEqual(['2024-07-14', '2024-07-11', '2024-07-10', '2024-07-09', '2024-07-08']);
  });

  it('uses weekends for a weekend window (3 by default) and holidays for a holiday', () => {
    const saturday = { start: at('2024-07-20T02:00:00Z'), end: at('2024-07-20T03:00:00Z') };
    expect(computeCurtailmentBaseline({ history, window: saturday, dayTypeOf }).days.map((d) => d.date)).toEqual([
      '2024-07-13',
      '2024-07-07',
      '2024-07-06',
    ]);
    const history2 = [
      ...history,
      ...eachLocalDate('2024-08-01', '2024-08-02').map((date) => ({ date, kw: Array(96).fill(1) })),
    ];
    // made up on purpose: an order on a holiday in August, when China has none
    const holidayCal = syntheticDayTypeOf({ holidays: ['2024-06-10', '2024-08-02'], makeupWorkdays: [] });
    const b = computeCurtailmentBaseline({
      history: history2,
      window: { start: at('2024-08-02T02:00:00Z'), end: at('2024-08-02T03:00:00Z') },
      dayTypeOf: holidayCal,
    });
    expect(b.dayClass).toBe('holiday');
    expect(b.days.map((d) => d.date)).toEqual(['2024-06-10']);
    expect(b.intervals[0]!.kw).toBe(1100);
  });

  it('shifts a window across midnight as a whole', () => {
    // Tue 16th 23:00 → Wed 17th 01:00 local; similar days' windows: 15th 23:00 → 16th 01:00 is
    // not usable (it reaches the order day), so 12th→13th, 11th→12th, …
    const night = { start: at('2024-07-16T15:00:00Z'), end: at('2024-07-16T17:00:00Z') };
    const b = computeCurtailmentBaseline({ history, window: night, dayTypeOf, options: { days: { workday: 2 } } });
    expect(b.skipped).toEqual([{ date: '2024-07-15', reason: 'window reaches the order day' }]);
    expect(b.days.map((d) => d.date)).toEqual(['2024-07-14', '2024-07-12']);
    // first interval 23:00 of the similar days (14, 12), last 00:45 of the days after (15, 13)
    expect(b.intervals[0]!.kw).toBe(((14 + 12) / 2) * 10);
    expect(b.intervals[7]!.kw).toBe(((15 + 13) / 2) * 10);
  });

  it("judges the slots in the utility's zone (default Asia/Shanghai) and names a bad zone", () => {
    const base = computeCurtailmentBaseline({ history, window, dayTypeOf });
    expect(computeCurtailmentBaseline({ history, window, dayTypeOf, options: { timeZone: '+08:00' } })).toEqual(base);
    // in UTC the window is 02:00–03:00 of the same Tuesday: the same similar days, other slots
    const utc = computeCurtailmentBaseline({ history, window, dayTypeOf, options: { timeZone: 'UTC' } });
    expect(utc.days).toEqual(base.days);
    expect(() =>
      computeCurtailmentBaseline({ history, window, dayTypeOf, options: { timeZone: 'Mars/Olympus' } }),
    ).toThrow(expect.objectContaining({ code: 'ORDERLY_INVALID_INPUT', field: 'options.timeZone' }));
  });

  it('is unavailable, with the reason, when no similar day qualifies', () => {
    const b = computeCurtailmentBaseline({ history: history.filter((d) => d.date >= '2024-07-16'), window, dayTypeOf });
    expect(b.available).toBe(false);
    expect(b.reason).toBe('0 usable workday(s) in the lookback, 1 needed');
    expect(b.intervals.every((i) => i.kw === null)).toBe(true);
  });
});

describe('caps per interval: cap = reference − required reduction (domain.md §7)', () => {
  const window = { start: at('2024-07-16T02:00:00Z'), end: at('2024-07-16T02:30:00Z') };
  const [t0, t1] = [window.start, window.start + 900_000];
  const baselineKw = [
    { start: t0, kw: 1000 },
    { start: t1, kw: 700 },
  ];

  it('absolute cap: required reduction = baseline − cap, never negative', () => {
    const caps = computeAccountCaps({ accountId: 1, limit: { kind: 'cap', capKw: 800 }, window, baselineKw });
    expect(caps.intervals.map((i) => [i.capKw, i.referenceKw, i.requiredReductionKw])).toEqual([
      [800, 1000, 200],
      [800, 700, 0],
    ]);
    expect(caps.intervals[0]).toMatchObject({ start: t0, end: t1 });
  });

  it('reduction in kW or % from the baseline or the forecast', () => {
    const kw = computeAccountCaps({
      accountId: 1,
      limit: { kind: 'reduction_kw', reductionKw: 300, reference: 'baseline' },
      window,
      baselineKw: [{ start: t0, kw: 1000 }],
    });
    expect(kw.intervals.map((i) => [i.capKw, i.requiredReductionKw])).toEqual([
      [700, 300],
      [null, null],
    ]);
    const pct = computeAccountCaps({
      accountId: 1,
      limit: { kind: 'reduction_pct', reductionPct: 20, reference: 'forecast' },
      window,
      forecastKw: [
        { start: t0, kw: 1000 },
        { start: t1, kw: 500 },
      ],
    });
    expect(pct.intervals.map((i) => [i.capKw, i.referenceKw, i.requiredReductionKw])).toEqual([
      [800, 1000, 200],
      [400, 500, 100],
    ]);
  });

  it('needs the forecast for a reduction from the forecast', () => {
    expect(() =>
      computeAccountCaps({
        accountId: 1,
        limit: { kind: 'reduction_kw', reductionKw: 5, reference: 'forecast' },
        window,
      }),
    ).toThrow(expect.objectContaining({ code: 'ORDERLY_INVALID_INPUT', field: 'forecastKw' }));
  });
});
