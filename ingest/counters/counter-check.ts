// Ingest step: flags a reading whose counters went backwards (QUALITY.COUNTER_RESET, rollover
// or replacement) or moved implausibly far (QUALITY.IMPLAUSIBLE), using the previous reading of
// the same meter. Keeps only the newest counters per meter in memory.
import { QUALITY, type Reading } from '../../lib/domain/index.ts';
import { deriveIntervalEnergy, type CounterSample } from './interval-energy.ts';

export const COUNTER_FIELDS = ['importKwh', 'exportKwh', 'importKvarh', 'exportKvarh'] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];

export interface CounterContext {
  ratedKw?: number;
  /** wrap point per counter (primary units), from the meter map */
  wrapAt?: Partial<Record<CounterField, number>>;
}

export interface CounterCheck {
  /** Returns the quality bits to add to this reading and remembers its counters. */
  check(reading: Reading, context: CounterContext): number;
  /** Seeds the last known counters (e.g. from the database at start). */
  seed(meterId: number, ts: Date, values: Partial<Record<CounterField, number>>): void;
}

export function createCounterCheck(): CounterCheck {
  const last = new Map<number, Map<CounterField, CounterSample>>();
  const remember = (meterId: number, field: CounterField, sample: CounterSample) => {
    let m = last.get(meterId);
    if (!m) last.set(meterId, (m = new Map()));
    m.set(field, sample);
  };
  return {
    check(reading, context) {
      let flags = 0;
      const ts = reading.ts.getTime();
      for (const field of COUNTER_FIELDS) {
        const value = reading.values[field];
        if (value === undefined) continue;
        const prev = last.get(reading.meterId)?.get(field);
        if (prev && ts <= prev.ts) continue; // late or repeated reading: judged against its own time elsewhere
        if (prev) {
          // Reactive counters are not bounded by active rating; only kWh gets the limit.
          const ratedKw = field === 'importKwh' || field === 'exportKwh' ? context.ratedKw : undefined;
          const result = deriveIntervalEnergy(prev, { ts, value }, { ratedKw, wrapAt: context.wrapAt?.[field] });
          if (result.kind === 'reset' || result.kind === 'rollover') flags |= QUALITY.COUNTER_RESET;
          if (result.kind === 'implausible') flags |= QUALITY.IMPLAUSIBLE;
        }
        remember(reading.meterId, field, { ts, value });
      }
      return flags;
    },
    seed(meterId, ts, values) {
      for (const field of COUNTER_FIELDS) {
        const value = values[field];
        if (value !== undefined && value !== null) remember(meterId, field, { ts: ts.getTime(), value });
      }
    },
  };
}
