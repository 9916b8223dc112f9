import { describe, expect, it } from 'vitest';
import { QUALITY, type ReadingValues } from '../../../../lib/domain/index.ts';
import {
  advanceEnergyBlocks,
  blockDemandKw,
  DEFAULT_RULES_CONFIG,
  EMPTY_ENERGY_MEMORY,
  type EnergyBlock,
  evaluateLowPowerFactorFromEnergy,
  evaluateOverCompensation,
  evaluateOverDemand,
  powerFactorFromEnergy,
} from '../../../../services/rules/index.ts';
import { at, context, evaluate, healthyValues, reading, resolved, series, summary, T0 } from './rules-fixtures.ts';

const cfg = DEFAULT_RULES_CONFIG;
const block = (deltas: EnergyBlock['deltas'], startS = 0): EnergyBlock => ({
  startMs: T0 + startS * 1000,
  endMs: T0 + (startS + 900) * 1000,
  deltas,
});

/** Counters of a constant load of `kw` and `kvar` (negative = exported reactive) from T0. */
const counters = (s: number, kw: number, kvar: number): ReadingValues => ({
  importKwh: 10_000 + (kw * s) / 3600,
  exportKwh: 0,
  importKvarh: 5_000 + (Math.max(kvar, 0) * s) / 3600,
  exportKvarh: 100 + (Math.max(-kvar, 0) * s) / 3600,
});

describe('PF from energy (domain.md §3)', () => {
  it('is kWh / sqrt(kWh² + kvarh²) with kvarh = import + export', () => {
    // 90 kWh, 30 + 10 kvarh: 90 / sqrt(8100 + 1600) = 90 / 98.4886 = 0.913812
    expect(powerFactorFromEnergy({ kwh: 90, importKvarh: 30, exportKvarh: 10 })).toBeCloseTo(0.913812, 6);
    // without the exported 10 kvarh the PF would look better: 90 / sqrt(9000) = 0.948683
    expect(powerFactorFromEnergy({ kwh: 90, importKvarh: 30 })).toBeCloseTo(0.948683, 6);
    expect(powerFactorFromEnergy({ kwh: 0, importKvarh: 0 })).toBeNull();
  });

  it('is low against a 0.90 target at 0.8999, and clears at 0.92 (target + 0.02), not at 0.919', () => {
    const ctx = resolved(); // reference load 1000 kVA × 0.9 = 900 kW; 10 % light-load floor = 90 kW
    const pfBlock = (pf: number) => {
      const kwh = 100; // 400 kW average
      return evaluateLowPowerFactorFromEnergy(
        block({ importKwh: kwh, importKvarh: (kwh * Math.sqrt(1 - pf * pf)) / pf }),
        ctx,
        cfg,
      )[0]!;
    };
    expect(pfBlock(0.8999).active).toBe(true);
    expect(pfBlock(0.9)).toMatchObject({ active: false, clearable: false });
    expect(pfBlock(0.92).clearable).toBe(true);
    expect(pfBlock(0.919).clearable).toBe(false);
  });

  it('does not judge a light-load block (average P under 10 % of contracted kVA × PF target)', () => {
    const ctx = resolved();
    const r = evaluateLowPowerFactorFromEnergy(block({ importKwh: 22, importKvarh: 40 }), ctx, cfg)[0]!; // 88 kW
    expect(r).toMatchObject({ active: false, clearable: false, details: { lightLoad: true } });
  });

  it('opens low_power_factor after four consecutive low blocks (1 h), not after three', () => {
    // 400 kW at PF 0.8 (300 kvar), readings every 60 s
    const low = series(0, 3 * 900 + 60, 60, (s) => counters(s, 400, 300));
    expect(evaluate(low).transitions.filter((t) => t.kind === 'low_power_factor')).toEqual([]);
    const four = series(0, 4 * 900 + 60, 60, (s) => counters(s, 400, 300));
    const opened = evaluate(four).transitions.filter((t) => t.kind === 'low_power_factor');
    expect(summary(opened)).toEqual(['open low_power_factor @3600s']);
    expect(opened[0]!.evidence).toMatchObject({ measured: 0.8, limit: 0.9, details: { source: 'energy_block' } });
  });
});

