import type { Reading } from '../../../lib/domain/index.ts';
import { evaluateAbnormalConsumption } from './abnormal-consumption.rule.ts';
import type { ConditionResult } from './alert-kinds.ts';
import {
  type AlertTransition,
  applyConditions,
  type MeterRulesState,
  severityFor,
  type TrackerEnv,
} from './alert-tracker.ts';
import { evaluateOverDemand } from './demand.rule.ts';
import { advanceEnergyBlocks, currentBlock, EMPTY_ENERGY_MEMORY, type EnergyBlock } from './energy-blocks.ts';
import { type MeterRuleContext, type ResolvedMeterContext, resolveMeterContext } from './meter-context.ts';
import {
  evaluateLowPowerFactorFromEnergy,
  evaluateLowPowerFactorInstant,
  evaluateOverCompensation,
} from './power-factor.rule.ts';
import { evaluateReversePower } from './reverse-power.rule.ts';
import type { RulesConfig } from './rules-config.ts';
import { EMPTY_STALE_MEMORY, evaluateStaleValues } from './stale-values.rule.ts';
import { evaluateCurrentUnbalance, evaluateVoltageUnbalance } from './unbalance.rule.ts';
import { evaluateVoltageDeviation } from './voltage-deviation.rule.ts';
import { evaluateLossOfVoltage, evaluatePhaseBreak } from './voltage-events.rule.ts';

/** Everything the rules service remembers; plain JSON, checkpointed by the DB adapter. */
export interface RulesState {
  version: 1;
  /** by meter id (as a string: JSON object keys) */
  meters: Record<string, MeterRulesState>;
}

export const INITIAL_RULES_STATE: RulesState = Object.freeze({ version: 1, meters: {} }) as RulesState;

export type IgnoredReason = 'unknown_meter' | 'out_of_order' | 'duplicate' | 'future';

export interface IgnoredReading {
  meterId: number;
  ts: Date;
  reason: IgnoredReason;
}

export interface EvaluationResult {
  state: RulesState;
  /** in processing order: meters by id, each meter's readings by time, then communication checks */
  transitions: AlertTransition[];
  /** readings not evaluated, with why (for a log line or dead letters) */
  ignored: IgnoredReading[];
}

/** Inputs a rule step needs for one reading. */
export interface RuleInput {
  reading: Reading;
  ctx: ResolvedMeterContext;
  config: RulesConfig;
  /** the 15-minute energy block the reading sits just after, if complete (sticky for a block) */
  block: EnergyBlock | null;
}

/** The instantaneous and block rules, as a declared list of steps (conventions.md §6). */
export const RULE_STEPS: readonly { name: string; evaluate: (input: RuleInput) => ConditionResult[] }[] = [
  { name: 'voltage-deviation', evaluate: ({ reading, ctx, config }) => evaluateVoltageDeviation(reading, ctx, config) },
  { name: 'loss-of-voltage', evaluate: ({ reading, ctx, config }) => evaluateLossOfVoltage(reading, ctx, config) },
  { name: 'phase-break', evaluate: ({ reading, ctx, config }) => evaluatePhaseBreak(reading, ctx, config) },
  { name: 'voltage-unbalance', evaluate: ({ reading, ctx, config }) => evaluateVoltageUnbalance(reading, ctx, config) },
  { name: 'current-unbalance', evaluate: ({ reading, ctx, config }) => evaluateCurrentUnbalance(reading, ctx, config) },
  { name: 'reverse-power', evaluate: ({ reading, ctx, config }) => evaluateReversePower(reading, ctx, config) },
  {
    name: 'over-compensation',
    evaluate: ({ reading, ctx, config, block }) => evaluateOverCompensation(reading, block, ctx, config),
  },
  {
    // energy counters when the meter has reactive counters, else the instantaneous PF
    name: 'low-power-factor',
    evaluate: ({ reading, ctx, config, block }) =>
      reading.values.importKvarh !== undefined
        ? block
          ? evaluateLowPowerFactorFromEnergy(block, ctx, config)
          : []
        : evaluateLowPowerFactorInstant(reading, ctx, config),
  },
  { name: 'over-demand', evaluate: ({ ctx, config, block }) => (block ? evaluateOverDemand(block, ctx, config) : []) },
  {
    name: 'abnormal-consumption',
    evaluate: ({ ctx, config, block }) => (block ? evaluateAbnormalConsumption(block, ctx, config) : []),
  },
];

