import { describe, expect, it } from 'vitest';
import { computeMonthlyPowerFactor, computeReactiveCompensation } from '../../../../services/reports/core/index.ts';
import { loadTariffs } from '../../../../lib/reference-data/index.ts';
import { fieldOf } from '../../../support/thrown.ts';

const pfTables = loadTariffs().pfTables;

describe('monthly PF from energy (domain.md §3: PF = kWh / √(kWh² + kvarh²), kvarh = import + export)', () => {
  it('counts exported reactive energy: 4000 kWh, 2500 + 500 kvarh → PF 0.80 (without export it would be 0.848)', () => {
    const r = computeMonthlyPowerFactor(
      { activeKwh: 4000, importKvarh: 2500, exportKvarh: 500 },
      { targetPf: 0.85, pfTables },
    );
    expect(r).toMatchObject({ reactiveKvarh: 3000, billedPf: 0.8, targetPf: 0.85 });
    expect(r.pf).toBeCloseTo(0.8, 12);
    // table for 0.85: 5 steps × 0.5 % below the target
    expect(r.adjustmentPct).toBe(2.5);
  });

  it('adjusts on the PF rounded half up to two decimals: 0.8549 is billed as 0.85 (no adjustment against 0.85)', () => {
    const kvarh = 1000 * Math.sqrt(1 / 0.8549 ** 2 - 1);
    const r = computeMonthlyPowerFactor(
      { activeKwh: 1000, importKvarh: kvarh, exportKvarh: 0 },
      { targetPf: 0.85, pfTables },
    );
    expect(r.billedPf).toBe(0.85);
    expect(r.adjustmentPct).toBe(0);
  });

  it('above target the bill falls: PF 0.96 against 0.90 → −0.75 % (cap)', () => {
    const kvarh = 1000 * Math.sqrt(1 / 0.96 ** 2 - 1);
    expect(
      computeMonthlyPowerFactor({ activeKwh: 1000, importKvarh: kvarh, exportKvarh: 0 }, { targetPf: 0.9, pfTables })
        .adjustmentPct,
    ).toBe(-0.75);
  });

  it('no energy: no PF and no adjustment; no target: PF without adjustment', () => {
    expect(
      computeMonthlyPowerFactor({ activeKwh: 0, importKvarh: 0, exportKvarh: 0 }, { targetPf: 0.9, pfTables }),
    ).toMatchObject({
      pf: null,
      billedPf: null,
      adjustmentPct: null,
    });
    expect(
      computeMonthlyPowerFactor({ activeKwh: 3, importKvarh: 4, exportKvarh: 0 }, { targetPf: null, pfTables }),
    ).toMatchObject({
      pf: 0.6,
      adjustmentPct: null,
    });
  });

  it('names a negative energy', () => {
    expect(
      fieldOf(() =>
        computeMonthlyPowerFactor({ activeKwh: 1, importKvarh: -1, exportKvarh: 0 }, { targetPf: 0.9, pfTables }),
      ),
    ).toBe('importKvarh');
  });
});

describe('reactive compensation Qc = P × (tan φ1 − tan φ2) (domain.md §3)', () => {
  it('1 kW from PF 0.70 to 0.95 needs ≈ 0.69 kvar (the worked example)', () => {
    const r = computeReactiveCompensation({ averageActiveKw: 1, currentPf: 0.7, targetPf: 0.95 });
    expect(r.compensationKvar).toBeCloseTo(0.69, 2);
    // tan φ1 = √0.51 / 0.7 = 1.020204, tan φ2 = √0.0975 / 0.95 = 0.328684
    expect(r.tanPhiCurrent).toBeCloseTo(1.020204, 6);
    expect(r.tanPhiTarget).toBeCloseTo(0.328684, 6);
  });

  it('500 kW from 0.80 to 0.90 needs 500 × (0.75 − 0.484322) = 132.84 kvar', () => {
    expect(
      computeReactiveCompensation({ averageActiveKw: 500, currentPf: 0.8, targetPf: 0.9 }).compensationKvar,
    ).toBeCloseTo(132.839, 3);
  });

  it('needs nothing when the PF already meets the target', () => {
    expect(computeReactiveCompensation({ averageActiveKw: 500, currentPf: 0.95, targetPf: 0.9 }).compensationKvar).toBe(
      0,
    );
  });

  it('flags over-compensation when reactive energy was exported', () => {
    const r = computeReactiveCompensation({ averageActiveKw: 500, currentPf: 0.95, targetPf: 0.9, exportKvarh: 120 });
    expect(r.overCompensation).toMatchObject({
      flagged: true,
      reasons: ['120 kvarh of reactive energy exported to the grid'],
    });
  });

  it('flags capacitive Q at light load (P ≤ 30 % of the largest P, boundary included), not at heavy load', () => {
    const heavy = { activeKw: 800, reactiveKvar: -10 };
    const base = { averageActiveKw: 500, currentPf: 0.95, targetPf: 0.9 };
    const onlyHeavy = computeReactiveCompensation({ ...base, samples: [{ activeKw: 1000, reactiveKvar: 200 }, heavy] });
    expect(onlyHeavy.overCompensation).toMatchObject({
      flagged: false,
      capacitiveSamples: 1,
      capacitiveSamplesAtLightLoad: 0,
    });
    const light = computeReactiveCompensation({
      ...base,
      samples: [{ activeKw: 1000, reactiveKvar: 200 }, heavy, { activeKw: 300, reactiveKvar: -20 }],
    });
    expect(light.overCompensation).toMatchObject({
      flagged: true,
      capacitiveSamples: 2,
      capacitiveSamplesAtLightLoad: 1,
    });
    expect(light.overCompensation.reasons[0]).toBe(
      'reactive power capacitive in 1 of 3 samples at light load (P ≤ 30 % of 1000 kW)',
    );
  });

  it('refuses PF 0 (tan φ is infinite) and PF above 1', () => {
    expect(fieldOf(() => computeReactiveCompensation({ averageActiveKw: 1, currentPf: 0, targetPf: 0.9 }))).toBe(
      'currentPf',
    );
    expect(fieldOf(() => computeReactiveCompensation({ averageActiveKw: 1, currentPf: 0.8, targetPf: 1.1 }))).toBe(
      'targetPf',
    );
  });
});
