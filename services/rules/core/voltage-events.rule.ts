import type { Reading } from '../../../lib/domain/index.ts';
import type { ConditionResult } from './alert-kinds.ts';
import { isAbove, isAtLeast, isBelow, round6 } from './compare.ts';
import type { ResolvedMeterContext } from './meter-context.ts';
import type { RulesConfig } from './rules-config.ts';
import { elementChannels, type VoltageChannel } from './voltage-channels.ts';

// Meter events of domain.md §4 (DL/T 645-2007 / DL/T 698.45 firmware defaults), per metering
// element. An element without a current value cannot be judged (both events depend on it) and
// produces no result, so its alert state is held.

const pctOf = (value: number, ref: number) => (value / ref) * 100;

function judged(ctx: ResolvedMeterContext, reading: Reading): (VoltageChannel & { currentA: number })[] {
  return elementChannels(reading, ctx).filter(
    (e): e is VoltageChannel & { currentA: number } => e.currentA !== undefined,
  );
}

/** One meter event of domain.md §4 as data: its thresholds and which way the current must lie. */
interface VoltageEvent {
  kind: 'loss_of_voltage' | 'phase_break';
  thresholds(config: RulesConfig): { triggerPctUn: number; recoveryPctUn: number; currentPctIb: number };
  /** the name of the current threshold in the evidence */
  currentLimitName: 'minCurrentPctIb' | 'maxCurrentPctIb';
  /** whether the element's current (% Ib) meets the event's current condition */
  currentHolds(iPct: number, limitPctIb: number): boolean;
}

const VOLTAGE_EVENTS = {
  /**
   * Loss of voltage 失压 (domain.md §4): element U < 78 % Un while its I > 0.5 % Ib; recovers at
   * U ≥ 85 % Un. Three-wire meters have no phase-B element (not evaluated, domain.md §4).
   */
  lossOfVoltage: {
    kind: 'loss_of_voltage',
    thresholds: ({ lossOfVoltage: c }) => ({ ...c, currentPctIb: c.minCurrentPctIb }),
    currentLimitName: 'minCurrentPctIb',
    currentHolds: isAbove,
  },
  /**
   * Phase break 断相 (domain.md §4): element U < 60 % Un and I < 0.5 % Ib; recovers at U ≥ 60 % Un.
   * The trigger and recovery voltage are the same; the 60 s delays are the hysteresis.
   */
  phaseBreak: {
    kind: 'phase_break',
    thresholds: ({ phaseBreak: c }) => ({ ...c, currentPctIb: c.maxCurrentPctIb }),
    currentLimitName: 'maxCurrentPctIb',
    currentHolds: isBelow,
  },
} as const satisfies Record<string, VoltageEvent>;

function evaluateVoltageEvent(
  event: VoltageEvent,
  reading: Reading,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  const c = event.thresholds(config);
  return judged(ctx, reading).map((e) => {
    const uPct = pctOf(e.voltageV, e.nominalV);
    const iPct = pctOf(e.currentA, ctx.basicCurrentA);
    return {
      kind: event.kind,
      channel: e.channel,
      active: isBelow(uPct, c.triggerPctUn) && event.currentHolds(iPct, c.currentPctIb),
      clearable: isAtLeast(uPct, c.recoveryPctUn),
      measured: round6(uPct),
      limit: c.triggerPctUn,
      recoveryLimit: c.recoveryPctUn,
      unit: '% Un',
      details: {
        voltageV: e.voltageV,
        nominalV: round6(e.nominalV),
        currentA: e.currentA,
        currentPctIb: round6(iPct),
        [event.currentLimitName]: c.currentPctIb,
        basicCurrentA: round6(ctx.basicCurrentA),
        source: e.source,
      },
    };
  });
}

/** Loss of voltage 失压 per element (VOLTAGE_EVENTS.lossOfVoltage). */
export function evaluateLossOfVoltage(
  reading: Reading,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  return evaluateVoltageEvent(VOLTAGE_EVENTS.lossOfVoltage, reading, ctx, config);
}

/** Phase break 断相 per element (VOLTAGE_EVENTS.phaseBreak). */
export function evaluatePhaseBreak(
  reading: Reading,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
): ConditionResult[] {
  return evaluateVoltageEvent(VOLTAGE_EVENTS.phaseBreak, reading, ctx, config);
}
