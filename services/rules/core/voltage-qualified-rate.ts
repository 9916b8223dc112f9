import { isAbove, isBelow, round6 } from './compare.ts';
import type { ResolvedMeterContext } from './meter-context.ts';
import type { RulesConfig } from './rules-config.ts';
import { selectVoltageLimits, type VoltageLimitMethod, voltageDeviationPct } from './voltage-deviation.rule.ts';

// Voltage qualified rate 电压合格率 (domain.md §2, GB/T 12325):
//   VQR % = (1 − (t_above + t_below) / t_monitored) × 100, times in minutes;
// time is monitored only while the voltage is within 0.7–1.2 Un (an outage is "not
// monitored", not "unqualified"). Computed from 1-minute data where available; the result says
// which resolution it used.

/** One voltage value per interval (a 1-minute average, or a coarser average). */
export interface VoltageSample {
  ts: Date;
  voltageV: number;
}

export interface QualifiedRateLimits {
  nominalV: number;
  /** allowed deviation above / below nominal, % */
  upperPct: number;
  lowerPct: number;
  method: VoltageLimitMethod;
  /** monitored band, % of nominal (domain.md §2: 70–120 %) */
  monitoredMinPctUn: number;
  monitoredMaxPctUn: number;
}

export interface QualifiedRateResult {
  /** e.g. '1m'; '15m' when only 15-minute data was available */
  resolution: string;
  resolutionMinutes: number;
  minutesMonitored: number;
  minutesAbove: number;
  minutesBelow: number;
  /** samples outside 0.7–1.2 Un */
  minutesNotMonitored: number;
  /** minutes of `period` without any sample (only when a period is given) */
  minutesMissing: number | null;
  /** null when nothing was monitored */
  vqrPct: number | null;
  limits: QualifiedRateLimits;
}

/**
 * Limits for the VQR of a meter's phase or line voltages: the same GB/T 12325 selection as the
 * deviation alerts; for ≥35 kV (a sum rule, with no side) the configured split (default ±5 %).
 */
export function qualifiedRateLimits(
  ctx: ResolvedMeterContext,
  config: RulesConfig,
  voltage: 'phase' | 'line',
): QualifiedRateLimits {
  const l = selectVoltageLimits(ctx, config);
  return {
    nominalV: voltage === 'phase' ? ctx.phaseNominalV : ctx.lineNominalV,
    upperPct: l.upperPct,
    lowerPct: l.lowerPct,
    method: l.method,
    monitoredMinPctUn: config.voltageDeviation.monitoredMinPctUn,
    monitoredMaxPctUn: config.voltageDeviation.monitoredMaxPctUn,
  };
}

/**
 * Count monitored / above / below minutes. Each sample stands for `resolutionMinutes` minutes;
 * when not given it is the smallest spacing between samples (1 for a single sample). Samples
 * with the same timestamp count once (the first); samples outside `period` are skipped.
 */
export function computeVoltageQualifiedRate(
  samples: readonly VoltageSample[],
  limits: QualifiedRateLimits,
  options: { resolutionMinutes?: number; period?: { from: Date; to: Date } } = {},
): QualifiedRateResult {
  const from = options.period?.from.getTime() ?? -Infinity;
  const to = options.period?.to.getTime() ?? Infinity;
  const seen = new Set<number>();
  const kept: VoltageSample[] = [];
  for (const s of samples) {
    const t = s.ts.getTime();
    if (t < from || t >= to || seen.has(t)) continue;
    seen.add(t);
    kept.push(s);
  }
  kept.sort((a, b) => a.ts.getTime() - b.ts.getTime());
  let resolutionMinutes = options.resolutionMinutes;
  if (resolutionMinutes === undefined) {
    let minGap = Infinity;
    for (let i = 1; i < kept.length; i++) minGap = Math.min(minGap, kept[i]!.ts.getTime() - kept[i - 1]!.ts.getTime());
    resolutionMinutes = Number.isFinite(minGap) ? Math.max(1, Math.round(minGap / 60_000)) : 1;
  }

  let monitored = 0;
  let above = 0;
  let below = 0;
  let notMonitored = 0;
  for (const s of kept) {
    const pctUn = (s.voltageV / limits.nominalV) * 100;
    if (isBelow(pctUn, limits.monitoredMinPctUn) || isAbove(pctUn, limits.monitoredMaxPctUn)) {
      notMonitored += resolutionMinutes;
      continue;
    }
    monitored += resolutionMinutes;
    const dev = voltageDeviationPct(s.voltageV, limits.nominalV);
    if (isAbove(dev, limits.upperPct)) above += resolutionMinutes;
    else if (isBelow(dev, -limits.lowerPct)) below += resolutionMinutes;
  }
  const periodMinutes = options.period ? Math.round((to - from) / 60_000) : null;
  return {
    resolution: `${resolutionMinutes}m`,
    resolutionMinutes,
    minutesMonitored: monitored,
    minutesAbove: above,
    minutesBelow: below,
    minutesNotMonitored: notMonitored,
    minutesMissing: periodMinutes === null ? null : Math.max(0, periodMinutes - kept.length * resolutionMinutes),
    vqrPct: monitored > 0 ? round6((1 - (above + below) / monitored) * 100) : null,
    limits,
  };
}
