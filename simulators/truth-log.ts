// Ground truth: which fault was injected on which meter, when (simulated time). A fault is
// recorded once the simulated clock reaches its start, as one JSON line, so a detection scorer
// can compare alerts with what really happened.
import type { FaultKind, FaultWindow, Phase } from './fault-kinds.ts';

/** One JSON line of the ground-truth log. */
export interface GroundTruthEntry {
  /** fault id from the scenario (default f<n>) */
  readonly id: string;
  readonly meter: string;
  readonly kind: FaultKind;
  /** for single-phase faults */
  readonly phase?: Phase;
  /** simulated start, ISO 8601 UTC */
  readonly start: string;
  /** simulated end (exclusive), ISO 8601 UTC */
  readonly end: string;
  /** resolved parameters, defaults included */
  readonly params: Readonly<Record<string, unknown>>;
}

export function toTruthEntry(fault: FaultWindow): GroundTruthEntry {
  return {
    id: fault.id,
    meter: fault.meter,
    kind: fault.kind,
    ...(fault.phase ? { phase: fault.phase } : {}),
    start: new Date(fault.startMs).toISOString(),
    end: new Date(fault.endMs).toISOString(),
    params: { ...fault.params },
  };
}

export class TruthLog {
  private readonly pending: FaultWindow[];
  private readonly recorded: GroundTruthEntry[] = [];
  private readonly sink: ((line: string) => void) | undefined;

  /** `faults` in any order; `sink` receives each entry as one JSON line with a newline. */
  constructor(faults: readonly FaultWindow[], sink?: (line: string) => void) {
    this.pending = [...faults].sort((a, b) => a.startMs - b.startMs || a.id.localeCompare(b.id));
    this.sink = sink;
  }

  /** Record every fault that has started by `simTimeMs`; returns the newly recorded ones. */
  advance(simTimeMs: number): GroundTruthEntry[] {
    const started: GroundTruthEntry[] = [];
    while (this.pending.length > 0 && this.pending[0]!.startMs <= simTimeMs) {
      const entry = toTruthEntry(this.pending.shift()!);
      this.recorded.push(entry);
      started.push(entry);
      this.sink?.(`${JSON.stringify(entry)}\n`);
    }
    return started;
  }

  entries(): readonly GroundTruthEntry[] {
    return [...this.recorded];
  }
}
