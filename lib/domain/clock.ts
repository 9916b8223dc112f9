// The one clock of the system (conventions.md §4): everything that reads the time or waits takes a
// Clock — ingest's schedulers and retry timers, the rules service, the notifier, the API, the job
// runner — so a test moves time by hand and runs a minute of polling in milliseconds.

export type TimerHandle = { readonly __timer: unique symbol } | NodeJS.Timeout;

export interface Clock {
  /** epoch milliseconds */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, Math.max(0, ms));
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface ManualClock extends Clock {
  /**
   * Moves time forward to `now() + ms`, firing due timers in time order; each callback runs with
   * now() equal to its due time. Awaits a macrotask after each callback so the async work it
   * started gets a chance to run.
   */
  advance(ms: number): Promise<void>;
  /** pending timers (for tests that assert nothing is left scheduled) */
  pending(): number;
  /**
   * Sets the time (forward or back) without firing timers: for code that reads the time but
   * schedules nothing, such as one rules or notifier cycle called by hand.
   */
  set(time: number | Date): void;
}

/** A clock that moves only when told to; for tests and the benchmark. */
export function createManualClock(startMs: number): ManualClock {
  let now = startMs;
  let nextId = 1;
  const timers = new Map<number, { at: number; fn: () => void; id: number }>();
  const clock: ManualClock = {
    now: () => now,
    setTimeout(fn, ms) {
      const id = nextId++;
      timers.set(id, { at: now + Math.max(0, ms), fn, id });
      return id as unknown as TimerHandle;
    },
    clearTimeout(handle) {
      timers.delete(handle as unknown as number);
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        let due: { at: number; fn: () => void; id: number } | undefined;
        for (const t of timers.values()) {
          if (t.at <= target && (!due || t.at < due.at || (t.at === due.at && t.id < due.id))) due = t;
        }
        if (!due) break;
        timers.delete(due.id);
        now = Math.max(now, due.at);
        due.fn();
        await new Promise((r) => setImmediate(r));
      }
      now = target;
    },
    pending: () => timers.size,
    set(time) {
      now = typeof time === 'number' ? time : time.getTime();
    },
  };
  return clock;
}

/** The clock's time as a Date (SQL parameters, audit times). */
export function dateOf(clock: Pick<Clock, 'now'>): Date {
  return new Date(clock.now());
}

/** A promise that resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => clock.setTimeout(resolve, ms));
}