function newMeterState(evaluationMs: number): MeterRulesState {
  return {
    lastTs: null,
    watchSince: evaluationMs,
    tracks: {},
    open: {},
    energy: structuredClone(EMPTY_ENERGY_MEMORY),
    stale: { ...EMPTY_STALE_MEMORY },
  };
}

function contextOf(
  contextByMeter: ReadonlyMap<number, MeterRuleContext> | Readonly<Record<number, MeterRuleContext>>,
  meterId: number,
): MeterRuleContext | undefined {
  return contextByMeter instanceof Map
    ? contextByMeter.get(meterId)
    : (contextByMeter as Readonly<Record<number, MeterRuleContext>>)[meterId];
}

function allMeterIds(
  contextByMeter: ReadonlyMap<number, MeterRuleContext> | Readonly<Record<number, MeterRuleContext>>,
): number[] {
  return contextByMeter instanceof Map ? [...contextByMeter.keys()] : Object.keys(contextByMeter).map(Number);
}

/**
 * Evaluate a batch of readings. Pure and deterministic: the result depends only on the inputs
 * (no clock, no I/O), and the input state is not modified.
 *
 * - Readings are grouped per meter and processed in timestamp order. A reading at or before
 *   the meter's last processed timestamp (from this batch or an earlier one) is ignored
 *   ('duplicate' if equal, else 'out_of_order'): the state machine never goes back in time,
 *   so a replayed or late batch cannot open or clear anything twice.
 * - Readings more than `maxClockSkewS` after `evaluationTime` are ignored ('future'): one
 *   reading from a meter whose clock runs ahead would otherwise make every later correct
 *   reading "out of order".
 * - Readings of meters without a context are ignored ('unknown_meter').
 * - communication_lost opens at last seen + timeout (a reading gap inside the batch, or
 *   `evaluationTime` past it) and clears at the next reading (never before it opened).
 *   A meter first known without any reading counts as last seen at its first evaluation.
 */
export function evaluateReadings(
  state: RulesState,
  readings: readonly Reading[],
  contextByMeter: ReadonlyMap<number, MeterRuleContext> | Readonly<Record<number, MeterRuleContext>>,
  config: RulesConfig,
  evaluationTime: Date,
): EvaluationResult {
  const evaluationMs = evaluationTime.getTime();
  const next: RulesState = structuredClone(state);
  const transitions: AlertTransition[] = [];
  const ignored: IgnoredReading[] = [];

  const byMeter = new Map<number, Reading[]>();
  for (const r of readings) {
    if (!contextOf(contextByMeter, r.meterId)) {
      ignored.push({ meterId: r.meterId, ts: r.ts, reason: 'unknown_meter' });
      continue;
    }
    if (r.ts.getTime() > evaluationMs + config.maxClockSkewS * 1000) {
      ignored.push({ meterId: r.meterId, ts: r.ts, reason: 'future' });
      continue;
    }
    let list = byMeter.get(r.meterId);
    if (!list) byMeter.set(r.meterId, (list = []));
    list.push(r);
  }

  const meterIds = [...new Set([...allMeterIds(contextByMeter), ...byMeter.keys()])].sort((a, b) => a - b);
  for (const meterId of meterIds) {
    const raw = contextOf(contextByMeter, meterId);
    if (!raw) continue;
    const ctx = resolveMeterContext(raw, config);
    const meter = (next.meters[String(meterId)] ??= newMeterState(evaluationMs));
    const env: TrackerEnv = {
      meterId,
      accountId: ctx.accountId,
      tier: ctx.tier,
      config,
      continuityGapMs: ctx.commTimeoutS * 1000,
    };
    const list = (byMeter.get(meterId) ?? []).slice().sort((a, b) => a.ts.getTime() - b.ts.getTime());
    for (const reading of list) {
      const ts = reading.ts.getTime();
      if (meter.lastTs !== null && ts <= meter.lastTs) {
        ignored.push({ meterId, ts: reading.ts, reason: ts === meter.lastTs ? 'duplicate' : 'out_of_order' });
        continue;
      }
      transitions.push(...checkCommunication(meter, ts, ctx, env, 'reading_gap'));
      transitions.push(...clearCommunication(meter, reading, env));
      meter.lastTs = ts;
      transitions.push(...evaluateOneReading(meter, reading, ctx, config, env));
    }
    transitions.push(...checkCommunication(meter, evaluationMs, ctx, env, 'evaluation_time'));
  }
  return { state: next, transitions, ignored };
}