describe('15-minute block demand from energy counters (domain.md §6)', () => {
  it('is ΔE × 4: 250 kWh in a block is 1000 kW', () => {
    expect(blockDemandKw(block({ importKwh: 250 }))).toBe(1000);
  });

  it('interpolates the counter at hh:00/15/30/45 between jittered readings', () => {
    // 600 kW until 880 s, then 1200 kW; readings 7 s after each 15-s tick, so none falls on a
    // boundary (the load is constant between the two readings around each boundary, so linear
    // interpolation is exact). True first block: (600 × 880 + 1200 × 20) / 900 = 613.33 kW;
    // taking the first reading after each boundary instead would give 618 kW. The first
    // boundary reached is 0 s (the block before it started before the first reading).
    const energy = (s: number) => 10_000 + (600 * Math.min(s, 880) + 1200 * Math.max(0, s - 880)) / 3600;
    let memory = EMPTY_ENERGY_MEMORY;
    const blocks: EnergyBlock[] = [];
    for (let s = -893; s < 1900; s += 15) {
      const r = advanceEnergyBlocks(memory, reading(s, { importKwh: energy(s) }), cfg);
      memory = r.memory;
      if (r.completed) blocks.push(r.completed);
    }
    expect(blocks.map((b) => [(b.startMs - T0) / 1000, (b.endMs - T0) / 1000])).toEqual([
      [0, 900],
      [900, 1800],
    ]);
    expect(blockDemandKw(blocks[0]!)).toBeCloseTo(613.333333, 5);
    expect(blockDemandKw(blocks[1]!)).toBeCloseTo(1200, 6);
  });

  describe('counter rise checked against the power readings (P = dE/dt)', () => {
    const feed = (rs: ReturnType<typeof reading>[], basePowerKw = 1000) => {
      let memory = EMPTY_ENERGY_MEMORY;
      const done: EnergyBlock[] = [];
      for (const r of rs) {
        const x = advanceEnergyBlocks(memory, r, cfg, basePowerKw);
        memory = x.memory;
        if (x.completed) done.push(x.completed);
      }
      return done;
    };

    it('keeps a block of genuinely high demand: counters and power agree', () => {
      // 1500 kW on a 1000 kW base: an over-demand, measured consistently
      const done = feed(series(0, 1860, 60, (s) => ({ powerKw: 1500, importKwh: 1000 + (1500 * s) / 3600 })));
      expect(done.map(blockDemandKw)).toEqual([expect.closeTo(1500, 6), expect.closeTo(1500, 6)]);
    });

    it('drops the block where a frozen counter catches up: the energy belongs to earlier blocks', () => {
      // 600 kW throughout; the counter froze from 0 s to 1500 s, then shows the true value
      const truth = (s: number) => 1000 + (600 * s) / 3600;
      const done = feed(series(0, 2760, 60, (s) => ({ powerKw: 600, importKwh: s < 1500 ? truth(0) : truth(s) })));
      // [0, 900) rose 0 kWh (frozen, consistent with "at most" the power), [900, 1800) holds the
      // 250 kWh catch-up of a 150 kWh block: dropped; [1800, 2700) is normal again
      expect(done.map((b) => [(b.startMs - T0) / 1000, Math.round(blockDemandKw(b) ?? NaN)])).toEqual([
        [0, 0],
        [1800, 600],
      ]);
    });

    it('drops the block where a register is set close to its maximum before a wrap', () => {
      const done = feed([
        ...series(0, 960, 60, (s) => ({ powerKw: 800, importKwh: 500 + (800 * s) / 3600 })),
        ...series(960, 1860, 60, (s) => ({ powerKw: 800, importKwh: 999_900 + (800 * (s - 960)) / 3600 })),
      ]);
      expect(done.map((b) => (b.startMs - T0) / 1000)).toEqual([0]);
    });

    it('does not judge a block without power readings, and allows counter resolution at light load', () => {
      expect(feed(series(0, 960, 60, (s) => ({ importKwh: 1000 + (9000 * s) / 3600 })))).toHaveLength(1);
      // 20 kW on a 1000 kW base: one 20 kWh counter step (0.01 kWh × PT 100 × CT 20) within the
      // block is resolution, not a jump — but four steps are not
      const stepped = (kwh: number) =>
        feed(series(0, 960, 60, (s) => ({ powerKw: 20, importKwh: s < 450 ? 1000 : 1000 + kwh })));
      expect(stepped(20).map(blockDemandKw)).toEqual([80]);
      expect(stepped(80)).toEqual([]);
    });
  });

  it('leaves a block incomplete across a counter reset or a gap longer than 2 minutes', () => {
    const feed = (rs: ReturnType<typeof reading>[]) => {
      let memory = EMPTY_ENERGY_MEMORY;
      const done: EnergyBlock[] = [];
      for (const r of rs) {
        const x = advanceEnergyBlocks(memory, r, cfg);
        memory = x.memory;
        if (x.completed) done.push(x.completed);
      }
      return done;
    };
    // meter replaced at 900 s: the old series' block [0, 900) is dropped, the new series
    // starts at the reset reading and completes [900, 1800) with 100 kWh
    const reset = [
      ...series(0, 900, 60, (s) => ({ importKwh: 1000 + s / 9 })),
      reading(900, { importKwh: 5 }, 1, QUALITY.COUNTER_RESET),
      ...series(960, 1860, 60, (s) => ({ importKwh: 5 + (s - 900) / 9 })),
    ];
    const done = feed(reset);
    expect(done.map((b) => (b.startMs - T0) / 1000)).toEqual([900]);
    expect(done[0]!.deltas.importKwh).toBeCloseTo(100, 9);
    const gap = [
      reading(0, { importKwh: 1000 }),
      reading(800, { importKwh: 1100 }),
      reading(1000, { importKwh: 1120 }),
    ];
    expect(feed(gap)).toEqual([]);
  });

  it('flags a block above contracted kVA × PF target + 5 %: 945 kW is allowed, 945.1 kW is not; ≤ 900 kW clears', () => {
    const ctx = resolved();
    const d = (kw: number) => evaluateOverDemand(block({ importKwh: kw / 4 }), ctx, cfg)[0]!;
    expect(d(945).active).toBe(false);
    expect(d(945.1)).toMatchObject({ active: true, limit: 945, since: T0 });
    expect(d(900).clearable).toBe(true);
    expect(d(900.1)).toMatchObject({ active: false, clearable: false });
  });

  it('uses a configured kW cap instead of the contracted capacity', () => {
    const r = evaluateOverDemand(block({ importKwh: 132 }), resolved({ demandCapKw: 500 }), cfg)[0]!; // 528 kW
    expect(r).toMatchObject({ active: true, limit: 525, details: { capSource: 'demand_cap' } });
  });

  it('opens over_demand at the start of the exceeding block and clears at the start of the next good one', () => {
    const kw = (s: number) => (s < 900 ? 500 : s < 1800 ? 1000 : 500);
    let e = 10_000;
    const rs = series(0, 2700 + 30, 30, (s) => {
      if (s > 0) e += (kw(s - 30) * 30) / 3600;
      return { importKwh: e };
    });
    const t = evaluate(rs).transitions.filter((x) => x.kind === 'over_demand');
    expect(summary(t)).toEqual(['open over_demand @900s', 'clear over_demand @1800s']);
    expect(t[0]!.evidence).toMatchObject({ measured: 1000, details: { blockStart: at(900).toISOString() } });
  });
});

