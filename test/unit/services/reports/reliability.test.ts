import { describe, expect, it } from 'vitest';
import { computeSupplyReliability } from '../../../../services/reports/core/index.ts';
import { thrownBy } from '../../../support/thrown.ts';

const MIN = 60_000;
const T0 = Date.parse('2025-04-01T00:00:00+08:00');
const period = { fromMs: T0, toMs: T0 + 30 * 1440 * MIN }; // 43,200 minutes
const at = (minute: number) => T0 + minute * MIN;

describe('supply reliability RS-1 = (1 − interruption minutes / period minutes) × 100 % (domain.md §10)', () => {
  it('no interruption: 100 %', () => {
    expect(computeSupplyReliability([], period)).toMatchObject({
      periodMinutes: 43_200,
      interruptionMinutes: 0,
      rs1Pct: 100,
    });
  });

  it('21.6 minutes in a 30-day month is exactly the 99.95 % service target (domain.md §1)', () => {
    expect(computeSupplyReliability([{ startMs: at(100), endMs: at(121.6), planned: false }], period).rs1Pct).toBe(
      99.95,
    );
  });

  it('60 min unplanned + 120 min planned: counted apart, 180 min in all → 99.583333 %', () => {
    const r = computeSupplyReliability(
      [
        { startMs: at(1000), endMs: at(1060), planned: false },
        { startMs: at(5000), endMs: at(5120), planned: true },
      ],
      period,
    );
    expect(r).toEqual({
      periodMinutes: 43_200,
      interruptionMinutes: 180,
      plannedMinutes: 120,
      unplannedMinutes: 60,
      interruptions: 2,
      plannedInterruptions: 1,
      unplannedInterruptions: 1,
      rs1Pct: 99.583333,
      rs1UnplannedOnlyPct: 99.861111, // (1 − 60 / 43,200) × 100
    });
  });

  it('merges overlapping and touching interruptions (two meters seeing one outage count once)', () => {
    const r = computeSupplyReliability(
      [
        { startMs: at(0), endMs: at(60), planned: false },
        { startMs: at(30), endMs: at(90), planned: false },
        { startMs: at(90), endMs: at(100), planned: false },
      ],
      period,
    );
    expect(r).toMatchObject({ interruptionMinutes: 100, interruptions: 1 });
  });

  it('clips to the period: an outage from the previous month counts only its minutes in this one; an open one runs to the end', () => {
    const r = computeSupplyReliability(
      [
        { startMs: at(-30), endMs: at(15), planned: false },
        { startMs: at(43_200 - 10), endMs: null, planned: false },
        { startMs: at(50_000), endMs: at(50_010), planned: false },
      ],
      period,
    );
    expect(r).toMatchObject({ interruptionMinutes: 25, unplannedInterruptions: 2 });
  });

  it('a planned outage overlapping an unplanned one counts in each class and once in the total', () => {
    const r = computeSupplyReliability(
      [
        { startMs: at(0), endMs: at(60), planned: true },
        { startMs: at(30), endMs: at(90), planned: false },
      ],
      period,
    );
    expect(r).toMatchObject({ interruptionMinutes: 90, plannedMinutes: 60, unplannedMinutes: 60, interruptions: 1 });
  });

  it('refuses an interruption that ends before it starts, naming it', () => {
    expect(
      thrownBy(() => computeSupplyReliability([{ startMs: at(10), endMs: at(5), planned: false }], period)).field,
    ).toBe('interruptions[0].endMs');
  });
});
