import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../../lib/domain/index.ts';
import {
  computeVoltageQualifiedRate,
  DEFAULT_RULES_CONFIG,
  type EnergyBlock,
  evaluateAbnormalConsumption,
  parseRulesConfig,
  qualifiedRateLimits,
  type SlotStat,
} from '../../../../services/rules/index.ts';
import { at, resolved, T0 } from './rules-fixtures.ts';

const cfg = DEFAULT_RULES_CONFIG;
const slots = (stat: SlotStat) => Array.from({ length: 96 }, () => stat);
const block = (kwh: number, startMs = T0): EnergyBlock => ({
  startMs,
  endMs: startMs + 900_000,
  deltas: { importKwh: kwh },
});

describe('abnormal consumption against a per-slot baseline', () => {
  // T0 is Monday 10:00 in China: slot 40 of a workday
  const workday = slots({ meanKwh: 100, stddevKwh: 10 });
  workday[40] = { meanKwh: 200, stddevKwh: 20 };
  const ctx = resolved({
    consumptionBaseline: { workday, weekend: slots({ meanKwh: 20, stddevKwh: 5 }), holidays: [], makeupWorkdays: [] },
  });

  it('picks the local slot and day type, and trips above |z| = 4 (z = (kWh − mean) / stddev)', () => {
    expect(evaluateAbnormalConsumption(block(280), ctx, cfg)[0]).toMatchObject({
      active: false,
      measured: 4,
      details: { slot: 40, dayType: 'workday' },
    });
    expect(evaluateAbnormalConsumption(block(281), ctx, cfg)[0]!.active).toBe(true);
    expect(evaluateAbnormalConsumption(block(119), ctx, cfg)[0]!.active).toBe(true);
  });

  it('clears at |z| ≤ 2 and holds between 2 and 4', () => {
    expect(evaluateAbnormalConsumption(block(240), ctx, cfg)[0]!.clearable).toBe(true);
    expect(evaluateAbnormalConsumption(block(261), ctx, cfg)[0]).toMatchObject({ active: false, clearable: false });
  });

  it('does not trip on a steady load for a deviation under 30 % of the slot mean, however many sigmas', () => {
    const steady = resolved({
      consumptionBaseline: { workday: slots({ meanKwh: 200, stddevKwh: 1 }), holidays: [], makeupWorkdays: [] },
    });
    expect(evaluateAbnormalConsumption(block(259), steady, cfg)[0]).toMatchObject({ active: false, clearable: true });
    expect(evaluateAbnormalConsumption(block(261), steady, cfg)[0]!.active).toBe(true);
  });

  it('uses the weekend profile on Saturday, and the workday profile on a make-up working Saturday', () => {
    const saturday = Date.UTC(2024, 0, 13, 2, 0, 0);
    expect(evaluateAbnormalConsumption(block(200, saturday), ctx, cfg)[0]).toMatchObject({
      active: true,
      details: { dayType: 'weekend' },
    });
    const makeup = resolved({
      consumptionBaseline: { workday, holidays: [], makeupWorkdays: ['2024-01-13'] },
    });
    expect(evaluateAbnormalConsumption(block(200, saturday), makeup, cfg)[0]).toMatchObject({
      active: false,
      details: { dayType: 'workday' },
    });
  });

  it('accepts a quantile band: outside [low / 1.5, high × 1.5] trips, inside [low, high] clears', () => {
    const q = resolved({
      consumptionBaseline: { workday: slots({ lowKwh: 80, highKwh: 120 }), holidays: [], makeupWorkdays: [] },
    });
    expect(evaluateAbnormalConsumption(block(180), q, cfg)[0]!.active).toBe(false);
    expect(evaluateAbnormalConsumption(block(181), q, cfg)[0]!.active).toBe(true);
    expect(evaluateAbnormalConsumption(block(53), q, cfg)[0]!.active).toBe(true);
    expect(evaluateAbnormalConsumption(block(120), q, cfg)[0]!.clearable).toBe(true);
    expect(evaluateAbnormalConsumption(block(122), q, cfg)[0]!.clearable).toBe(false); // 121 is within the 1 kWh minimum
  });

  it('ignores deviations under 1 kWh even when the stddev is zero', () => {
    const flat = resolved({
      consumptionBaseline: { workday: slots({ meanKwh: 2, stddevKwh: 0 }), holidays: [], makeupWorkdays: [] },
    });
    expect(evaluateAbnormalConsumption(block(2.9), flat, cfg)[0]!.active).toBe(false);
    expect(evaluateAbnormalConsumption(block(3.1), flat, cfg)[0]!.active).toBe(true);
  });
});

