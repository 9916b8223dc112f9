import { describe, expect, it } from 'vitest';
import { QUALITY } from '../../../lib/domain/index.ts';
import { billableEnergy, deriveIntervalEnergy, deriveIntervals } from '../../../ingest/index.ts';
import { createCounterCheck } from '../../../ingest/counters/counter-check.ts';

const H = 3_600_000;
const Q = 15 * 60_000; // one 15-minute interval
const at = (minutes: number, value: number) => ({ ts: minutes * 60_000, value });

describe('interval energy from cumulative counters (domain.md §6)', () => {
  it('is the counter difference', () => {
    expect(deriveIntervalEnergy(at(0, 1000), at(15, 1250))).toEqual({ kind: 'normal', energy: 250 });
    expect(deriveIntervalEnergy(at(0, 1000), at(15, 1000))).toEqual({ kind: 'normal', energy: 0 });
  });

  it('counts across a rollover when the previous value was near the register maximum', () => {
    // 7-digit register wraps at 10,000,000 kWh
    expect(deriveIntervalEnergy(at(0, 9_999_900), at(15, 100), { wrapAt: 10_000_000 })).toEqual({
      kind: 'rollover',
      energy: 200,
    });
    // boundary of the rollover window: previous at exactly 90 % of the range still counts
    expect(deriveIntervalEnergy(at(0, 9_000_000), at(15, 0), { wrapAt: 10_000_000 })).toEqual({
      kind: 'rollover',
      energy: 1_000_000,
    });
  });

  it('starts a new series on a reset or meter replacement: never a negative interval', () => {
    expect(deriveIntervalEnergy(at(0, 8_999_999), at(15, 100), { wrapAt: 10_000_000 })).toEqual({ kind: 'reset' }); // not near the max
    expect(deriveIntervalEnergy(at(0, 9_999_900), at(15, 1_500_000), { wrapAt: 10_000_000 })).toEqual({
      kind: 'reset',
    }); // new value not near 0
    expect(deriveIntervalEnergy(at(0, 5000), at(15, 3))).toEqual({ kind: 'reset' }); // no wrap point known
  });

  it('treats a wrap that implies more than the installation can draw as a replacement', () => {
    // rated 100 kW: 15 min allow 100 × 0.25 × 1.2 = 30 kWh; a "wrap" of 200 kWh is not plausible
    expect(deriveIntervalEnergy(at(0, 9_999_900), at(15, 100), { wrapAt: 10_000_000, ratedKw: 100 })).toEqual({
      kind: 'reset',
    });
    expect(deriveIntervalEnergy(at(0, 9_999_990), at(15, 10), { wrapAt: 10_000_000, ratedKw: 100 })).toEqual({
      kind: 'rollover',
      energy: 20,
    });
  });

  it('flags a difference above rated kW × hours × 1.2 as implausible, exactly at the limit it is billed', () => {
    const limit = 1000 * (Q / H) * 1.2; // 300 kWh
    expect(deriveIntervalEnergy(at(0, 0), at(15, limit), { ratedKw: 1000 })).toEqual({ kind: 'normal', energy: limit });
    expect(deriveIntervalEnergy(at(0, 0), at(15, limit + 0.01), { ratedKw: 1000 })).toMatchObject({
      kind: 'implausible',
      limit,
    });
  });

  it('ignores last-digit jitter of a float counter', () => {
    expect(deriveIntervalEnergy(at(0, 1_000_000.0000001), at(15, 1_000_000))).toEqual({ kind: 'normal', energy: 0 });
  });

  it('refuses samples out of time order', () => {
    expect(() => deriveIntervalEnergy(at(15, 1), at(0, 2))).toThrow(RangeError);
    expect(() => deriveIntervalEnergy(at(15, 1), at(15, 2))).toThrow(RangeError);
  });

  it('bills a series through a rollover and a replacement without a spike', () => {
    const series = [at(0, 9_999_950), at(15, 9_999_990), at(30, 20), at(45, 60), at(60, 5), at(75, 45)];
    const intervals = deriveIntervals(series, { wrapAt: 10_000_000, ratedKw: 200 });
    expect(intervals.map((i) => i.result.kind)).toEqual(['normal', 'rollover', 'normal', 'reset', 'normal']);
    expect(billableEnergy(intervals)).toEqual({ energy: 40 + 30 + 40 + 40, excluded: 1 });
  });
});

describe('counter check at ingest', () => {
  const reading = (s: number, importKwh: number) => ({
    meterId: 1,
    ts: new Date(s * 1000),
    values: { importKwh },
    quality: 0,
  });
  it('flags rollover/reset as COUNTER_RESET and implausible jumps as IMPLAUSIBLE, remembering the new series', () => {
    const check = createCounterCheck();
    const ctx = { ratedKw: 3600, wrapAt: { importKwh: 10_000_000 } }; // 1 kWh per second at rated power
    expect(check.check(reading(0, 9_999_999), ctx)).toBe(0);
    expect(check.check(reading(1, 0.5), ctx)).toBe(QUALITY.COUNTER_RESET); // wrap of 1.5 kWh in 1 s > 1.2: replacement
    expect(check.check(reading(2, 1.5), ctx)).toBe(0); // +1 kWh: fine, measured from the new series
    expect(check.check(reading(3, 10), ctx)).toBe(QUALITY.IMPLAUSIBLE);
    expect(check.check(reading(3, 10), ctx)).toBe(0); // a repeat of the same time is not judged again
  });
});
