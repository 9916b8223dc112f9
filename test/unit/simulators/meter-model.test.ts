import { describe, expect, it } from 'vitest';
import { buildDemoMeters } from '../../../simulators/demo-meters.ts';
import { DEMAND_BLOCK_MS } from '../../../simulators/meter-model.ts';
import { mulberry32 } from '../../../simulators/prng.ts';
import { phaseVoltageOf } from '../../../simulators/voltage-classes.ts';
import { buildMeter, HOUR_MS, MONDAY_MIDNIGHT_MS, MV_ACREL_SPEC } from '../../support/simulators.ts';

const REL = 1e-9;

function close(actual: number, expected: number, label: string, rel = REL): void {
  expect(Math.abs(actual - expected), label).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
}

describe('three-phase physics of every demo meter over a simulated week (thousands of samples)', () => {
  const specs = buildDemoMeters(12, 5);
  const random = mulberry32(99);
  // instantAt: the measured values without the counter history, so a week costs nothing.
  const samples = specs.flatMap((spec) => {
    const meter = buildMeter(spec);
    return Array.from({ length: 300 }, () => {
      const timeMs = MONDAY_MIDNIGHT_MS + Math.floor(random() * 7 * 24 * 3600) * 1000;
      return { spec, values: meter.model.instantAt(timeMs).values };
    });
  });

  it('draws 3600 samples', () => {
    expect(samples).toHaveLength(3600);
  });

  it('reports in snapshots exactly the instantaneous physics of that refresh', () => {
    const meter = buildMeter(specs[0]!);
    const t = MONDAY_MIDNIGHT_MS + 3 * HOUR_MS + 500;
    expect(meter.model.snapshotAt(t).values).toMatchObject(meter.model.instantAt(t).values);
  });

  it('has P = V·I·PF on every phase', () => {
    for (const { values: v } of samples) {
      close(v.powerAKw, (v.voltageAV * v.currentAA * v.pfA) / 1000, 'phase A');
      close(v.powerBKw, (v.voltageBV * v.currentBA * v.pfB) / 1000, 'phase B');
      close(v.powerCKw, (v.voltageCV * v.currentCA * v.pfC) / 1000, 'phase C');
    }
  });

  it('has P² + Q² = (V·I)² on every phase, with lagging (positive) Q in normal operation', () => {
    for (const { values: v } of samples) {
      const phases = [
        [v.powerAKw, v.reactiveAKvar, v.voltageAV * v.currentAA],
        [v.powerBKw, v.reactiveBKvar, v.voltageBV * v.currentBA],
        [v.powerCKw, v.reactiveCKvar, v.voltageCV * v.currentCA],
      ] as const;
      for (const [p, q, va] of phases) {
        close(p * p + q * q, (va / 1000) ** 2, 'S² per phase', 1e-8);
        expect(q).toBeGreaterThanOrEqual(0);
        expect(p).toBeGreaterThan(0);
      }
    }
  });

  it('has totals equal to the sums of the phases, S² = P² + Q² and PF = P/S', () => {
    for (const { values: v } of samples) {
      close(v.powerKw, v.powerAKw + v.powerBKw + v.powerCKw, 'P total');
      close(v.reactiveKvar, v.reactiveAKvar + v.reactiveBKvar + v.reactiveCKvar, 'Q total');
      close(v.apparentKva ** 2, v.powerKw ** 2 + v.reactiveKvar ** 2, 'S total', 1e-8);
      close(v.pf, v.powerKw / v.apparentKva, 'PF total');
    }
  });

  it('has line voltages of phasors 120° apart: U_ab² = U_a² + U_b² + U_a·U_b', () => {
    for (const { values: v } of samples) {
      close(v.voltageAbV ** 2, v.voltageAV ** 2 + v.voltageBV ** 2 + v.voltageAV * v.voltageBV, 'U_ab');
      close(v.voltageBcV ** 2, v.voltageBV ** 2 + v.voltageCV ** 2 + v.voltageBV * v.voltageCV, 'U_bc');
      close(v.voltageCaV ** 2, v.voltageCV ** 2 + v.voltageAV ** 2 + v.voltageCV * v.voltageAV, 'U_ca');
    }
  });

  it('keeps frequency within ±0.2 Hz of 50 Hz and voltage inside the ±7 % of GB/T 12325 without faults', () => {
    for (const { spec, values: v } of samples) {
      expect(Math.abs(v.frequencyHz - 50)).toBeLessThanOrEqual(0.2);
      const un = phaseVoltageOf(spec.nominalVoltageV);
      for (const u of [v.voltageAV, v.voltageBV, v.voltageCV]) {
        expect(Math.abs(u / un - 1)).toBeLessThan(0.07);
      }
    }
  });

  it('runs 60 Hz meters around 60 Hz', () => {
    const meter = buildMeter({ ...MV_ACREL_SPEC, frequencyHz: 60 });
    for (let h = 0; h < 24; h++) {
      const f = meter.model.snapshotAt(MONDAY_MIDNIGHT_MS + h * HOUR_MS).values.frequencyHz;
      expect(Math.abs(f - 60)).toBeLessThanOrEqual(0.2);
    }
  });
});