describe('voltage qualified rate (domain.md §2)', () => {
  const limits = qualifiedRateLimits(resolved(), cfg, 'phase'); // 220 V, ±7 %
  const minute = (i: number, v: number) => ({ ts: at(i * 60), voltageV: v });

  it('counts monitored / above / below minutes from 1-minute data and excludes an outage as not monitored', () => {
    const samples = [
      ...Array.from({ length: 90 }, (_, i) => minute(i, 220)), // 90 good
      ...Array.from({ length: 6 }, (_, i) => minute(90 + i, 236)), // 6 above (+7.3 %)
      ...Array.from({ length: 4 }, (_, i) => minute(96 + i, 204)), // 4 below (−7.3 %)
      ...Array.from({ length: 20 }, (_, i) => minute(100 + i, 0)), // outage: not monitored
      minute(120, 270), // above 1.2 Un: not monitored
    ];
    const r = computeVoltageQualifiedRate(samples, limits);
    expect(r).toMatchObject({
      resolution: '1m',
      minutesMonitored: 100,
      minutesAbove: 6,
      minutesBelow: 4,
      minutesNotMonitored: 21,
      vqrPct: 90,
    });
  });

  it('counts a voltage exactly at the limit (235.4 V = +7 %) as qualified', () => {
    expect(computeVoltageQualifiedRate([minute(0, 235.4), minute(1, 235.5)], limits)).toMatchObject({
      minutesAbove: 1,
      vqrPct: 50,
    });
  });

  it('says when it used coarser data: 15-minute samples count 15 minutes each', () => {
    const r = computeVoltageQualifiedRate([minute(0, 220), minute(15, 240), minute(30, 220), minute(45, 220)], limits);
    expect(r).toMatchObject({ resolution: '15m', minutesMonitored: 60, minutesAbove: 15, vqrPct: 75 });
  });

  it('reports minutes of the period without data, and null when nothing was monitored', () => {
    const r = computeVoltageQualifiedRate([minute(0, 0), minute(1, 0)], limits, {
      period: { from: at(0), to: at(600) },
    });
    expect(r).toMatchObject({ vqrPct: null, minutesMissing: 8, minutesNotMonitored: 2 });
  });

  it('uses the configured ±5 % split for ≥35 kV, and the line nominal when asked', () => {
    const hv = qualifiedRateLimits(resolved({ nominalVoltageV: 110_000 }), cfg, 'line');
    expect(hv).toMatchObject({ nominalV: 110_000, upperPct: 5, lowerPct: 5, method: 'gbt12325_sum_35kv_up' });
  });
});

describe('rules configuration', () => {
  it('has the domain.md defaults', () => {
    expect(cfg.lossOfVoltage).toEqual({ triggerPctUn: 78, recoveryPctUn: 85, minCurrentPctIb: 0.5 });
    expect(cfg.phaseBreak).toEqual({ triggerPctUn: 60, recoveryPctUn: 60, maxCurrentPctIb: 0.5 });
    expect(cfg.durations.phase_break).toEqual({ triggerS: 60, clearS: 60 });
    expect(cfg.voltageDeviation).toMatchObject({ sumLimitPct: 10, threePhaseLimitPct: 7, singlePhaseLowerPct: 10 });
    expect(cfg.severity.phase_break.A).toBe('critical');
  });

  it('keeps inner defaults when only one nested value is overridden', () => {
    const c = parseRulesConfig({ durations: { phase_break: { triggerS: 30 } }, lossOfVoltage: { recoveryPctUn: 90 } });
    expect(c.durations.phase_break).toEqual({ triggerS: 30, clearS: 60 });
    expect(c.durations.loss_of_voltage).toEqual({ triggerS: 60, clearS: 60 });
    expect(c.lossOfVoltage).toEqual({ triggerPctUn: 78, recoveryPctUn: 90, minCurrentPctIb: 0.5 });
  });

  it('rejects bad values with one CONFIG_INVALID error naming each field', () => {
    let err: unknown;
    try {
      parseRulesConfig({ durations: { phase_break: { triggerS: -1 } }, powerFactor: { recoveryMargin: 2 } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).code).toBe('CONFIG_INVALID');
    expect((err as ConfigError).problems.map((p) => p.split(':')[0])).toEqual([
      'rules.durations.phase_break.triggerS',
      'rules.powerFactor.recoveryMargin',
    ]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(cfg.durations.phase_break)).toBe(true);
  });
});
