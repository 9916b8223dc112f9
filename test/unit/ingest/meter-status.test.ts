import { describe, expect, it } from 'vitest';
import { createMeterStatusTracker } from '../../../ingest/status/meter-status.ts';

describe('meter communication status', () => {
  it('marks a meter lost after the configured time without a reading, and ok again when one arrives', () => {
    const s = createMeterStatusTracker({ commLostAfterMs: 60_000, startedAt: 0 });
    s.track([1, 2], 0);
    s.recordReading(1, 10_000, 10_000);
    expect(s.evaluate(60_000)).toEqual([]); // meter 2 never seen, but only 60 s since start
    expect(s.evaluate(60_001)).toEqual([{ meterId: 2, from: 'unknown', to: 'lost' }]);
    s.recordFailure(1, { code: 'INGEST_MODBUS_TIMEOUT', message: 'no answer' }, 30_000);
    expect(s.get(1)).toMatchObject({
      commState: 'failing',
      consecutiveFailures: 1,
      lastErrorCode: 'INGEST_MODBUS_TIMEOUT',
    });
    expect(s.evaluate(70_001)).toEqual([{ meterId: 1, from: 'failing', to: 'lost' }]);
    expect(s.get(1)).toMatchObject({ commState: 'lost', commLostSince: 70_000 });
    expect(s.evaluate(80_000)).toEqual([]); // reported once
    s.recordReading(1, 80_000, 80_000);
    expect(s.get(1)).toMatchObject({
      commState: 'ok',
      consecutiveFailures: 0,
      commLostSince: null,
      lastSeenAt: 80_000,
    });
  });

  it('hands out only changed rows', () => {
    const s = createMeterStatusTracker({ commLostAfterMs: 60_000, startedAt: 0 });
    s.track([1, 2], 0);
    expect(s.takeDirty().map((r) => r.meterId)).toEqual([1, 2]);
    expect(s.takeDirty()).toEqual([]);
    s.recordAttempt(2, 5);
    expect(s.takeDirty().map((r) => r.meterId)).toEqual([2]);
  });
});
