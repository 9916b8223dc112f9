// Builders shared by the rules specifications. Numbers are chosen so limits are easy to read:
// a 380 V three-phase four-wire meter has a 220 V phase nominal, Ib = 100 A (0.5 % Ib = 0.5 A).
import type { Reading, ReadingValues } from '../../../../lib/domain/index.ts';
import {
  DEFAULT_RULES_CONFIG,
  evaluateReadings,
  INITIAL_RULES_STATE,
  type MeterRuleContext,
  type MeterRuleContextInput,
  parseMeterRuleContext,
  parseRulesConfig,
  resolveMeterContext,
  type RulesConfig,
  type RulesConfigInput,
  type RulesState,
} from '../../../../services/rules/index.ts';

/** Monday 2024-01-08 10:00 in China (UTC+8), on a 15-minute boundary. */
export const T0 = Date.UTC(2024, 0, 8, 2, 0, 0);
export const at = (seconds: number) => new Date(T0 + seconds * 1000);

export const METER_ID = 1;

export function context(overrides: Partial<MeterRuleContextInput> = {}): MeterRuleContext {
  return parseMeterRuleContext({
    meterId: METER_ID,
    accountId: 10,
    nominalVoltageV: 380,
    wiring: '3P4W',
    supplyVoltageKv: 10,
    contractedCapacityKva: 1000,
    pfTarget: 0.9,
    tier: 'A',
    basicCurrentA: 100,
    pollIntervalS: 15,
    ...overrides,
  });
}

export function config(overrides: RulesConfigInput = {}): RulesConfig {
  return parseRulesConfig(overrides);
}

export const resolved = (overrides: Partial<MeterRuleContextInput> = {}, cfg: RulesConfig = DEFAULT_RULES_CONFIG) =>
  resolveMeterContext(context(overrides), cfg);

/** A healthy 380/220 V reading: balanced voltages, 50 A per phase. */
export function healthyValues(overrides: ReadingValues = {}): ReadingValues {
  return {
    voltageAV: 221,
    voltageBV: 220.5,
    voltageCV: 219.8,
    currentAA: 50,
    currentBA: 50,
    currentCA: 50,
    ...overrides,
  };
}

export function reading(seconds: number, values: ReadingValues, meterId = METER_ID, quality = 0): Reading {
  return { meterId, ts: at(seconds), values, quality };
}

/** Readings every `step` seconds from `from` (inclusive) to `to` (exclusive). */
export function series(from: number, to: number, step: number, values: (s: number) => ReadingValues): Reading[] {
  const out: Reading[] = [];
  for (let s = from; s < to; s += step) out.push(reading(s, values(s)));
  return out;
}

/** Evaluate from an empty state with the evaluation time at the last reading (no comm loss). */
export function evaluate(
  readings: Reading[],
  ctx: MeterRuleContext = context(),
  cfg: RulesConfig = DEFAULT_RULES_CONFIG,
  state: RulesState = INITIAL_RULES_STATE,
  evaluationTime: Date = readings.length > 0 ? readings[readings.length - 1]!.ts : at(0),
) {
  return evaluateReadings(state, readings, new Map([[ctx.meterId, ctx]]), cfg, evaluationTime);
}

/** Transitions as compact, readable tuples for specifications. */
export const summary = (ts: { type: string; kind: string; phase: string | null; at: Date }[]) =>
  ts.map((t) => `${t.type} ${t.kind}${t.phase ? `/${t.phase}` : ''} @${(t.at.getTime() - T0) / 1000}s`);
