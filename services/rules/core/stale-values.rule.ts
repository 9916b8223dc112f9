import type { Reading } from '../../../lib/domain/index.ts';
import type { ConditionResult } from './alert-kinds.ts';
import { isAbove, round6 } from './compare.ts';
import type { ResolvedMeterContext } from './meter-context.ts';
import type { RulesConfig } from './rules-config.ts';

// Stale / frozen values (lib/domain/reading.ts QUALITY.STALE; domain.md §6): a meter or gateway
// that keeps answering with a cached frame. Measured over a run of readings; the duration (D,
// `durations.stale_values.triggerS`) is applied by the tracker from the run's start (`since`).

const INSTANT_KEYS = [
  'voltageAV', 'voltageBV', 'voltageCV', 'voltageAbV', 'voltageBcV', 'voltageCaV',
  'currentAA', 'currentBA', 'currentCA', 'powerAKw', 'powerBKw', 'powerCKw', 'powerKw',
  'reactiveAKvar', 'reactiveBKvar', 'reactiveCKvar', 'reactiveKvar', 'apparentKva',
  'pfA', 'pfB', 'pfC', 'pf', 'frequencyHz',
] as const; // prettier-ignore

/** Serialisable memory between readings of one meter. */
export interface StaleMemory {
  /** instantaneous values of the previous reading, as a canonical string */
  fingerprint: string | null;
  /** start of the current run of identical instantaneous values (epoch ms) */
  unchangedSince: number | null;
  /** the instantaneous values have changed at least once: they normally vary */
  hasVaried: boolean;
  /** import kWh counter and the start of its current unchanged run while loaded */
  counterKwh: number | null;
  counterSince: number | null;
}

export const EMPTY_STALE_MEMORY: StaleMemory = {
  fingerprint: null,
  unchangedSince: null,
  hasVaried: false,
  counterKwh: null,
  counterSince: null,
};

function fingerprintOf(reading: Reading): string | null {
  const parts: string[] = [];
  for (const k of INSTANT_KEYS) {
    const v = reading.values[k];
    if (v !== undefined) parts.push(`${k}=${v}`);
  }
  return parts.length > 0 ? parts.join(';') : null;
}

/**
 * Two signals:
 * - all instantaneous values identical to the previous reading, on a meter whose values have
 *   varied before ("while they normally vary"); the run starts at the first of the identical
 *   readings;
 * - the import kWh counter unchanged while P is above 0.5 % of base power at every reading of
 *   the run (energy should be accumulating).
 * Clearable as soon as neither holds.
 */
export function evaluateStaleValues(
  reading: Reading,
  memory: StaleMemory,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): { results: ConditionResult[]; memory: StaleMemory } {
  const ts = reading.ts.getTime();
  const fp = fingerprintOf(reading);
  const next: StaleMemory = { ...memory };

  let valuesFrozen = false;
  if (fp !== null) {
    if (memory.fingerprint !== null && fp === memory.fingerprint) {
      valuesFrozen = memory.hasVaried;
    } else {
      if (memory.fingerprint !== null) next.hasVaried = true;
      next.unchangedSince = ts;
    }
    next.fingerprint = fp;
  }

  let counterFrozen = false;
  const kwh = reading.values.importKwh;
  const p = reading.values.powerKw;
  const minKw = (config.stale.frozenCounterMinPowerPctBase / 100) * ctx.basePowerKw;
  const loaded = p !== undefined && isAbove(p, minKw);
  if (kwh !== undefined) {
    if (loaded && memory.counterKwh === kwh && memory.counterSince !== null) {
      counterFrozen = true;
    } else {
      next.counterSince = loaded ? ts : null;
    }
    next.counterKwh = kwh;
  }
  if (fp === null && kwh === undefined) return { results: [], memory: next };

  const sinces: number[] = [];
  if (valuesFrozen && next.unchangedSince !== null) sinces.push(next.unchangedSince);
  if (counterFrozen && next.counterSince !== null) sinces.push(next.counterSince);
  const active = sinces.length > 0;
  const since = active ? Math.min(...sinces) : undefined;
  return {
    results: [
      {
        kind: 'stale_values',
        channel: 'total',
        active,
        clearable: !active,
        measured: active ? (ts - since!) / 1000 : 0,
        limit: config.durations.stale_values.triggerS,
        recoveryLimit: 0,
        unit: 's unchanged',
        ...(since !== undefined ? { since } : {}),
        details: {
          valuesFrozen,
          counterFrozen,
          importKwh: kwh ?? null,
          powerKw: p ?? null,
          minPowerKw: round6(minKw),
        },
      },
    ],
    memory: next,
  };
}