function evaluateOneReading(
  meter: MeterRulesState,
  reading: Reading,
  ctx: ResolvedMeterContext,
  config: RulesConfig,
  env: TrackerEnv,
): AlertTransition[] {
  const ts = reading.ts.getTime();
  meter.energy = advanceEnergyBlocks(meter.energy, reading, config, ctx.basePowerKw).memory;
  const input: RuleInput = { reading, ctx, config, block: currentBlock(meter.energy, ts, config) };
  const conditions = RULE_STEPS.flatMap((step) => step.evaluate(input));
  const stale = evaluateStaleValues(reading, meter.stale, ctx, config);
  meter.stale = stale.memory;
  conditions.push(...stale.results);
  return applyConditions(meter, conditions, reading, env);
}

/** Open communication_lost if nothing was seen for the timeout before `nowMs`. */
function checkCommunication(
  meter: MeterRulesState,
  nowMs: number,
  ctx: ResolvedMeterContext,
  env: TrackerEnv,
  detectedBy: 'reading_gap' | 'evaluation_time',
): AlertTransition[] {
  if (meter.open.communication_lost) return [];
  const lastSeen = meter.lastTs ?? meter.watchSince;
  const timeoutMs = ctx.commTimeoutS * 1000;
  if (nowMs - lastSeen < timeoutMs) return [];
  const openedAt = lastSeen + timeoutMs;
  const severity = severityFor('communication_lost', env.tier, env.config);
  const alertKey = `${env.meterId}:communication_lost:${new Date(openedAt).toISOString()}`;
  meter.open.communication_lost = {
    kind: 'communication_lost',
    phase: null,
    channels: ['total'],
    openedAt,
    severity,
    alertKey,
  };
  return [
    {
      type: 'open',
      meterId: env.meterId,
      accountId: env.accountId,
      kind: 'communication_lost',
      phase: null,
      at: new Date(openedAt),
      severity,
      alertKey,
      evidence: {
        lastSeenAt: new Date(lastSeen).toISOString(),
        neverSeen: meter.lastTs === null,
        timeoutS: ctx.commTimeoutS,
        pollIntervalS: ctx.pollIntervalS,
        detectedBy,
        detectedAt: new Date(nowMs).toISOString(),
      },
    },
  ];
}

function clearCommunication(meter: MeterRulesState, reading: Reading, env: TrackerEnv): AlertTransition[] {
  const alert = meter.open.communication_lost;
  if (!alert) return [];
  delete meter.open.communication_lost;
  return [
    {
      type: 'clear',
      meterId: env.meterId,
      accountId: env.accountId,
      kind: 'communication_lost',
      phase: null,
      at: new Date(Math.max(reading.ts.getTime(), alert.openedAt)),
      severity: alert.severity,
      alertKey: alert.alertKey,
      evidence: { openedAt: new Date(alert.openedAt).toISOString(), firstReadingAt: reading.ts.toISOString() },
    },
  ];
}
