import { type PfAdjustmentTable, pfAdjustmentPercent, roundPfForBilling } from '../../../lib/domain/index.ts';
import { ReportInputError } from './errors.ts';
import { checkNonNegative, checkPositive, checkPowerFactor, round6 } from './inputs.ts';

// Monthly power factor, the PF tariff adjustment and reactive compensation (domain.md §3).

export interface MonthlyEnergyTotals {
  activeKwh: number;
  /** reactive energy drawn (import, forward kvarh) */
  importKvarh: number;
  /** reactive energy pushed back to the grid (export, reverse kvarh); 0 when not metered */
  exportKvarh: number;
}

export interface MonthlyPowerFactorResult {
  activeKwh: number;
  /** import + export: over-compensation lowers the billed PF (domain.md §3; 1983 rule) */
  reactiveKvarh: number;
  /** PF = kWh / √(kWh² + kvarh²), unrounded; null without any energy */
  pf: number | null;
  /** PF as billed: two decimals, half up */
  billedPf: number | null;
  targetPf: number | null;
  /** bill adjustment in %, + raises the bill; null without a target or a PF */
  adjustmentPct: number | null;
}

/**
 * Monthly PF from energy, `PF = kWh / √(kWh² + kvarh²)` with kvarh = import + export reactive
 * energy: the 1983 rule computes the monthly PF of a customer who can push reactive power back
 * from "the sum of the absolute values of the reverse and the used reactive energy"
 * (domain.md §3). The adjustment is looked up in the PF tables for the account's target
 * (`targetPf` null: the rule does not apply to this account).
 */
export function computeMonthlyPowerFactor(
  energy: MonthlyEnergyTotals,
  options: { targetPf: number | null; pfTables: readonly PfAdjustmentTable[] },
): MonthlyPowerFactorResult {
  checkNonNegative(energy.activeKwh, 'activeKwh');
  checkNonNegative(energy.importKvarh, 'importKvarh');
  checkNonNegative(energy.exportKvarh, 'exportKvarh');
  if (options.targetPf !== null) checkPowerFactor(options.targetPf, 'targetPf');
  const reactiveKvarh = energy.importKvarh + energy.exportKvarh;
  const apparent = Math.hypot(energy.activeKwh, reactiveKvarh);
  const pf = apparent > 0 ? energy.activeKwh / apparent : null;
  const billedPf = pf === null ? null : roundPfForBilling(pf);
  return {
    activeKwh: energy.activeKwh,
    reactiveKvarh: round6(reactiveKvarh),
    pf,
    billedPf,
    targetPf: options.targetPf,
    adjustmentPct:
      pf === null || options.targetPf === null ? null : pfAdjustmentPercent(pf, options.targetPf, options.pfTables),
  };
}

/** tan φ = √(1 − PF²) / PF: reactive power per unit of active power. */
export function tanPhi(pf: number): number {
  checkPowerFactor(pf, 'pf');
  return Math.sqrt(1 - pf * pf) / pf;
}

/** A simultaneous pair of active and reactive power (e.g. a 15-minute average). */
export interface PowerSample {
  activeKw: number;
  /** < 0: capacitive (leading) */
  reactiveKvar: number;
}

export interface ReactiveCompensationResult {
  averageActiveKw: number;
  currentPf: number;
  targetPf: number;
  tanPhiCurrent: number;
  tanPhiTarget: number;
  /** Qc = P × (tan φ1 − tan φ2); 0 when the PF already meets the target */
  compensationKvar: number;
  overCompensation: {
    flagged: boolean;
    /** plain words with the figures, empty when not flagged */
    reasons: string[];
    exportKvarh: number;
    /** samples with P > 0 and Q < 0 */
    capacitiveSamples: number;
    /** of those, at light load (P ≤ lightLoadPct of the largest P among the samples) */
    capacitiveSamplesAtLightLoad: number;
  };
}

/**
 * Reactive compensation needed to raise the PF from `currentPf` to `targetPf` at the average
 * active load P: `Qc = P × (tan φ1 − tan φ2)` (domain.md §3; 1 kW from 0.70 to 0.95 needs
 * ≈ 0.69 kvar). Over-compensation is flagged when reactive energy was exported (export kvarh > 0)
 * or the reactive power was capacitive (Q < 0 with P > 0) at light load, where fixed capacitors
 * overshoot (domain.md §3). Light load: P ≤ `lightLoadPct` (default 30 %) of the largest P among
 * the samples, the same fraction the over-compensation rule uses.
 */
export function computeReactiveCompensation(input: {
  averageActiveKw: number;
  currentPf: number;
  targetPf: number;
  exportKvarh?: number;
  samples?: readonly PowerSample[];
  lightLoadPct?: number;
}): ReactiveCompensationResult {
  checkNonNegative(input.averageActiveKw, 'averageActiveKw');
  checkPowerFactor(input.currentPf, 'currentPf');
  checkPowerFactor(input.targetPf, 'targetPf');
  const exportKvarh = input.exportKvarh ?? 0;
  checkNonNegative(exportKvarh, 'exportKvarh');
  const lightLoadPct = input.lightLoadPct ?? 30;
  checkPositive(lightLoadPct, 'lightLoadPct');
  const samples = input.samples ?? [];
  samples.forEach((s, i) => {
    if (!Number.isFinite(s.activeKw) || !Number.isFinite(s.reactiveKvar))
      throw new ReportInputError(`samples[${i}]`, 'activeKw and reactiveKvar must be numbers');
  });

  const tanPhiCurrent = tanPhi(input.currentPf);
  const tanPhiTarget = tanPhi(input.targetPf);
  const compensationKvar = Math.max(0, input.averageActiveKw * (tanPhiCurrent - tanPhiTarget));

  const maxKw = samples.reduce((m, s) => Math.max(m, s.activeKw), 0);
  const lightLimitKw = (maxKw * lightLoadPct) / 100;
  const capacitive = samples.filter((s) => s.activeKw > 0 && s.reactiveKvar < 0);
  const atLightLoad = capacitive.filter((s) => s.activeKw <= lightLimitKw);
  const reasons: string[] = [];
  if (exportKvarh > 0) reasons.push(`${round6(exportKvarh)} kvarh of reactive energy exported to the grid`);
  if (atLightLoad.length > 0)
    reasons.push(
      `reactive power capacitive in ${atLightLoad.length} of ${samples.length} samples at light load (P ≤ ${lightLoadPct} % of ${round6(maxKw)} kW)`,
    );
  return {
    averageActiveKw: input.averageActiveKw,
    currentPf: input.currentPf,
    targetPf: input.targetPf,
    tanPhiCurrent: round6(tanPhiCurrent),
    tanPhiTarget: round6(tanPhiTarget),
    compensationKvar: round6(compensationKvar),
    overCompensation: {
      flagged: reasons.length > 0,
      reasons,
      exportKvarh,
      capacitiveSamples: capacitive.length,
      capacitiveSamplesAtLightLoad: atLightLoad.length,
    },
  };
}