describe('over-compensation (domain.md §3)', () => {
  const ctx = resolved(); // dead band 1 % × 1000 kVA = 10 kvar; light load ≤ 30 % × 900 kW = 270 kW
  const oc = (values: ReadingValues, b: EnergyBlock | null = null) =>
    evaluateOverCompensation(reading(0, values), b, ctx, cfg)[0]!;

  it('trips on Q < 0 with P > 0 at light load, beyond the 10 kvar dead band', () => {
    expect(oc({ powerKw: 200, reactiveKvar: -10.1 }).active).toBe(true);
    expect(oc({ powerKw: 200, reactiveKvar: -10 }).active).toBe(false);
    expect(oc({ powerKw: 0, reactiveKvar: -50 }).active).toBe(false);
  });

  it('does not trip on instantaneous Q < 0 above light load, but holds (not clearable)', () => {
    expect(oc({ powerKw: 271, reactiveKvar: -50 })).toMatchObject({ active: false, clearable: false });
  });

  it('trips on export kvarh rising in the last block by more than 10 kvar × 0.25 h, at any load', () => {
    expect(oc({ powerKw: 800, reactiveKvar: 5 }, block({ exportKvarh: 2.6 }))).toMatchObject({
      active: true,
      since: T0,
    });
    expect(oc({ powerKw: 800, reactiveKvar: 5 }, block({ exportKvarh: 2.5 })).active).toBe(false);
    expect(oc({ powerKw: 800, reactiveKvar: 5 }, block({ exportKvarh: 1.25 })).clearable).toBe(true);
    expect(oc({ powerKw: 800, reactiveKvar: 5 }, block({ exportKvarh: 1.3 })).clearable).toBe(false);
  });

  it('does not read export kvarh as over-compensation in a block that exported active energy (reversed CT)', () => {
    const reversed = block({ importKwh: 0, exportKwh: 200, importKvarh: 0, exportKvarh: 90 });
    expect(oc({ powerKw: -800, reactiveKvar: -360 }, reversed)).toMatchObject({ active: false });
    const consuming = block({ importKwh: 200, exportKwh: 0, importKvarh: 0, exportKvarh: 90 });
    expect(oc({ powerKw: 800, reactiveKvar: -360 }, consuming)).toMatchObject({ active: true });
  });

  it('opens after 15 minutes of capacitive light load', () => {
    const rs = series(0, 960, 60, () => ({ ...healthyValues(), powerKw: 100, reactiveKvar: -40 }));
    const t = evaluate(rs, context()).transitions.filter((x) => x.kind === 'over_compensation');
    expect(summary(t)).toEqual(['open over_compensation @900s']);
  });
});