describe('energy counters and demand', () => {
  const STEP_MS = 1000;

  it('advance by exactly the integral of the reported power (rectangle per 1 s step, 2 h)', () => {
    const meter = buildMeter({ ...MV_ACREL_SPEC, profile: 'steel_three_shift' });
    const t0 = MONDAY_MIDNIGHT_MS + 7 * HOUR_MS;
    let integralKwh = 0;
    let integralKvarh = 0;
    const first = meter.model.snapshotAt(t0).values;
    for (let t = t0; t < t0 + 2 * HOUR_MS; t += STEP_MS) {
      const v = meter.model.snapshotAt(t).values;
      integralKwh += (v.powerKw * STEP_MS) / HOUR_MS;
      integralKvarh += (v.reactiveKvar * STEP_MS) / HOUR_MS;
    }
    const last = meter.model.snapshotAt(t0 + 2 * HOUR_MS).values;
    close(last.importKwh - first.importKwh, integralKwh, 'kWh', 1e-9);
    close(last.importKvarh - first.importKvarh, integralKvarh, 'kvarh', 1e-9);
    expect(last.exportKwh).toBe(first.exportKwh);
    expect(integralKwh).toBeGreaterThan(0);
  });

  it('counts reverse energy in the export counters and leaves the import counters still', () => {
    const meter = buildMeter(MV_ACREL_SPEC, {
      faults: [{ meter: 'MV1', kind: 'reverse_power', start: 3600, durationS: 600, params: { phase: 'all' } }],
    });
    const from = MONDAY_MIDNIGHT_MS + HOUR_MS;
    let exportedKwh = 0;
    let exportedKvarh = 0;
    for (let t = from; t < from + 600_000; t += STEP_MS) {
      const v = meter.model.snapshotAt(t).values;
      expect(v.powerKw).toBeLessThan(0);
      exportedKwh += (-v.powerKw * STEP_MS) / HOUR_MS;
      exportedKvarh += (-v.reactiveKvar * STEP_MS) / HOUR_MS;
    }
    const before = meter.model.snapshotAt(from).values;
    const after = meter.model.snapshotAt(from + 600_000).values;
    expect(after.importKwh).toBe(before.importKwh);
    close(after.exportKwh - before.exportKwh, exportedKwh, 'export kWh');
    close(after.exportKvarh - before.exportKvarh, exportedKvarh, 'export kvarh');
  });

  it('reports 15-minute block demand as the block energy × 4 and its maximum (domain.md §6)', () => {
    const meter = buildMeter({ ...MV_ACREL_SPEC, profile: 'factory_day_shift' });
    let maxKw = 0;
    for (let block = 1; block <= 96; block++) {
      const boundary = MONDAY_MIDNIGHT_MS + block * DEMAND_BLOCK_MS;
      const atBoundary = meter.model.snapshotAt(boundary);
      const blockStart = meter.model.snapshotAt(boundary - DEMAND_BLOCK_MS);
      const expected = (atBoundary.values.importKwh - blockStart.values.importKwh) * 4;
      close(atBoundary.extras.demandKw, expected, `block ${block}`, 1e-9);
      maxKw = Math.max(maxKw, expected);
      close(atBoundary.extras.maxDemandKw, maxKw, `max after block ${block}`, 1e-9);
    }
    // a day-shift factory peaks during the shift and idles at night
    expect(maxKw).toBeGreaterThan(2000 * 0.7);
  });
});

