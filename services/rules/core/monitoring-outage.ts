import type { RulesState } from './evaluate-readings.ts';

/**
 * A span in which no meter of the whole fleet reported is an outage of the monitoring itself
 * (ingest, the database or the whole system down), not of every meter's communication at once.
 * The rules service calls this before evaluating the first readings after such a span, so the
 * core does not open (and at once clear) a communication_lost alert for every meter.
 *
 * Pure: returns a new state in which each meter's "last seen" (lastTs, or watchSince for a meter
 * never seen) is moved to just before `untilMs`, the first reading after the span. No reading of
 * any meter exists between the old position and `untilMs` (that is what a fleet-wide gap means),
 * so nothing is skipped. A meter whose communication_lost alert is already open keeps it until
 * it reports. Track timers are untouched: they keep their own last observation, so a condition
 * has to hold continuously again after the gap (alert-tracker.ts continuity rule).
 */
export function excuseMonitoringOutage(state: RulesState, untilMs: number): RulesState {
  const next: RulesState = structuredClone(state);
  for (const meter of Object.values(next.meters)) {
    if (meter.open.communication_lost) continue;
    if (meter.lastTs !== null) {
      if (meter.lastTs < untilMs - 1) meter.lastTs = untilMs - 1;
    } else if (meter.watchSince < untilMs) {
      meter.watchSince = untilMs;
    }
  }
  return next;
}
