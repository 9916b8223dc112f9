import { describe, expect, it } from 'vitest';
import { computeThreePhase, lineVoltageV, type PhaseMeasurement } from '../../../simulators/three-phase.ts';

const balanced = (phiRad: number): [PhaseMeasurement, PhaseMeasurement, PhaseMeasurement] => [
  { voltageV: 230, currentA: 100, phiRad },
  { voltageV: 230, currentA: 100, phiRad },
  { voltageV: 230, currentA: 100, phiRad },
];

describe('computeThreePhase', () => {
  it('balanced 230 V, 100 A at PF 0.8 lagging: 18.4 kW and 13.8 kvar per phase', () => {
    const { values } = computeThreePhase(balanced(Math.acos(0.8)), 50);
    expect(values.powerAKw).toBeCloseTo(18.4, 9);
    expect(values.reactiveAKvar).toBeCloseTo(13.8, 9);
    expect(values.powerKw).toBeCloseTo(55.2, 9);
    expect(values.apparentKva).toBeCloseTo(69, 9);
    expect(values.pf).toBeCloseTo(0.8, 12);
    expect(values.voltageAbV).toBeCloseTo(230 * Math.sqrt(3), 9);
  });

  it('leading current gives negative reactive power', () => {
    const { values } = computeThreePhase(balanced(-Math.acos(0.9)), 50);
    expect(values.reactiveKvar).toBeLessThan(0);
    expect(values.pf).toBeCloseTo(0.9, 12);
  });

  it('a current reversed by 180° gives negative P, Q and PF (IEC sign of PF)', () => {
    const { values } = computeThreePhase(balanced(Math.acos(0.8) + Math.PI), 50);
    expect(values.powerKw).toBeCloseTo(-55.2, 9);
    expect(values.reactiveKvar).toBeCloseTo(-41.4, 9);
    expect(values.pf).toBeCloseTo(-0.8, 12);
  });

  it('a phase without current shows PF 1 and no power', () => {
    const phases = balanced(0.5);
    phases[1] = { voltageV: 90, currentA: 0, phiRad: 0.5 };
    const { values } = computeThreePhase(phases, 50);
    expect([values.powerBKw, values.reactiveBKvar, values.pfB]).toEqual([0, 0, 1]);
  });

  it('takes line voltages from phasors 120° apart', () => {
    expect(lineVoltageV(100, 100)).toBeCloseTo(100 * Math.sqrt(3), 12);
    expect(lineVoltageV(100, 0)).toBe(100);
  });
});
