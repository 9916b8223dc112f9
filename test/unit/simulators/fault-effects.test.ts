// Each fault kind as the meter model shows it (the wire tests check transports). A faulted
// meter is compared with its fault-free twin (same spec and seed) at the same instant.
import { describe, expect, it } from 'vitest';
import { COUNTER_KEYS } from '../../../lib/meter-maps/index.ts';
import { FAULT_EFFECTS } from '../../../simulators/fault-effects.ts';
import { FAULT_KINDS, FAULT_KIND_INFO } from '../../../simulators/fault-kinds.ts';
import type { ScenarioFault } from '../../../simulators/scenario.ts';
import { phaseVoltageOf } from '../../../simulators/voltage-classes.ts';
import {
  buildMeter,
  HOUR_MS,
  type FaultInput,
  MINUTE_MS,
  MONDAY_MIDNIGHT_MS,
  MV_ACREL_SPEC,
  nemaUnbalance,
} from '../../support/simulators.ts';

const SPEC = { ...MV_ACREL_SPEC, profile: 'hospital' as const };
const UN = phaseVoltageOf(10_000);
/** The fault runs 10:00-10:30 local time; probes at 10:10 (inside) and 09:50 (before). */
const FAULT_START_S = 10 * 3600;
const INSIDE_MS = MONDAY_MIDNIGHT_MS + 10 * HOUR_MS + 10 * MINUTE_MS;
const BEFORE_MS = MONDAY_MIDNIGHT_MS + 10 * HOUR_MS - 10 * MINUTE_MS;
const AFTER_MS = MONDAY_MIDNIGHT_MS + 10 * HOUR_MS + 40 * MINUTE_MS;

function faulted(kind: ScenarioFault['kind'], params: Record<string, unknown> = {}, durationS = 1800) {
  const fault: FaultInput = { meter: SPEC.code, kind, start: FAULT_START_S, durationS, params };
  return { meter: buildMeter(SPEC, { faults: [fault] }), twin: buildMeter(SPEC) };
}

describe('fault kinds are all implemented', () => {
  it('has an effect for every physics kind and a layer for every kind', () => {
    const physics = FAULT_KINDS.filter((k) => FAULT_KIND_INFO[k].layer === 'physics');
    expect(Object.keys(FAULT_EFFECTS).sort()).toEqual([...physics].sort());
  });
});

describe('physics faults (domain.md §2-§4)', () => {
  it('under_voltage: all phases at nominal − depth, only inside the window', () => {
    const { meter } = faulted('under_voltage', { depthPct: 10 });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    for (const u of [v.voltageAV, v.voltageBV, v.voltageCV]) expect(u / UN).toBeCloseTo(0.9, 2);
    for (const at of [BEFORE_MS, AFTER_MS]) {
      expect(Math.abs(meter.model.snapshotAt(at).values.voltageAV / UN - 1)).toBeLessThan(0.05);
    }
  });

  it('under_voltage without a depth uses the voltage class default: 10 % at 10 kV (±7 % limit)', () => {
    const { meter } = faulted('under_voltage');
    expect(meter.faults[0]!.params).toMatchObject({ depthPct: 10 });
    expect(meter.model.snapshotAt(INSIDE_MS).values.voltageCV / UN).toBeCloseTo(0.9, 2);
  });

  it('over_voltage on phase A raises only phase A', () => {
    const { meter, twin } = faulted('over_voltage', { phase: 'A', depthPct: 12 });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    expect(v.voltageAV / UN).toBeCloseTo(1.12, 2);
    expect(v.voltageBV).toBe(twin.model.snapshotAt(INSIDE_MS).values.voltageBV);
  });

  it('loss_of_voltage: one phase below 78 % Un while its current keeps flowing', () => {
    const { meter, twin } = faulted('loss_of_voltage', { phase: 'B', levelPct: 70 });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    const t = twin.model.snapshotAt(INSIDE_MS).values;
    expect(v.voltageBV / UN).toBeLessThan(0.78);
    expect(v.voltageBV / UN).toBeCloseTo(0.7, 2);
    expect(v.currentBA).toBe(t.currentBA);
    expect(v.currentBA).toBeGreaterThan(0);
    // the meter under-registers the phase: P = V·I·PF with the low V
    expect(v.powerBKw / t.powerBKw).toBeCloseTo(v.voltageBV / t.voltageBV, 9);
  });

  it('phase_break: one phase below 60 % Un with no current and no power', () => {
    const { meter } = faulted('phase_break', { phase: 'C' });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    expect(v.voltageCV / UN).toBeLessThan(0.6);
    expect(v.currentCA).toBe(0);
    expect(v.powerCKw).toBe(0);
    expect(v.reactiveCKvar).toBe(0);
    expect(v.currentAA).toBeGreaterThan(0);
  });

  it('voltage_unbalance: NEMA phase-voltage unbalance equals unbalancePct', () => {
    const { meter } = faulted('voltage_unbalance', { phase: 'A', unbalancePct: 5 });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    expect(nemaUnbalance([v.voltageAV, v.voltageBV, v.voltageCV])).toBeCloseTo(0.05, 6);
    expect(v.voltageAV).toBeGreaterThan(v.voltageCV);
    expect(v.voltageBV).toBeLessThan(v.voltageCV);
  });

  it('current_unbalance: phase currents unbalanced by about unbalancePct, total load unchanged', () => {
    const { meter, twin } = faulted('current_unbalance', { phase: 'A', unbalancePct: 40 });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    expect(nemaUnbalance([v.currentAA, v.currentBA, v.currentCA])).toBeGreaterThan(0.35);
    expect(nemaUnbalance([v.currentAA, v.currentBA, v.currentCA])).toBeLessThan(0.45);
    expect(v.powerKw).toBeCloseTo(twin.model.snapshotAt(INSIDE_MS).values.powerKw, 6);
  });

  it('low_power_factor: total PF at the given lagging value', () => {
    const { meter } = faulted('low_power_factor', { pf: 0.72 });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    expect(v.pf).toBeCloseTo(0.72, 6);
    expect(v.reactiveKvar).toBeGreaterThan(0);
  });

  it('over_compensation: leading PF (Q < 0, P > 0) at light load with the voltage raised (domain.md §3)', () => {
    const { meter, twin } = faulted('over_compensation', { pf: 0.8, loadPct: 15, voltageRisePct: 3 });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    const t = twin.model.snapshotAt(INSIDE_MS).values;
    expect(v.reactiveKvar).toBeLessThan(0);
    expect(v.powerKw).toBeGreaterThan(0);
    expect(v.pf).toBeCloseTo(0.8, 6);
    expect(v.powerKw).toBeCloseTo(0.15 * 2000, 6);
    expect(v.voltageAV / t.voltageAV).toBeCloseTo(1.03, 9);
  });

  it('over_demand: apparent power at loadPct % of the contracted kVA', () => {
    const { meter } = faulted('over_demand', { loadPct: 125 });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    expect(v.apparentKva / 2500).toBeGreaterThan(1.2);
    expect(v.apparentKva / 2500).toBeLessThan(1.3);
  });

  it('reverse_power on all phases: every P and PF negative, the mirror of the twin', () => {
    const { meter, twin } = faulted('reverse_power', { phase: 'all' });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    const t = twin.model.snapshotAt(INSIDE_MS).values;
    expect(v.powerKw).toBeCloseTo(-t.powerKw, 6);
    expect(v.reactiveKvar).toBeCloseTo(-t.reactiveKvar, 6);
    for (const pf of [v.pfA, v.pfB, v.pfC, v.pf]) expect(pf).toBeLessThan(0);
  });

  it('reverse_power on one phase: only that phase exports', () => {
    const { meter } = faulted('reverse_power', { phase: 'B' });
    const v = meter.model.snapshotAt(INSIDE_MS).values;
    expect(v.powerBKw).toBeLessThan(0);
    expect(v.powerAKw).toBeGreaterThan(0);
    expect(v.powerCKw).toBeGreaterThan(0);
  });
});

