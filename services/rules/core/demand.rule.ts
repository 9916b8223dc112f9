import type { ConditionResult } from './alert-kinds.ts';
import { isAbove, isAtMost, round6 } from './compare.ts';
import type { EnergyBlock } from './energy-blocks.ts';
import type { ResolvedMeterContext } from './meter-context.ts';
import type { RulesConfig } from './rules-config.ts';

/**
 * Average active power of a block from the import counter: P = ΔE / Δt, which for a 15-minute
 * block is ΔE × 4 (domain.md §6). Null when the block has no import energy counter.
 */
export function blockDemandKw(block: EnergyBlock): number | null {
  const kwh = block.deltas.importKwh;
  if (kwh === undefined) return null;
  return kwh / ((block.endMs - block.startMs) / 3_600_000);
}

/**
 * Over-demand (domain.md §6/§7): a block's demand above the cap (an explicit kW cap, or contracted
 * kVA × PF target) by more than the tolerance. Recovers when a block is back at or under the
 * cap (+ recoveryPct). The window starts at the block start.
 */
export function evaluateOverDemand(
  block: EnergyBlock,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  const demandKw = blockDemandKw(block);
  if (demandKw === null) return [];
  const c = config.demand;
  const capKw = ctx.referenceLoadKw;
  const limit = capKw * (1 + c.tolerancePct / 100);
  const recoveryLimit = capKw * (1 + c.recoveryPct / 100);
  return [
    {
      kind: 'over_demand',
      channel: 'total',
      active: isAbove(demandKw, limit),
      clearable: isAtMost(demandKw, recoveryLimit),
      measured: round6(demandKw),
      limit: round6(limit),
      recoveryLimit: round6(recoveryLimit),
      unit: 'kW',
      since: block.startMs,
      details: {
        blockStart: new Date(block.startMs).toISOString(),
        blockEnd: new Date(block.endMs).toISOString(),
        importKwh: round6(block.deltas.importKwh ?? 0),
        capKw: round6(capKw),
        capSource: ctx.referenceLoadSource,
        tolerancePct: c.tolerancePct,
      },
    },
  ];
}
