import type { Reading } from '../../../lib/domain/index.ts';
import type { ConditionResult } from './alert-kinds.ts';
import { isAbove, isAtLeast, isAtMost, isBelow, round6 } from './compare.ts';
import { blockDemandKw } from './demand.rule.ts';
import type { EnergyBlock } from './energy-blocks.ts';
import type { ResolvedMeterContext } from './meter-context.ts';
import type { RulesConfig } from './rules-config.ts';

/**
 * PF from energy (domain.md §3): PF = kWh / sqrt(kWh² + kvarh²) with kvarh = import + export
 * reactive energy, so reactive power pushed back (over-compensation) lowers the PF as it does on
 * the bill. Null when there is no energy at all.
 */
export function powerFactorFromEnergy(e: { kwh: number; importKvarh: number; exportKvarh?: number }): number | null {
  const kvarh = e.importKvarh + (e.exportKvarh ?? 0);
  if (e.kwh <= 0 && kvarh <= 0) return null;
  return e.kwh / Math.hypot(e.kwh, kvarh);
}

/**
 * Low PF over a 15-minute block, from energy counters (domain.md §3): below the account's PF
 * target trips; recovery needs target + margin. Blocks at light load (average P below
 * `minLoadFraction` of the reference load) are not judged: neither active nor clearable, so a
 * pending alert restarts and an open one holds.
 */
export function evaluateLowPowerFactorFromEnergy(
  block: EnergyBlock,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  const kwh = block.deltas.importKwh;
  const importKvarh = block.deltas.importKvarh;
  if (kwh === undefined || importKvarh === undefined) return [];
  const c = config.powerFactor;
  const pf = powerFactorFromEnergy({ kwh, importKvarh, exportKvarh: block.deltas.exportKvarh });
  const avgKw = blockDemandKw(block) ?? 0;
  const loaded = isAtLeast(avgKw, c.minLoadFraction * ctx.referenceLoadKw);
  const recoveryLimit = Math.min(1, ctx.pfTarget + c.recoveryMargin);
  return [
    {
      kind: 'low_power_factor',
      channel: 'total',
      active: loaded && pf !== null && isBelow(pf, ctx.pfTarget),
      clearable: loaded && pf !== null && isAtLeast(pf, recoveryLimit),
      measured: round6(pf ?? 0),
      limit: ctx.pfTarget,
      recoveryLimit,
      unit: 'PF',
      since: block.startMs,
      details: {
        source: 'energy_block',
        blockStart: new Date(block.startMs).toISOString(),
        blockEnd: new Date(block.endMs).toISOString(),
        kwh: round6(kwh),
        importKvarh: round6(importKvarh),
        exportKvarh: round6(block.deltas.exportKvarh ?? 0),
        averageKw: round6(avgKw),
        lightLoad: !loaded,
      },
    },
  ];
}

/**
 * Low PF from one reading's total PF, for meters without reactive-energy counters. |pf| is used:
 * sign conventions for a leading PF differ between meters; over-compensation has its own rule.
 */
export function evaluateLowPowerFactorInstant(
  reading: Reading,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  const { pf, powerKw } = reading.values;
  if (pf === undefined || powerKw === undefined) return [];
  const c = config.powerFactor;
  const loaded = isAtLeast(powerKw, c.minLoadFraction * ctx.referenceLoadKw);
  const absPf = Math.abs(pf);
  const recoveryLimit = Math.min(1, ctx.pfTarget + c.recoveryMargin);
  return [
    {
      kind: 'low_power_factor',
      channel: 'total',
      active: loaded && isBelow(absPf, ctx.pfTarget),
      clearable: loaded && isAtLeast(absPf, recoveryLimit),
      measured: round6(absPf),
      limit: ctx.pfTarget,
      recoveryLimit,
      unit: 'PF',
      details: { source: 'instantaneous', pf, powerKw, lightLoad: !loaded },
    },
  ];
}

/**
 * Over-compensation (domain.md §3): capacitive reactive power while drawing active power.
 * Two signals, either trips:
 * - instantaneous: P > 0 and Q < −dead band, at light load (P ≤ lightLoadFraction × reference
 *   load), the typical case with fixed capacitors;
 * - counters: export kvarh grew during the last 15-minute block by more than the dead band
 *   power × block length, at any load, in a block that imported active energy on balance.
 * Clearable when Q ≥ 0 (or not reported) and the last block exported at most half that energy.
 */
export function evaluateOverCompensation(
  reading: Reading,
  block: EnergyBlock | null,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  const c = config.overCompensation;
  const { powerKw, reactiveKvar } = reading.values;
  const deadbandKvar = c.minLeadingKvarFraction * ctx.contractedCapacityKva;
  const lightLoadKw = c.lightLoadFraction * ctx.referenceLoadKw;
  const haveInstant = powerKw !== undefined && reactiveKvar !== undefined;
  const exportKvarh = block?.deltas.exportKvarh;
  if (!haveInstant && exportKvarh === undefined) return [];

  const instantActive =
    haveInstant && isAbove(powerKw, 0) && isBelow(reactiveKvar, -deadbandKvar) && isAtMost(powerKw, lightLoadKw);
  const instantClear = !haveInstant || isAtLeast(reactiveKvar, 0);
  let exportActive = false;
  let exportClear = true;
  let exportLimitKvarh = 0;
  if (block && exportKvarh !== undefined) {
    exportLimitKvarh = deadbandKvar * ((block.endMs - block.startMs) / 3_600_000);
    // domain.md §3: over-compensation is capacitive Q *while P > 0*. A block that exported more
    // active energy than it imported is a reversed CT or generation (reverse_power, or an
    // account that expects export): its reactive export says nothing about capacitors.
    const { importKwh, exportKwh } = block.deltas;
    const netExport = exportKwh !== undefined && exportKwh > (importKwh ?? 0);
    exportActive = !netExport && isAbove(exportKvarh, exportLimitKvarh);
    exportClear = isAtMost(exportKvarh, exportLimitKvarh / 2);
  }
  return [
    {
      kind: 'over_compensation',
      channel: 'total',
      active: instantActive || exportActive,
      clearable: instantClear && exportClear,
      measured: round6(haveInstant ? reactiveKvar : -(exportKvarh ?? 0)),
      limit: round6(-deadbandKvar),
      recoveryLimit: 0,
      unit: haveInstant ? 'kvar' : 'kvarh exported (negative)',
      ...(exportActive && block ? { since: block.startMs } : {}),
      details: {
        powerKw,
        reactiveKvar,
        lightLoadKw: round6(lightLoadKw),
        instantaneous: instantActive,
        exportKvarhInBlock: exportKvarh === undefined ? null : round6(exportKvarh),
        exportLimitKvarh: round6(exportLimitKvarh),
        exportRising: exportActive,
      },
    },
  ];
}
