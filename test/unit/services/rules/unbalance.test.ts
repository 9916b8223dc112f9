import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RULES_CONFIG,
  evaluateCurrentUnbalance,
  evaluateVoltageUnbalance,
  maxMinUnbalancePct,
  measureVoltageUnbalance,
  negativeSequenceUnbalancePct,
  nemaUnbalancePct,
} from '../../../../services/rules/index.ts';
import { healthyValues, reading, resolved } from './rules-fixtures.ts';

const cfg = DEFAULT_RULES_CONFIG;

/** Line-voltage magnitudes of a system with positive sequence u1 and negative sequence u2 (angle phi2). */
function lineMagnitudes(u1: number, u2: number, phi2: number): [number, number, number] {
  // U_ab = u1·(1, a², a) + u2·e^{jφ}·(1, a, a²) with a = e^{j120°}; magnitudes only
  const a = (k: number) => (k * 2 * Math.PI) / 3;
  const mag = (k1: number, k2: number) => {
    const re = u1 * Math.cos(a(k1)) + u2 * Math.cos(a(k2) + phi2);
    const im = u1 * Math.sin(a(k1)) + u2 * Math.sin(a(k2) + phi2);
    return Math.hypot(re, im);
  };
  return [mag(0, 0), mag(2, 1), mag(1, 2)];
}

describe('ε_U2 from line voltages (domain.md §5, GB/T 15543 exact formula)', () => {
  it('is 0 for a balanced system', () => {
    expect(negativeSequenceUnbalancePct(10_000, 10_000, 10_000)).toBeCloseTo(0, 9);
  });

  it('recovers a known 3 % negative sequence from magnitudes built with phasors', () => {
    const [a, b, c] = lineMagnitudes(10_000, 300, 0.7);
    expect(negativeSequenceUnbalancePct(a, b, c)).toBeCloseTo(3, 6);
  });

  it('matches a hand-computed triple: 400, 380, 390 V → ε_U2 = 2.962 %', () => {
    // a²+b²+c² = 456 500; a⁴+b⁴+c⁴ = 69 585 770 000; L = 6.958577e10 / 2.0839225e11 = 0.3339173
    // 3 − 6L = 0.9964964, sqrt = 0.9982467; ε = sqrt(0.0017533 / 1.9982467) = 0.029622 → 2.962 %
    // (cross-checked by symmetrical components of the closed triangle: |U2| / |U1| = 11.5499 / 389.914)
    expect(negativeSequenceUnbalancePct(400, 380, 390)).toBeCloseTo(2.9622, 4);
  });

  it('labels the method: exact from line voltages, NEMA from phase voltages when lines are missing', () => {
    expect(measureVoltageUnbalance(reading(0, { voltageAbV: 400, voltageBcV: 380, voltageCaV: 390 }))?.method).toBe(
      'gbt15543_exact_line',
    );
    const nema = measureVoltageUnbalance(reading(0, { voltageAV: 230, voltageBV: 220, voltageCV: 210 }));
    expect(nema?.method).toBe('nema_phase');
    // avg 220, max |dev| 10 → 4.545 %
    expect(nema?.pct).toBeCloseTo(4.5454545, 6);
    expect(nemaUnbalancePct([220, 220, 220])).toBe(0);
  });
});

