import { describe, expect, it } from 'vitest';
import { DEFAULT_RULES_CONFIG, evaluateLossOfVoltage, evaluatePhaseBreak } from '../../../../services/rules/index.ts';
import { context, evaluate, healthyValues, reading, resolved, series, summary } from './rules-fixtures.ts';

const cfg = DEFAULT_RULES_CONFIG;
// 380/220 V meter, Ib = 100 A: 78 % Un = 171.6 V, 85 % = 187 V, 60 % = 132 V, 0.5 % Ib = 0.5 A
const phaseA = <T extends { channel: string }>(rs: T[]) => rs.find((r) => r.channel === 'A')!;

describe('loss of voltage 失压 (domain.md §4): U < 78 % Un while I > 0.5 % Ib, recovers at U ≥ 85 % Un', () => {
  const ctx = resolved();
  const lov = (u: number, i: number) =>
    phaseA(evaluateLossOfVoltage(reading(0, healthyValues({ voltageAV: u, currentAA: i })), ctx, cfg));

  it('is active just below 78 % with current, not at exactly 78 %', () => {
    expect(lov(171.5, 10).active).toBe(true);
    expect(lov(171.6, 10).active).toBe(false);
  });

  it('needs the phase current above 0.5 % Ib: 0.5 A is not enough, 0.51 A is', () => {
    expect(lov(100, 0.5).active).toBe(false);
    expect(lov(100, 0.51).active).toBe(true);
  });

  it('recovers at 85 % Un (187 V), not just below it (186.9 V)', () => {
    expect(lov(187, 10)).toMatchObject({ clearable: true, recoveryLimit: 85 });
    expect(lov(186.9, 10)).toMatchObject({ active: false, clearable: false });
  });

  it('is not judged on a phase whose current the meter did not report', () => {
    const res = evaluateLossOfVoltage(reading(0, { voltageAV: 100, currentBA: 5, voltageBV: 220 }), ctx, cfg);
    expect(res.map((r) => r.channel)).toEqual(['B']);
  });
});

describe('phase break 断相 (domain.md §4): U < 60 % Un and I < 0.5 % Ib, recovers at U ≥ 60 % Un', () => {
  const ctx = resolved();
  const pb = (u: number, i: number) =>
    phaseA(evaluatePhaseBreak(reading(0, healthyValues({ voltageAV: u, currentAA: i })), ctx, cfg));

  it('is active below 60 % with no current; not at 60 %, not with 0.5 % Ib flowing', () => {
    expect(pb(131.9, 0).active).toBe(true);
    expect(pb(132, 0)).toMatchObject({ active: false, clearable: true });
    expect(pb(0, 0.5).active).toBe(false);
    expect(pb(0, 0.49).active).toBe(true);
  });
});

describe('three-phase three-wire meters (domain.md §4: phase B loss of voltage not evaluated)', () => {
  const ctx = resolved({ nominalVoltageV: 10_000, wiring: '3P3W' });

  it('judges elements A (Uab) and C (Ucb) against the line nominal, never B', () => {
    const r = reading(0, {
      voltageAbV: 10_000,
      voltageBcV: 7_000,
      voltageBV: 0,
      currentAA: 50,
      currentBA: 0,
      currentCA: 50,
    });
    const res = evaluateLossOfVoltage(r, ctx, cfg);
    expect(res.map((x) => x.channel)).toEqual(['A', 'C']);
    expect(res.find((x) => x.channel === 'C')).toMatchObject({ active: true, measured: 70 });
    expect(evaluatePhaseBreak(r, ctx, cfg).map((x) => x.channel)).toEqual(['A', 'C']);
  });

  it('opens no alert for a dead phase B through evaluateReadings', () => {
    const ctx3 = context({ nominalVoltageV: 10_000, wiring: '3P3W' });
    const rs = series(0, 180, 15, () => ({
      voltageAbV: 10_000,
      voltageBcV: 10_000,
      voltageCaV: 10_000,
      voltageBV: 0,
      currentAA: 50,
      currentBA: 0,
      currentCA: 50,
    }));
    expect(evaluate(rs, ctx3).transitions).toEqual([]);
  });
});

describe('loss of voltage and phase break through the tracker', () => {
  it('opens one alert when phase B stays below 60 % Un with no current for 60 s', () => {
    const rs = series(0, 120, 15, () => healthyValues({ voltageBV: 20, currentBA: 0 }));
    const { transitions } = evaluate(rs);
    expect(summary(transitions)).toEqual(['open phase_break/B @60s']);
    expect(transitions[0]).toMatchObject({ severity: 'critical', meterId: 1, accountId: 10 });
  });

  it('opens nothing when the break lasts 45 s', () => {
    const rs = [
      ...series(0, 60, 15, () => healthyValues({ voltageBV: 20, currentBA: 0 })),
      ...series(60, 240, 15, () => healthyValues()),
    ];
    expect(evaluate(rs).transitions).toEqual([]);
  });

  it('clears loss of voltage only after U ≥ 85 % Un for 60 s; 80 % (inside the hysteresis band) keeps it open', () => {
    const lost = () => healthyValues({ voltageCV: 100 });
    const rs = [
      ...series(0, 90, 15, lost), // opens at 60 s
      ...series(90, 300, 15, () => healthyValues({ voltageCV: 176 })), // 80 % Un: hysteresis band
      ...series(300, 420, 15, () => healthyValues()), // recovered from 300 s
    ];
    const lov = evaluate(rs).transitions.filter((t) => t.kind === 'loss_of_voltage');
    expect(summary(lov)).toEqual(['open loss_of_voltage/C @60s', 'clear loss_of_voltage/C @360s']);
  });

  it('grades severity by tier: loss of voltage is critical on tier A, major on tier B and C', () => {
    const rs = series(0, 75, 15, () => healthyValues({ voltageAV: 100, currentAA: 30 }));
    const sev = (tier: 'A' | 'B' | 'C' | 'potential') =>
      evaluate(rs, context({ tier })).transitions.find((t) => t.kind === 'loss_of_voltage')!.severity;
    expect([sev('A'), sev('B'), sev('C'), sev('potential')]).toEqual(['critical', 'major', 'major', 'major']);
  });
});
