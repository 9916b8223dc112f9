// Three-phase power identities, pure. Inputs are what a meter measures per phase; outputs are
// the instantaneous ReadingValues (everything except the energy counters), primary side.
//
//   per phase  P = V·I·cos φ,  Q = V·I·sin φ,  PF = P / (V·I) = cos φ
//   totals     P = ΣP,  Q = ΣQ,  S = √(P² + Q²),  PF = P / S
//   line       |Va − Vb| with phasors 120° apart: √(Va² + Vb² + Va·Vb)
// Sign conventions: P > 0 import; Q > 0 lagging (inductive), Q < 0 leading (capacitive);
// PF carries the sign of P (IEC), so a reversed CT shows a negative PF.
import type { ReadingValues } from '../lib/domain/index.ts';

export interface PhaseMeasurement {
  /** phase-to-neutral voltage magnitude, V (primary) */
  readonly voltageV: number;
  /** current magnitude, A (primary) */
  readonly currentA: number;
  /** angle by which the current lags the voltage, rad: > 0 lagging, < 0 leading, |φ| > π/2 export */
  readonly phiRad: number;
}

export type ThreePhase<T> = readonly [T, T, T];

export interface InstantValues {
  /** every ReadingValues quantity except the four energy counters */
  readonly values: Required<Omit<ReadingValues, 'importKwh' | 'exportKwh' | 'importKvarh' | 'exportKvarh'>>;
  /** per-phase apparent power V·I, kVA (SDM630 exposes it; ReadingValues has no key for it) */
  readonly apparentPhaseKva: ThreePhase<number>;
}

/** Magnitude of the difference of two phase voltages whose phasors are 120° apart. */
export function lineVoltageV(a: number, b: number): number {
  return Math.sqrt(a * a + b * b + a * b);
}

/** Power factor of a phase: cos φ, and 1 when no current flows (what meters display). */
function phasePf(phase: PhaseMeasurement): number {
  return phase.currentA > 0 ? Math.cos(phase.phiRad) : 1;
}

export function computeThreePhase(phases: ThreePhase<PhaseMeasurement>, frequencyHz: number): InstantValues {
  const [a, b, c] = phases;
  const pf = [phasePf(a), phasePf(b), phasePf(c)] as const;
  const apparent = [
    (a.voltageV * a.currentA) / 1000,
    (b.voltageV * b.currentA) / 1000,
    (c.voltageV * c.currentA) / 1000,
  ] as const;
  const active = [apparent[0] * pf[0], apparent[1] * pf[1], apparent[2] * pf[2]] as const;
  const reactive = [
    apparent[0] * Math.sin(a.phiRad),
    apparent[1] * Math.sin(b.phiRad),
    apparent[2] * Math.sin(c.phiRad),
  ] as const;
  const powerKw = active[0] + active[1] + active[2];
  const reactiveKvar = reactive[0] + reactive[1] + reactive[2];
  const apparentKva = Math.sqrt(powerKw * powerKw + reactiveKvar * reactiveKvar);
  return {
    values: {
      voltageAV: a.voltageV,
      voltageBV: b.voltageV,
      voltageCV: c.voltageV,
      voltageAbV: lineVoltageV(a.voltageV, b.voltageV),
      voltageBcV: lineVoltageV(b.voltageV, c.voltageV),
      voltageCaV: lineVoltageV(c.voltageV, a.voltageV),
      currentAA: a.currentA,
      currentBA: b.currentA,
      currentCA: c.currentA,
      powerAKw: active[0],
      powerBKw: active[1],
      powerCKw: active[2],
      powerKw,
      reactiveAKvar: reactive[0],
      reactiveBKvar: reactive[1],
      reactiveCKvar: reactive[2],
      reactiveKvar,
      apparentKva,
      pfA: pf[0],
      pfB: pf[1],
      pfC: pf[2],
      pf: apparentKva > 0 ? powerKw / apparentKva : 1,
      frequencyHz,
    },
    apparentPhaseKva: apparent,
  };
}