describe('determinism', () => {
  it('gives the same values for the same fleet seed and spec', () => {
    const a = buildMeter(MV_ACREL_SPEC, { fleetSeed: 42 });
    const b = buildMeter(MV_ACREL_SPEC, { fleetSeed: 42 });
    for (let h = 0; h < 48; h += 5) {
      const t = MONDAY_MIDNIGHT_MS + h * HOUR_MS + 1234;
      expect(b.model.snapshotAt(t)).toEqual(a.model.snapshotAt(t));
    }
  });

  it('gives different noise for a different fleet seed', () => {
    const a = buildMeter(MV_ACREL_SPEC, { fleetSeed: 42 });
    const b = buildMeter(MV_ACREL_SPEC, { fleetSeed: 43 });
    const t = MONDAY_MIDNIGHT_MS + 10 * HOUR_MS;
    expect(b.model.snapshotAt(t).values.powerKw).not.toBe(a.model.snapshotAt(t).values.powerKw);
  });

  it('does not depend on the order in which times are read (replay from checkpoints)', () => {
    const forward = buildMeter(MV_ACREL_SPEC);
    const backward = buildMeter(MV_ACREL_SPEC);
    const times = [1, 3, 7, 11].map((h) => MONDAY_MIDNIGHT_MS + h * HOUR_MS + 17_000);
    const forwardValues = times.map((t) => forward.model.snapshotAt(t));
    backward.model.snapshotAt(times[3]!);
    const backwardValues = [...times]
      .reverse()
      .map((t) => backward.model.snapshotAt(t))
      .reverse();
    expect(backwardValues).toEqual(forwardValues);
  });

  it('replays old times exactly after a long run has thinned its checkpoints', () => {
    const longRun = buildMeter(MV_ACREL_SPEC, { stepMs: 10_000 });
    const fresh = buildMeter(MV_ACREL_SPEC, { stepMs: 10_000 });
    longRun.model.snapshotAt(MONDAY_MIDNIGHT_MS + 4 * 24 * HOUR_MS);
    const old = MONDAY_MIDNIGHT_MS + 26 * HOUR_MS + 17 * 60_000;
    expect(longRun.model.snapshotAt(old)).toEqual(fresh.model.snapshotAt(old));
  });

  it('holds values constant within one refresh step', () => {
    const meter = buildMeter(MV_ACREL_SPEC);
    const t = MONDAY_MIDNIGHT_MS + 5 * HOUR_MS;
    expect(meter.model.snapshotAt(t + 999)).toBe(meter.model.snapshotAt(t));
    expect(meter.model.snapshotAt(t + 1000).timeMs).toBe(t + 1000);
  });

  it('refuses times before the simulation start with SIM_TIME_BEFORE_START', () => {
    const meter = buildMeter(MV_ACREL_SPEC);
    expect(() => meter.model.snapshotAt(MONDAY_MIDNIGHT_MS - 1)).toThrow(
      expect.objectContaining({ code: 'SIM_TIME_BEFORE_START' }),
    );
  });
});
