import { describe, expect, it } from 'vitest';
import { computeBackoffMs, gridTimeAtOrAfter, isOnGrid, nextGridTime, nextTick } from '../../../ingest/modbus/index.ts';

const policy = { baseMs: 15_000, maxMs: 120_000 };

describe('exponential backoff with equal jitter', () => {
  it('is zero before the first failure', () => {
    expect(computeBackoffMs(0, policy, () => 0.99)).toBe(0);
  });
  it('doubles per failure between half and all of the capped delay', () => {
    for (const [failures, full] of [
      [1, 15_000],
      [2, 30_000],
      [3, 60_000],
      [4, 120_000],
      [5, 120_000],
      [50, 120_000],
    ] as const) {
      expect(computeBackoffMs(failures, policy, () => 0)).toBe(full / 2);
      expect(computeBackoffMs(failures, policy, () => 1)).toBe(full);
    }
  });
  it('spreads meters that failed together', () => {
    const delays = new Set(Array.from({ length: 20 }, () => computeBackoffMs(3, policy)));
    expect(delays.size).toBeGreaterThan(1);
  });
});

describe('poll grid', () => {
  const t = Date.parse('2026-03-10T08:00:07.250Z');
  it('aligns the next poll to the interval grid on the second', () => {
    expect(new Date(nextGridTime(t, 15_000)).toISOString()).toBe('2026-03-10T08:00:15.000Z');
    expect(new Date(nextGridTime(Date.parse('2026-03-10T08:00:15Z'), 15_000)).toISOString()).toBe(
      '2026-03-10T08:00:30.000Z',
    );
    expect(new Date(nextGridTime(t, 60_000)).toISOString()).toBe('2026-03-10T08:01:00.000Z');
  });
  it('knows which intervals a tick belongs to', () => {
    const tick = Date.parse('2026-03-10T08:01:00Z');
    expect([1000, 15_000, 60_000, 900_000].map((i) => isOnGrid(tick, i))).toEqual([true, true, true, false]);
  });
  it('picks the earliest tick over several intervals', () => {
    expect(nextTick(t, [60_000, 15_000, 5000])).toBe(Date.parse('2026-03-10T08:00:10Z'));
    expect(nextTick(t, [])).toBeUndefined();
  });
  it('retries a backed-off meter on the grid', () => {
    expect(gridTimeAtOrAfter(Date.parse('2026-03-10T08:00:31Z'), 15_000)).toBe(Date.parse('2026-03-10T08:00:45Z'));
    expect(gridTimeAtOrAfter(Date.parse('2026-03-10T08:00:45Z'), 15_000)).toBe(Date.parse('2026-03-10T08:00:45Z'));
  });
});
