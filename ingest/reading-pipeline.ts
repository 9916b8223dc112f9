// What happens to every decoded reading, whatever its source, as a declared list of steps
// (conventions.md §6): [checkBounds, checkCounters] → track status → enqueue to the writer.
import { QUALITY, type Reading, type ReadingKey, type ReadingValues } from '../lib/domain/index.ts';
import { type Logger } from '../lib/log/index.ts';
import type { Clock } from '../lib/domain/index.ts';
import type { CounterCheck, CounterContext } from './counters/counter-check.ts';
import type { IngestMetrics } from './metrics.ts';
import { checkBounds } from './reading-bounds.ts';
import type { MeterStatusTracker } from './status/meter-status.ts';
import type { ReadingSource, ReadingWriter } from './writer/index.ts';

export interface MeterContext extends CounterContext {
  code: string;
}

interface StepContext {
  meter: MeterContext;
  counters: CounterCheck;
  log: Logger;
}

/** A step returns the reading to pass on (possibly changed) or undefined to drop it. */
type ReadingStep = (reading: Reading, ctx: StepContext) => Reading | undefined;

/** Values outside the physical bounds of `readings` are left out (NULL), the reading flagged PARTIAL. */
const checkReadingBounds: ReadingStep = (reading, ctx) => {
  let values: ReadingValues | undefined;
  for (const [key, value] of Object.entries(reading.values) as Array<[ReadingKey, number]>) {
    const problem = checkBounds(key, value);
    if (!problem) continue;
    values ??= { ...reading.values };
    delete values[key];
    ctx.log.warn({ meter: ctx.meter.code, key, value }, `value out of bounds left out: ${problem}`);
  }
  if (!values) return reading;
  if (Object.keys(values).length === 0) return undefined;
  return { ...reading, values, quality: reading.quality | QUALITY.PARTIAL };
};

/** Rollover / replacement / implausible counter differences are flagged, not billed (domain.md §6). */
const checkCounters: ReadingStep = (reading, ctx) => {
  const flags = ctx.counters.check(reading, ctx.meter);
  return flags === 0 ? reading : { ...reading, quality: reading.quality | flags };
};

export const READING_STEPS: readonly ReadingStep[] = [checkReadingBounds, checkCounters];

export interface ReadingPipeline {
  /** Runs the steps and queues the readings; waits while the writer's queue is full. */
  accept(readings: readonly Reading[], source: ReadingSource): Promise<void>;
}

export function createReadingPipeline(deps: {
  writer: ReadingWriter;
  status: MeterStatusTracker;
  counters: CounterCheck;
  clock: Clock;
  logger: Logger;
  metrics?: IngestMetrics;
  meterContext: (meterId: number) => MeterContext | undefined;
}): ReadingPipeline {
  const log = deps.logger.child({ component: 'reading-pipeline' });
  return {
    async accept(readings, source) {
      const out: Reading[] = [];
      const now = deps.clock.now();
      for (const input of readings) {
        const meter = deps.meterContext(input.meterId) ?? { code: String(input.meterId) };
        let reading: Reading | undefined = input;
        for (const step of READING_STEPS) {
          reading = step(reading, { meter, counters: deps.counters, log });
          if (!reading) break;
        }
        if (!reading) continue;
        deps.status.recordReading(reading.meterId, reading.ts.getTime(), now);
        const seen = deps.status.get(reading.meterId)?.lastSeenAt;
        if (seen != null) deps.metrics?.meterLastSeen.set({ meter: meter.code }, seen / 1000);
        out.push(reading);
      }
      await deps.writer.enqueue(out, source);
    },
  };
}
