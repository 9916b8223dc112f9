import { describe, expect, it } from 'vitest';
import { parsePfAdjustmentFile, pfAdjustmentPercent, roundPfForBilling } from '../../../../../lib/domain/index.ts';
import { loadTariffs } from '../../../../../lib/reference-data/index.ts';
import { issueLines, thrownBy } from '../../../../support/thrown.ts';

// Expected values are computed by hand from the 1983 rule (功率因数调整电费办法) as domain.md §10
// states it, not read back from the data file under test.
const tables = loadTariffs().pfTables;
const adj = (pf: number, target: number) => pfAdjustmentPercent(pf, target, tables);
const codeOf = (fn: () => unknown) => thrownBy(fn).code;

describe('PF adjustment, target 0.90 (1983 rule, table 1; domain.md §10)', () => {
  it('no adjustment at the target', () => expect(adj(0.9, 0.9)).toBe(0));

  it('+0.5 % per 0.01 below 0.90 down to 0.70: 0.89 → +0.5, 0.80 → +5, 0.70 → +10', () => {
    expect([adj(0.89, 0.9), adj(0.8, 0.9), adj(0.7, 0.9)]).toEqual([0.5, 5, 10]);
  });

  it('then +1 % per 0.01 to 0.65: 0.69 → +11, 0.65 → +15', () => {
    expect([adj(0.69, 0.9), adj(0.65, 0.9)]).toEqual([11, 15]);
  });

  it('then +2 % per 0.01 below 0.65: 0.64 → +17, 0.60 → +25, 0 → +145', () => {
    expect([adj(0.64, 0.9), adj(0.6, 0.9), adj(0, 0.9)]).toEqual([17, 25, 145]);
  });

  it('−0.15 % per 0.01 above 0.90 to 0.95: 0.91 → −0.15, 0.94 → −0.6, 0.95 → −0.75', () => {
    expect([adj(0.91, 0.9), adj(0.94, 0.9), adj(0.95, 0.9)]).toEqual([-0.15, -0.6, -0.75]);
  });

  it('capped at −0.75 % above 0.95: 0.96, 0.99, 1.00 → −0.75', () => {
    expect([adj(0.96, 0.9), adj(0.99, 0.9), adj(1, 0.9)]).toEqual([-0.75, -0.75, -0.75]);
  });
});

describe('PF adjustment, target 0.85 (table 2: penalty side of table 1 shifted by 0.05, reductions capped at −1.1 %)', () => {
  it('penalties: 0.84 → +0.5, 0.65 → +10, 0.64 → +11, 0.60 → +15, 0.59 → +17', () => {
    expect([0.84, 0.65, 0.64, 0.6, 0.59].map((pf) => adj(pf, 0.85))).toEqual([0.5, 10, 11, 15, 17]);
  });

  it('reductions 0.86 → −0.1 … 0.90 → −0.5 in 0.1 steps, then 0.91 → −0.65, 0.92 → −0.8, 0.93 → −0.95', () => {
    expect([0.86, 0.87, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93].map((pf) => adj(pf, 0.85))).toEqual([
      -0.1, -0.2, -0.3, -0.4, -0.5, -0.65, -0.8, -0.95,
    ]);
  });

  it('capped at −1.1 % from 0.94 to 1.00', () => {
    expect([0.94, 0.97, 1].map((pf) => adj(pf, 0.85))).toEqual([-1.1, -1.1, -1.1]);
  });
});

describe('PF adjustment, target 0.80 (table 3: penalty side shifted by 0.10, reductions capped at −1.3 %)', () => {
  it('penalties: 0.79 → +0.5, 0.60 → +10, 0.55 → +15, 0.54 → +17', () => {
    expect([0.79, 0.6, 0.55, 0.54].map((pf) => adj(pf, 0.8))).toEqual([0.5, 10, 15, 17]);
  });

  it('reductions 0.81 → −0.1 … 0.90 → −1.0 in 0.1 steps, 0.91 → −1.15, 0.92 and above → −1.3', () => {
    expect([0.81, 0.85, 0.9, 0.91, 0.92, 1].map((pf) => adj(pf, 0.8))).toEqual([-0.1, -0.5, -1, -1.15, -1.3, -1.3]);
  });
});

describe('rounding before the lookup: two decimals, half up (rule practice: 0.855 → 0.86, 0.754 → 0.75)', () => {
  it('rounds as the bills do, despite binary floating point', () => {
    expect(roundPfForBilling(0.855)).toBe(0.86);
    expect(roundPfForBilling(0.754)).toBe(0.75);
    expect(roundPfForBilling(0.895)).toBe(0.9);
    expect(roundPfForBilling(0.8949)).toBe(0.89);
  });

  it('the adjustment uses the rounded PF: 0.855 is billed as 0.86 (+2 % against 0.90), 0.905 as 0.91', () => {
    expect(adj(0.855, 0.9)).toBe(2);
    expect(adj(0.8949, 0.9)).toBe(0.5);
    expect(adj(0.895, 0.9)).toBe(0);
    expect(adj(0.9049, 0.9)).toBe(0);
    expect(adj(0.905, 0.9)).toBe(-0.15);
  });
});

describe('bad arguments and tables', () => {
  it('refuses a target without a table (TARIFF_NO_PF_TABLE) and a PF outside 0–1 (TARIFF_BAD_ARGUMENT)', () => {
    expect(codeOf(() => adj(0.9, 0.95))).toBe('TARIFF_NO_PF_TABLE');
    expect(codeOf(() => adj(1.01, 0.9))).toBe('TARIFF_BAD_ARGUMENT');
    expect(codeOf(() => adj(-0.1, 0.9))).toBe('TARIFF_BAD_ARGUMENT');
    expect(codeOf(() => adj(Number.NaN, 0.9))).toBe('TARIFF_BAD_ARGUMENT');
  });

  const table = {
    targetPf: 0.9,
    penaltySteps: [{ downToPf: 0, percentPer001: 0.5 }],
    reductions: [{ pf: 0.91, reductionPercent: 0.15 }],
  };
  const issuesOf = (tables: unknown[]) => issueLines(() => parsePfAdjustmentFile({ sources: ['s'], tables }));

  it('accepts a minimal table', () => expect(issuesOf([table])).toEqual([]));

  it('names a penalty side that stops before PF 0', () => {
    expect(issuesOf([{ ...table, penaltySteps: [{ downToPf: 0.7, percentPer001: 0.5 }] }])).toEqual([
      'tables.0.penaltySteps.0.downToPf: the last penalty step must reach 0 so every PF has a percentage',
    ]);
  });

  it('names a reduction row that skips 0.01, a falling reduction and a second table for one target', () => {
    expect(
      issuesOf([
        {
          ...table,
          reductions: [
            { pf: 0.91, reductionPercent: 0.3 },
            { pf: 0.93, reductionPercent: 0.2 },
          ],
        },
        table,
      ]),
    ).toEqual([
      'tables.0.reductions.1.pf: expected pf 0.92: rows go up by 0.01 from the target',
      'tables.0.reductions.1.reductionPercent: reduction 0.2 % is less than the 0.3 % of a lower PF',
      'tables.1.targetPf: a second table for target 0.9',
    ]);
  });
});