describe('voltage unbalance alert: above 2 % (GB/T 15543 normal limit), recovers at 1.5 %', () => {
  const ctx = resolved({ nominalVoltageV: 10_000, wiring: '3P3W' });
  const at = (pct: number) => {
    const [a, b, c] = lineMagnitudes(10_000, pct * 100, 0.3);
    return evaluateVoltageUnbalance(reading(0, { voltageAbV: a, voltageBcV: b, voltageCaV: c }), ctx, cfg)[0]!;
  };

  it('is active above the GB/T 15543 normal limit of 2 %, not at 2.0 %', () => {
    expect(at(2.05).active).toBe(true);
    expect(at(1.99).active).toBe(false);
  });

  it('is clearable at 1.5 %, and holds at 1.8 % (between recovery and trigger)', () => {
    expect(at(1.49).clearable).toBe(true);
    expect(at(1.8)).toMatchObject({ active: false, clearable: false });
  });

  it('leaves a phase out of its deviation limits to the deviation rule, and reports an unbalance within them', () => {
    // 10 kV three-wire: line AB 9 % low breaks the ±7 % limit (GB/T 12325) → that alert names it
    const outOfLimits = evaluateVoltageUnbalance(
      reading(0, { voltageAbV: 9_100, voltageBcV: 10_000, voltageCaV: 10_000 }),
      ctx,
      cfg,
    );
    expect(outOfLimits).toEqual([]);
    // lines +2 % / −2 %: inside ±7 %, ε_U2 ≈ 2.3 % → an unbalance of its own
    const within = evaluateVoltageUnbalance(
      reading(0, { voltageAbV: 10_200, voltageBcV: 9_800, voltageCaV: 10_000 }),
      ctx,
      cfg,
    );
    expect(within[0]).toMatchObject({ active: true });
    expect(within[0]!.measured).toBeCloseTo(2.31, 1);
  });

  it('is not judged while a voltage is below 0.7 Un (phase loss is another rule)', () => {
    expect(
      evaluateVoltageUnbalance(reading(0, { voltageAbV: 10_000, voltageBcV: 6_000, voltageCaV: 10_000 }), ctx, cfg),
    ).toEqual([]);
  });

  describe('four-wire meter with a lost phase: the line voltages stay above 0.7 Un', () => {
    // 380/220 V, Ib 100 A. Phase C at 40 % Un leaves Ubc and Uca at ≈ 72 % of 380 V, an ε_U2
    // far above 4 %; phase B at 72 % Un with current flowing is loss of voltage (domain.md §4).
    const four = resolved();
    const lines = (ua: number, ub: number, uc: number) => {
      const ph = (u: number, k: number) => [u * Math.cos((-k * 2 * Math.PI) / 3), u * Math.sin((-k * 2 * Math.PI) / 3)];
      const [a, b, c] = [ph(ua, 0), ph(ub, 1), ph(uc, 2)];
      const d = (x: number[], y: number[]) => Math.hypot(x[0]! - y[0]!, x[1]! - y[1]!);
      return { voltageAbV: d(a, b), voltageBcV: d(b, c), voltageCaV: d(c, a) };
    };

    it('does not report the unbalance of a phase break (phase C at 40 % Un, no current)', () => {
      const values = { ...healthyValues({ voltageCV: 88, currentCA: 0 }), ...lines(221, 220.5, 88) };
      expect(Math.min(values.voltageBcV, values.voltageCaV) / 380).toBeGreaterThan(0.7);
      expect(measureVoltageUnbalance(reading(0, values))!.pct).toBeGreaterThan(4);
      expect(evaluateVoltageUnbalance(reading(0, values), four, cfg)).toEqual([]);
    });

    it('does not report the unbalance of a loss of voltage (phase B at 72 % Un, current flowing)', () => {
      const values = { ...healthyValues({ voltageBV: 158.4 }), ...lines(221, 158.4, 219.8) };
      expect(measureVoltageUnbalance(reading(0, values))!.pct).toBeGreaterThan(4);
      expect(evaluateVoltageUnbalance(reading(0, values), four, cfg)).toEqual([]);
    });

    it('still reports the unbalance of live phases within their limits (104 %, 95 %, 100 % Un → ε_U2 ≈ 2.6 %)', () => {
      const values = {
        ...healthyValues({ voltageAV: 228.8, voltageBV: 209, voltageCV: 220 }),
        ...lines(228.8, 209, 220),
      };
      const [result] = evaluateVoltageUnbalance(reading(0, values), four, cfg);
      expect(result).toMatchObject({ active: true });
      expect(result!.measured).toBeGreaterThan(2);
    });
  });
});

describe('current unbalance (domain.md §4 meter event, > 30 %)', () => {
  const ctx = resolved();
  const cu = (a: number, b: number, c: number) =>
    evaluateCurrentUnbalance(reading(0, { currentAA: a, currentBA: b, currentCA: c }), ctx, cfg);

  it('computes (Imax − Imin) / Imax: 100, 100, 60 A → 40 %', () => {
    expect(maxMinUnbalancePct([100, 100, 60])).toBe(40);
    expect(cu(100, 100, 60)[0]).toMatchObject({ active: true, measured: 40 });
  });

  it('is not active at exactly 30 % (100/100/70), active at 30.1 %, clearable at 25 %', () => {
    expect(cu(100, 100, 70)[0]!.active).toBe(false);
    expect(cu(100, 100, 69.9)[0]!.active).toBe(true);
    expect(cu(100, 100, 75)[0]!.clearable).toBe(true);
    expect(cu(100, 100, 74.9)[0]!.clearable).toBe(false);
  });

  it('is not judged at light load (average below 5 % Ib = 5 A)', () => {
    expect(cu(6, 4, 4)).toEqual([]);
  });

  it('uses only phases A and C on a three-wire meter', () => {
    const ctx3 = resolved({ wiring: '3P3W', nominalVoltageV: 10_000 });
    const r = evaluateCurrentUnbalance(reading(0, { currentAA: 100, currentBA: 0, currentCA: 100 }), ctx3, cfg);
    expect(r[0]).toMatchObject({ active: false, measured: 0, details: { currentsA: [100, 100] } });
  });
});
