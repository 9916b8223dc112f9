import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RULES_CONFIG,
  deviationSumPct,
  evaluateVoltageDeviation,
  selectVoltageLimits,
} from '../../../../services/rules/index.ts';
import { reading, resolved } from './rules-fixtures.ts';

const cfg = DEFAULT_RULES_CONFIG;
const find = (results: ReturnType<typeof evaluateVoltageDeviation>, kind: string, channel: string) =>
  results.find((r) => r.kind === kind && r.channel === channel)!;

describe('voltage deviation limits by voltage class (domain.md §2, GB/T 12325)', () => {
  it('selects ±7 % for 20 kV and below three-phase, +7/−10 % for single-phase, the sum rule from 35 kV, the contract when set', () => {
    expect(selectVoltageLimits(resolved({ nominalVoltageV: 10_000 }), cfg)).toMatchObject({
      method: 'gbt12325_three_phase',
      upperPct: 7,
      lowerPct: 7,
    });
    expect(selectVoltageLimits(resolved({ nominalVoltageV: 20_000 }), cfg).method).toBe('gbt12325_three_phase');
    expect(selectVoltageLimits(resolved({ wiring: '1P2W' }), cfg)).toMatchObject({ upperPct: 7, lowerPct: 10 });
    expect(selectVoltageLimits(resolved({ nominalVoltageV: 35_000 }), cfg)).toMatchObject({
      method: 'gbt12325_sum_35kv_up',
      sumPct: 10,
    });
    expect(
      selectVoltageLimits(resolved({ nominalVoltageV: 110_000, voltageLimitsPct: { upper: 5, lower: 3 } }), cfg),
    ).toEqual({
      method: 'contract',
      upperPct: 5,
      lowerPct: 3,
    });
  });
});

describe('≤20 kV three-phase ±7 % on phase voltages (380/220 V meter)', () => {
  const ctx = resolved();
  const over = (v: number) =>
    find(evaluateVoltageDeviation(reading(0, { voltageAV: v }), ctx, cfg), 'over_voltage', 'A');
  const under = (v: number) =>
    find(evaluateVoltageDeviation(reading(0, { voltageAV: v }), ctx, cfg), 'under_voltage', 'A');

  it('is not active at exactly +7 % (235.4 V) and active just above (235.5 V)', () => {
    expect(over(235.4)).toMatchObject({ active: false, measured: 7 });
    expect(over(235.5).active).toBe(true);
  });

  it('is not active at exactly −7 % (204.6 V) and active just below (204.5 V)', () => {
    expect(under(204.6).active).toBe(false);
    expect(under(204.5)).toMatchObject({ active: true, limit: -7 });
  });

  it('recovers only 1 point inside the limit: clearable at +6 % (233.2 V), not at 233.3 V', () => {
    expect(over(233.2)).toMatchObject({ clearable: true, recoveryLimit: 6 });
    expect(over(233.3)).toMatchObject({ active: false, clearable: false });
    expect(under(206.8).clearable).toBe(true);
    expect(under(206.7).clearable).toBe(false);
  });

  it('does not judge a phase below 0.7 Un (an outage is not monitored): neither active nor clearable', () => {
    const r = under(150);
    expect(r).toMatchObject({ active: false, clearable: false });
  });
});

describe('10 kV three-wire meter: line voltages against the 10 kV nominal', () => {
  const ctx = resolved({ nominalVoltageV: 10_000, wiring: '3P3W' });

  it('judges AB, BC and CA, and flags 10 710 V (+7.1 %) on BC only', () => {
    const res = evaluateVoltageDeviation(
      reading(0, { voltageAbV: 10_700, voltageBcV: 10_710, voltageCaV: 9_300, voltageAV: 1, voltageCV: 1 }),
      ctx,
      cfg,
    );
    expect(res.map((r) => r.channel)).toEqual(['AB', 'AB', 'BC', 'BC', 'CA', 'CA']);
    expect(res.filter((r) => r.active).map((r) => `${r.kind}/${r.channel}`)).toEqual(['over_voltage/BC']);
  });
});

describe('220 V single-phase +7 % / −10 %', () => {
  const ctx = resolved({ wiring: '1P2W' });
  const res = (v: number) => evaluateVoltageDeviation(reading(0, { voltageAV: v }), ctx, cfg);

  it('allows −10 % (198 V) and flags 197.9 V', () => {
    expect(find(res(198), 'under_voltage', 'A').active).toBe(false);
    expect(find(res(197.9), 'under_voltage', 'A').active).toBe(true);
  });

  it('allows +7 % (235.4 V) and flags 235.5 V', () => {
    expect(find(res(235.4), 'over_voltage', 'A').active).toBe(false);
    expect(find(res(235.5), 'over_voltage', 'A').active).toBe(true);
  });
});

describe('35 kV and above: sum of absolute deviations ≤ 10 %', () => {
  it('adds the largest positive and negative deviation, or takes the larger one when both have the same sign', () => {
    expect(deviationSumPct([6, -5, 1]).sumPct).toBe(11);
    expect(deviationSumPct([3, 8, 5]).sumPct).toBe(8);
    expect(deviationSumPct([-3, -9, -1]).sumPct).toBe(9);
  });

  const ctx = resolved({ nominalVoltageV: 35_000, supplyVoltageKv: 35 });
  const phaseV = 35_000 / Math.sqrt(3);
  const r = (devA: number, devB: number, devC: number) =>
    evaluateVoltageDeviation(
      reading(0, {
        voltageAV: phaseV * (1 + devA / 100),
        voltageBV: phaseV * (1 + devB / 100),
        voltageCV: phaseV * (1 + devC / 100),
      }),
      ctx,
      cfg,
    );

  it('accepts +5 % / −5 % (sum exactly 10 %) but flags +6 % / −5 % as over-voltage on the total channel', () => {
    expect(r(5, -5, 0).some((x) => x.active)).toBe(false);
    const res = r(6, -5, 0);
    expect(find(res, 'over_voltage', 'total')).toMatchObject({ active: true, measured: 11, limit: 10 });
    expect(find(res, 'under_voltage', 'total').active).toBe(false);
  });

  it('accepts +9.9 % on all phases (same sign) and flags −10.5 % on all phases as under-voltage', () => {
    expect(r(9.9, 9.9, 9.9).some((x) => x.active)).toBe(false);
    expect(find(r(-10.5, -10.5, -10.5), 'under_voltage', 'total').active).toBe(true);
  });

  it('recovers at a sum ≤ 9 %', () => {
    expect(find(r(5, -4, 0), 'over_voltage', 'total').clearable).toBe(true);
    expect(find(r(5, -4.5, 0), 'over_voltage', 'total').clearable).toBe(false);
  });
});

describe('per-account contract limits', () => {
  it('replace the standard limits: +3 % trips a contract of +2.5 / −5 %', () => {
    const ctx = resolved({ voltageLimitsPct: { upper: 2.5, lower: 5 } });
    const res = evaluateVoltageDeviation(reading(0, { voltageAV: 226.6 }), ctx, cfg);
    expect(find(res, 'over_voltage', 'A')).toMatchObject({ active: true, limit: 2.5, details: { method: 'contract' } });
  });
});
