import { ReportInputError } from './errors.ts';
import { checkNonNegative, checkPositive, checkPowerFactor, pct, round6 } from './inputs.ts';

// Load factor and transformer sizing (domain.md §11: customers are advised when their
// transformer is too large or too small).

export interface LoadFactorResult {
  energyKwh: number;
  hours: number;
  /** energy / hours */
  averageDemandKw: number;
  maxDemandKw: number;
  /** average / maximum demand × 100; null when the maximum is 0 */
  loadFactorPct: number | null;
}

/**
 * Load factor = average demand / maximum demand. `hours` are the hours the energy covers (leave
 * out hours without data, or the average is too low).
 */
export function computeLoadFactor(input: { energyKwh: number; hours: number; maxDemandKw: number }): LoadFactorResult {
  checkNonNegative(input.energyKwh, 'energyKwh');
  checkPositive(input.hours, 'hours');
  checkNonNegative(input.maxDemandKw, 'maxDemandKw');
  const averageDemandKw = input.energyKwh / input.hours;
  if (averageDemandKw > input.maxDemandKw * (1 + 1e-9) + 1e-9)
    throw new ReportInputError(
      'maxDemandKw',
      `${input.maxDemandKw} kW is below the average demand ${round6(averageDemandKw)} kW: energy and maximum do not belong together`,
    );
  return {
    energyKwh: input.energyKwh,
    hours: input.hours,
    averageDemandKw: round6(averageDemandKw),
    maxDemandKw: input.maxDemandKw,
    loadFactorPct: pct(averageDemandKw, input.maxDemandKw),
  };
}

export interface SizingThresholds {
  /** utilisation below this: transformer too large (default 30 %) */
  tooLargeBelowPct: number;
  /** utilisation above this: transformer too small (default 90 %) */
  tooSmallAbovePct: number;
}

export const DEFAULT_SIZING_THRESHOLDS: SizingThresholds = { tooLargeBelowPct: 30, tooSmallAbovePct: 90 };

export interface TransformerSizingResult {
  capacityKva: number;
  powerFactor: number;
  /** capacity × PF: the active power the transformer carries at full load */
  capacityKw: number;
  maxDemandKw: number;
  /** max demand kW / (capacity kVA × PF) × 100 */
  utilisationPct: number;
  advice: 'too_large' | 'too_small' | 'adequate';
  /** the advice in words, with the figures */
  message: string;
  thresholds: SizingThresholds;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/**
 * Transformer utilisation = maximum demand kW / (capacity kVA × PF). Too large when the month's
 * maximum stays under `tooLargeBelowPct` of it (the customer pays capacity charges and no-load
 * losses for nothing), too small above `tooSmallAbovePct` (no margin for growth or a hot day).
 * Exactly at a threshold counts as adequate.
 */
export function adviseTransformerSizing(
  input: { maxDemandKw: number; capacityKva: number; powerFactor: number },
  thresholds: SizingThresholds = DEFAULT_SIZING_THRESHOLDS,
): TransformerSizingResult {
  checkNonNegative(input.maxDemandKw, 'maxDemandKw');
  checkPositive(input.capacityKva, 'capacityKva');
  checkPowerFactor(input.powerFactor, 'powerFactor');
  checkPositive(thresholds.tooLargeBelowPct, 'tooLargeBelowPct');
  checkPositive(thresholds.tooSmallAbovePct, 'tooSmallAbovePct');
  if (thresholds.tooLargeBelowPct >= thresholds.tooSmallAbovePct)
    throw new ReportInputError('tooLargeBelowPct', 'must be below tooSmallAbovePct');
  const capacityKw = input.capacityKva * input.powerFactor;
  const utilisationPct = round6((input.maxDemandKw / capacityKw) * 100);
  const figures = `maximum demand ${fmt(input.maxDemandKw, 1)} kW is ${fmt(utilisationPct, 1)} % of ${fmt(capacityKw, 1)} kW (${fmt(input.capacityKva)} kVA × PF ${input.powerFactor.toFixed(2)})`;
  let advice: TransformerSizingResult['advice'] = 'adequate';
  let message = `transformer size adequate: ${figures}`;
  if (utilisationPct < thresholds.tooLargeBelowPct) {
    advice = 'too_large';
    message = `transformer too large: ${figures}, below ${thresholds.tooLargeBelowPct} %`;
  } else if (utilisationPct > thresholds.tooSmallAbovePct) {
    advice = 'too_small';
    message = `transformer too small: ${figures}, above ${thresholds.tooSmallAbovePct} %`;
  }
  return {
    capacityKva: input.capacityKva,
    powerFactor: input.powerFactor,
    capacityKw: round6(capacityKw),
    maxDemandKw: input.maxDemandKw,
    utilisationPct,
    advice,
    message,
    thresholds,
  };
}
