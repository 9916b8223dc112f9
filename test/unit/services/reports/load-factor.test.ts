import { describe, expect, it } from 'vitest';
import { adviseTransformerSizing, computeLoadFactor } from '../../../../services/reports/core/index.ts';
import { fieldOf } from '../../../support/thrown.ts';

describe('load factor = average demand / maximum demand', () => {
  it('720,000 kWh over 720 h is 1000 kW on average; against a 2000 kW maximum, 50 %', () => {
    expect(computeLoadFactor({ energyKwh: 720_000, hours: 720, maxDemandKw: 2000 })).toEqual({
      energyKwh: 720_000,
      hours: 720,
      averageDemandKw: 1000,
      maxDemandKw: 2000,
      loadFactorPct: 50,
    });
  });

  it('a flat load has a load factor of 100 %; no load has none', () => {
    expect(computeLoadFactor({ energyKwh: 24_000, hours: 24, maxDemandKw: 1000 }).loadFactorPct).toBe(100);
    expect(computeLoadFactor({ energyKwh: 0, hours: 24, maxDemandKw: 0 }).loadFactorPct).toBeNull();
  });

  it('refuses a maximum below the average (the figures do not belong together)', () => {
    expect(fieldOf(() => computeLoadFactor({ energyKwh: 24_000, hours: 24, maxDemandKw: 900 }))).toBe('maxDemandKw');
    expect(fieldOf(() => computeLoadFactor({ energyKwh: 1, hours: 0, maxDemandKw: 1 }))).toBe('hours');
  });
});

describe('transformer utilisation = max demand kW / (capacity kVA × PF), with sizing advice', () => {
  // 2000 kVA at PF 0.90 carries 1800 kW
  const size = (maxDemandKw: number) => adviseTransformerSizing({ maxDemandKw, capacityKva: 2000, powerFactor: 0.9 });

  it('exactly 30 % (540 kW) is adequate; just under is too large, with the figures in the advice', () => {
    expect(size(540)).toMatchObject({ capacityKw: 1800, utilisationPct: 30, advice: 'adequate' });
    const r = size(450);
    expect(r).toMatchObject({ utilisationPct: 25, advice: 'too_large' });
    expect(r.message).toBe(
      'transformer too large: maximum demand 450 kW is 25 % of 1,800 kW (2,000 kVA × PF 0.90), below 30 %',
    );
    expect(size(539.9).advice).toBe('too_large');
  });

  it('exactly 90 % (1620 kW) is adequate; above is too small', () => {
    expect(size(1620).advice).toBe('adequate');
    const r = size(1710);
    expect(r).toMatchObject({ utilisationPct: 95, advice: 'too_small' });
    expect(r.message).toMatch(/^transformer too small: maximum demand 1,710 kW is 95 % of 1,800 kW .*above 90 %$/);
  });

  it('thresholds are configurable and checked', () => {
    expect(
      adviseTransformerSizing(
        { maxDemandKw: 700, capacityKva: 2000, powerFactor: 0.9 },
        { tooLargeBelowPct: 40, tooSmallAbovePct: 80 },
      ).advice,
    ).toBe('too_large');
    expect(
      fieldOf(() =>
        adviseTransformerSizing(
          { maxDemandKw: 700, capacityKva: 2000, powerFactor: 0.9 },
          { tooLargeBelowPct: 90, tooSmallAbovePct: 80 },
        ),
      ),
    ).toBe('tooLargeBelowPct');
    expect(fieldOf(() => adviseTransformerSizing({ maxDemandKw: 700, capacityKva: 0, powerFactor: 0.9 }))).toBe(
      'capacityKva',
    );
  });
});
