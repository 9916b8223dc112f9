import { evaluateVoltageDeviation } from './voltage-deviation.rule.ts';
import type { Reading } from '../../../lib/domain/index.ts';
import type { ConditionResult } from './alert-kinds.ts';
import { isAbove, isAtLeast, isAtMost, round6 } from './compare.ts';
import type { ResolvedMeterContext } from './meter-context.ts';
import type { RulesConfig } from './rules-config.ts';
import { elementChannels } from './voltage-channels.ts';
import { evaluateLossOfVoltage, evaluatePhaseBreak } from './voltage-events.rule.ts';

/**
 * Negative-sequence voltage unbalance ε_U2 (%) from the three line-to-line magnitudes, exact
 * (domain.md §5, GB/T 15543-2008):
 *   L = (a⁴+b⁴+c⁴)/(a²+b²+c²)²,  ε_U2 = sqrt((1 − sqrt(3 − 6L)) / (1 + sqrt(3 − 6L))) × 100 %.
 * Balanced → 0. `3 − 6L` is clamped at 0: it is negative only for magnitudes that cannot form
 * a triangle (measurement error), where the formula's limit, 100 %, is returned.
 */
export function negativeSequenceUnbalancePct(a: number, b: number, c: number): number {
  const s2 = a * a + b * b + c * c;
  if (s2 === 0) return 0;
  const L = (a ** 4 + b ** 4 + c ** 4) / (s2 * s2);
  const root = Math.sqrt(Math.max(0, 3 - 6 * L));
  return Math.sqrt((1 - root) / (1 + root)) * 100;
}

/** NEMA approximation (domain.md §5): max |V_i − V_avg| / V_avg × 100 %. */
export function nemaUnbalancePct(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const avg = values.reduce((s, v) => s + v, 0) / values.length;
  if (avg === 0) return 0;
  return (Math.max(...values.map((v) => Math.abs(v - avg))) / avg) * 100;
}

/** Meter "unbalance rate" convention: (max − min) / max × 100 %. */
export function maxMinUnbalancePct(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const max = Math.max(...values);
  return max === 0 ? 0 : ((max - Math.min(...values)) / max) * 100;
}

export type VoltageUnbalanceMethod = 'gbt15543_exact_line' | 'nema_phase';

const finite = (xs: (number | undefined)[]): xs is number[] =>
  xs.every((x) => typeof x === 'number' && Number.isFinite(x));

/**
 * ε_U2 of one reading, labelled with its method (domain.md §5 "label which one is reported"):
 * exact from line voltages when the meter reports all three; otherwise the NEMA approximation
 * from the three phase voltages (four-wire meters only). Null when neither is available.
 */
export function measureVoltageUnbalance(
  reading: Reading,
): { pct: number; method: VoltageUnbalanceMethod; voltagesV: number[] } | null {
  const v = reading.values;
  const line = [v.voltageAbV, v.voltageBcV, v.voltageCaV];
  if (finite(line))
    return {
      pct: negativeSequenceUnbalancePct(line[0]!, line[1]!, line[2]!),
      method: 'gbt15543_exact_line',
      voltagesV: line,
    };
  const phase = [v.voltageAV, v.voltageBV, v.voltageCV];
  if (finite(phase)) return { pct: nemaUnbalancePct(phase), method: 'nema_phase', voltagesV: phase };
  return null;
}

/**
 * Voltage unbalance (domain.md §5): trips above the GB/T 15543 normal limit of 2 % held for ten
 * minutes, recovers at 1.5 %. Not judged on single-phase meters, nor while any voltage (line or
 * element) is below the monitored band (0.7 Un, domain.md §2), an element shows loss of voltage /
 * phase break, or a voltage is out of its deviation limits: those rules report it.
 */
export function evaluateVoltageUnbalance(
  reading: Reading,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  if (ctx.wiring === '1P2W') return [];
  const m = measureVoltageUnbalance(reading);
  if (!m) return [];
  const nominal = m.method === 'gbt15543_exact_line' ? ctx.lineNominalV : ctx.phaseNominalV;
  const minPctUn = config.voltageDeviation.monitoredMinPctUn;
  if (m.voltagesV.some((u) => u < (minPctUn / 100) * nominal)) return [];
  // The line voltages of a four-wire meter stay above 0.7 Un when one phase is lost (a phase at
  // 40 % Un leaves its two lines at ≈ 72 %), so the elements are checked as well: below 0.7 Un,
  // or meeting the loss-of-voltage / phase-break condition (domain.md §4), the unbalance is that
  // event's, and those rules report it.
  if (elementChannels(reading, ctx).some((e) => (e.voltageV / e.nominalV) * 100 < minPctUn)) return [];
  const voltageEvent = [...evaluateLossOfVoltage(reading, ctx, config), ...evaluatePhaseBreak(reading, ctx, config)];
  if (voltageEvent.some((r) => r.active)) return [];
  // One phase out of its deviation limits unbalances the set as a matter of course (a phase 9 %
  // low is ε_U2 ≈ 3 %); the deviation alert names that phase, so the unbalance is not reported
  // twice. An unbalance within the deviation limits is this rule's alone.
  if (evaluateVoltageDeviation(reading, ctx, config).some((r) => r.active)) return [];
  const c = config.voltageUnbalance;
  return [
    {
      kind: 'voltage_unbalance',
      channel: 'total',
      active: isAbove(m.pct, c.triggerPct),
      clearable: isAtMost(m.pct, c.recoveryPct),
      measured: round6(m.pct),
      limit: c.triggerPct,
      recoveryLimit: c.recoveryPct,
      unit: '%',
      details: { method: m.method, voltagesV: m.voltagesV },
    },
  ];
}

/**
 * Current unbalance (domain.md §4 meter event, rate > 30 %). Rate by `config.currentUnbalance.method`
 * over the phases the meter measures (three-wire: A and C). Not judged at light load (average
 * current below 5 % Ib), where small currents make any ratio large, nor while an element's
 * voltage is below 0.7 Un (a lost phase is loss of voltage / phase break).
 */
export function evaluateCurrentUnbalance(
  reading: Reading,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  if (ctx.wiring === '1P2W') return [];
  const v = reading.values;
  const phases = ctx.wiring === '3P3W' ? [v.currentAA, v.currentCA] : [v.currentAA, v.currentBA, v.currentCA];
  if (!finite(phases)) return [];
  // a lost phase carries no current: loss of voltage / phase break report that, not this rule
  const minPctUn = config.voltageDeviation.monitoredMinPctUn;
  if (elementChannels(reading, ctx).some((e) => (e.voltageV / e.nominalV) * 100 < minPctUn)) return [];
  const c = config.currentUnbalance;
  const avg = phases.reduce((s, x) => s + x, 0) / phases.length;
  if (!isAtLeast((avg / ctx.basicCurrentA) * 100, c.minAverageCurrentPctIb)) return [];
  const pct = c.method === 'nema' ? nemaUnbalancePct(phases) : maxMinUnbalancePct(phases);
  return [
    {
      kind: 'current_unbalance',
      channel: 'total',
      active: isAbove(pct, c.triggerPct),
      clearable: isAtMost(pct, c.recoveryPct),
      measured: round6(pct),
      limit: c.triggerPct,
      recoveryLimit: c.recoveryPct,
      unit: '%',
      details: { method: c.method, currentsA: phases },
    },
  ];
}