describe('display faults', () => {
  it('stale_values: the meter shows its last refresh before the fault, counters included, then catches up', () => {
    const { meter, twin } = faulted('stale_values');
    const frozen = meter.model.snapshotAt(INSIDE_MS);
    const lastBefore = meter.model.snapshotAt(MONDAY_MIDNIGHT_MS + FAULT_START_S * 1000 - 1);
    expect(frozen.values).toEqual(lastBefore.values);
    expect(meter.model.snapshotAt(INSIDE_MS + 5 * MINUTE_MS).values).toEqual(lastBefore.values);
    expect(meter.model.snapshotAt(AFTER_MS).values).toEqual(twin.model.snapshotAt(AFTER_MS).values);
  });

  it('counter_rollover: the counter jumps close to its maximum and wraps inside the window', () => {
    const { meter, twin } = faulted('counter_rollover', { counter: 'importKwh' });
    // acrel-dtsd1352: wrapAtRaw 100,000,000 × 0.01 × PT 100 × CT 60
    const wrapKwh = 100_000_000 * 0.01 * 100 * 60;
    const start = MONDAY_MIDNIGHT_MS + FAULT_START_S * 1000;
    const atStart = meter.model.snapshotAt(start).values.importKwh;
    expect(atStart).toBeGreaterThan(wrapKwh * 0.999);
    expect(atStart).toBeLessThan(wrapKwh);
    const end = start + 30 * MINUTE_MS;
    const atEnd = meter.model.snapshotAt(end - 1000).values.importKwh;
    expect(atEnd).toBeLessThan(wrapKwh * 0.001);
    // modulo the register size the counter still advances by the true energy
    const trueDelta =
      twin.model.snapshotAt(end - 1000).values.importKwh - twin.model.snapshotAt(start).values.importKwh;
    expect(atEnd - atStart + wrapKwh).toBeCloseTo(trueDelta, 3);
    // the other counters are untouched
    expect(meter.model.snapshotAt(end).values.importKvarh).toBe(twin.model.snapshotAt(end).values.importKvarh);
  });

  it('meter_replacement: every counter restarts from about zero and keeps counting', () => {
    const { meter, twin } = faulted('meter_replacement');
    const start = MONDAY_MIDNIGHT_MS + FAULT_START_S * 1000;
    const before = meter.model.snapshotAt(start - 1000).values;
    const atStart = meter.model.snapshotAt(start).values;
    for (const key of COUNTER_KEYS) expect(atStart[key]).toBe(0);
    expect(before.importKwh).toBeGreaterThan(1000);
    const later = meter.model.snapshotAt(AFTER_MS).values;
    const trueDelta = twin.model.snapshotAt(AFTER_MS).values.importKwh - twin.model.snapshotAt(start).values.importKwh;
    expect(later.importKwh).toBeCloseTo(trueDelta, 6);
  });
});
