import type { Reading } from '../../../lib/domain/index.ts';
import type { ConditionResult } from './alert-kinds.ts';
import { isAbove, isAtLeast, isAtMost, isBelow, round6 } from './compare.ts';
import type { ResolvedMeterContext } from './meter-context.ts';
import type { RulesConfig } from './rules-config.ts';
import { deviationChannels } from './voltage-channels.ts';

// Voltage deviation, GB/T 12325-2008 (domain.md §2). Under-/over-voltage alerts come from this
// rule only: the meter-event levels of domain.md §4 (under-voltage < 78 % Un, over-voltage
// > 120 % Un) lie far outside the statutory limits (±7 %, +7/−10 %, 10 % sum), so any reading
// they would flag is already flagged here, under the same alert kind; a separate rule would
// only compete for the one open alert per meter and kind.

export type VoltageLimitMethod = 'contract' | 'gbt12325_sum_35kv_up' | 'gbt12325_three_phase' | 'gbt12325_single_phase';

export interface VoltageLimits {
  method: VoltageLimitMethod;
  /** allowed deviation above nominal, % */
  upperPct: number;
  /** allowed deviation below nominal, % (a positive number) */
  lowerPct: number;
  /** ≥35 kV only: the limit on |positive| + |negative| deviation, % */
  sumPct?: number;
}

/** Which GB/T 12325 limit applies to this metering point (domain.md §2). */
export function selectVoltageLimits(ctx: ResolvedMeterContext, config: RulesConfig): VoltageLimits {
  const c = config.voltageDeviation;
  // domain.md §2 "customers with special needs: as set in the supply contract"
  if (ctx.voltageLimitsPct)
    return { method: 'contract', upperPct: ctx.voltageLimitsPct.upper, lowerPct: ctx.voltageLimitsPct.lower };
  // domain.md §2: 35 kV and above, sum of absolute deviations ≤ 10 %
  if (ctx.voltageClassKv >= c.sumRuleFromKv)
    return {
      method: 'gbt12325_sum_35kv_up',
      upperPct: c.sumRuleVqrUpperPct,
      lowerPct: c.sumRuleVqrLowerPct,
      sumPct: c.sumLimitPct,
    };
  // domain.md §2: 220 V single-phase +7 % / −10 %
  if (ctx.wiring === '1P2W')
    return { method: 'gbt12325_single_phase', upperPct: c.singlePhaseUpperPct, lowerPct: c.singlePhaseLowerPct };
  // domain.md §2: 20 kV and below, three-phase ±7 %
  return { method: 'gbt12325_three_phase', upperPct: c.threePhaseLimitPct, lowerPct: c.threePhaseLimitPct };
}

/** Deviation = (measured − nominal) / nominal × 100 % (domain.md §2). */
export function voltageDeviationPct(measuredV: number, nominalV: number): number {
  return ((measuredV - nominalV) / nominalV) * 100;
}

/**
 * GB/T 12325 ≥35 kV measure: the sum of the largest positive and the largest negative
 * deviation; when all deviations have the same sign, the larger absolute value (domain.md §2).
 * Applied to the deviations of one reading's phases (or lines).
 */
export function deviationSumPct(deviationsPct: readonly number[]): {
  sumPct: number;
  positivePct: number;
  negativePct: number;
} {
  const positivePct = Math.max(0, ...deviationsPct);
  const negativePct = Math.max(0, ...deviationsPct.map((d) => -d));
  const sumPct = positivePct > 0 && negativePct > 0 ? positivePct + negativePct : Math.max(positivePct, negativePct);
  return { sumPct, positivePct, negativePct };
}

/**
 * Under- and over-voltage conditions for one reading. Per channel (phase, or line for three-wire
 * meters) against upper/lower limits; for ≥35 kV without a contract limit, one 'total' channel
 * with the sum rule, attributed to the side (over/under) with the larger deviation.
 * Recovery is `hysteresisPct` inside the limit.
 */
export function evaluateVoltageDeviation(
  reading: Reading,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  const channels = deviationChannels(reading, ctx);
  if (channels.length === 0) return [];
  const limits = selectVoltageLimits(ctx, config);
  const hyst = config.voltageDeviation.hysteresisPct;
  // domain.md §2: below 0.7 Un a minute is "not monitored" (an outage is not an unqualified
  // voltage); loss of voltage and phase break own that range. Such channels hold their alerts.
  const monitoredMin = config.voltageDeviation.monitoredMinPctUn;
  const all = channels.map((ch) => ({ ...ch, deviationPct: voltageDeviationPct(ch.voltageV, ch.nominalV) }));
  const deviations = all.filter((d) => isAtLeast(d.deviationPct, monitoredMin - 100));
  const unmonitored = all.filter((d) => !deviations.includes(d));
  const measuredBy = Object.fromEntries(
    deviations.map((d) => [d.channel, { voltageV: d.voltageV, deviationPct: round6(d.deviationPct) }]),
  );

  if (limits.sumPct !== undefined) {
    if (deviations.length === 0) return [];
    const { sumPct, positivePct, negativePct } = deviationSumPct(deviations.map((d) => d.deviationPct));
    const violated = isAbove(sumPct, limits.sumPct);
    const recovered = isAtMost(sumPct, Math.max(0, limits.sumPct - hyst));
    const overDominates = positivePct >= negativePct;
    const common = {
      channel: 'total' as const,
      measured: round6(sumPct),
      limit: limits.sumPct,
      recoveryLimit: Math.max(0, limits.sumPct - hyst),
      unit: '% sum of |deviation|',
      details: {
        method: limits.method,
        positivePct: round6(positivePct),
        negativePct: round6(negativePct),
        channels: measuredBy,
      },
    };
    return [
      { ...common, kind: 'over_voltage', active: violated && positivePct > 0 && overDominates, clearable: recovered },
      { ...common, kind: 'under_voltage', active: violated && negativePct > 0 && !overDominates, clearable: recovered },
    ];
  }

  const upperRecovery = Math.max(0, limits.upperPct - hyst);
  const lowerRecovery = Math.max(0, limits.lowerPct - hyst);
  const out: ConditionResult[] = [];
  for (const d of deviations) {
    const details = { method: limits.method, voltageV: d.voltageV, nominalV: round6(d.nominalV), source: d.source };
    out.push({
      kind: 'over_voltage',
      channel: d.channel,
      active: isAbove(d.deviationPct, limits.upperPct),
      clearable: isAtMost(d.deviationPct, upperRecovery),
      measured: round6(d.deviationPct),
      limit: limits.upperPct,
      recoveryLimit: upperRecovery,
      unit: '% deviation',
      details,
    });
    out.push({
      kind: 'under_voltage',
      channel: d.channel,
      active: isBelow(d.deviationPct, -limits.lowerPct),
      clearable: isAtLeast(d.deviationPct, -lowerRecovery),
      measured: round6(d.deviationPct),
      limit: -limits.lowerPct,
      recoveryLimit: -lowerRecovery,
      unit: '% deviation',
      details,
    });
  }
  for (const d of unmonitored) {
    const hold = {
      channel: d.channel,
      active: false,
      clearable: false,
      measured: round6(d.deviationPct),
      unit: '% deviation',
    };
    const details = { method: limits.method, voltageV: d.voltageV, notMonitored: true };
    out.push({ ...hold, kind: 'over_voltage', limit: limits.upperPct, recoveryLimit: upperRecovery, details });
    out.push({ ...hold, kind: 'under_voltage', limit: -limits.lowerPct, recoveryLimit: -lowerRecovery, details });
  }
  return out;
}
