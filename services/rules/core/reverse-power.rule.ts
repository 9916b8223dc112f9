import type { Reading } from '../../../lib/domain/index.ts';
import type { Channel, ConditionResult } from './alert-kinds.ts';
import { isAbove, isAtLeast, round6 } from './compare.ts';
import type { ResolvedMeterContext } from './meter-context.ts';
import type { RulesConfig } from './rules-config.ts';

/**
 * Reverse power on a consumer meter (domain.md §4): P < 0 and |P| > 0.5 % of base power, per
 * phase (four-wire and single-phase meters; against the phase's base power) and in total.
 * A three-wire meter's element powers are not phase powers, so only its total is judged.
 * Accounts with generation (`expectsExport`) are not evaluated. Recovers when P ≥ −0.25 % of
 * base power (project default hysteresis).
 */
export function evaluateReversePower(
  reading: Reading,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  if (ctx.expectsExport) return [];
  const c = config.reversePower;
  const v = reading.values;
  const items: { channel: Channel; kw: number | undefined; baseKw: number; source: string }[] = [
    { channel: 'total', kw: v.powerKw, baseKw: ctx.basePowerKw, source: 'powerKw' },
  ];
  if (ctx.wiring === '3P4W') {
    items.push(
      { channel: 'A', kw: v.powerAKw, baseKw: ctx.phaseBasePowerKw, source: 'powerAKw' },
      { channel: 'B', kw: v.powerBKw, baseKw: ctx.phaseBasePowerKw, source: 'powerBKw' },
      { channel: 'C', kw: v.powerCKw, baseKw: ctx.phaseBasePowerKw, source: 'powerCKw' },
    );
  }
  const out: ConditionResult[] = [];
  for (const it of items) {
    if (it.kw === undefined) continue;
    const limit = -(c.triggerPctBase / 100) * it.baseKw;
    const recoveryLimit = -(c.recoveryPctBase / 100) * it.baseKw;
    out.push({
      kind: 'reverse_power',
      channel: it.channel,
      // P < 0 and |P| > 0.5 % base ⇔ P < −0.5 % base
      active: isAbove(-it.kw, -limit),
      clearable: isAtLeast(it.kw, recoveryLimit),
      measured: it.kw,
      limit: round6(limit),
      recoveryLimit: round6(recoveryLimit),
      unit: 'kW',
      details: { basePowerKw: round6(it.baseKw), source: it.source },
    });
  }
  return out;
}
