// Simulated time = start + (wall time elapsed × speed). The wall clock is injected so tests
// move time by hand (conventions.md §4).

export interface SimClock {
  readonly startTimeMs: number;
  readonly speed: number;
  /** simulated epoch ms now */
  simNow(): number;
}

export function createSimClock(options: { startTimeMs: number; speed: number; now: () => number }): SimClock {
  const wallStartMs = options.now();
  return {
    startTimeMs: options.startTimeMs,
    speed: options.speed,
    simNow: () => options.startTimeMs + Math.max(0, options.now() - wallStartMs) * options.speed,
  };
}
