import { addDays, localDateOf, localDayBounds, type LocalDate, type TimeZone } from '../../../lib/domain/index.ts';
import { ReportInputError } from './errors.ts';
import { checkTime, checkWindow, MS_PER_MINUTE, pct, type TimeWindow } from './inputs.ts';

// Reading completeness (采集成功率; target 100 %, domain.md §1): intervals received / intervals
// expected. Expected intervals start at the meter's commissioning or the window start,
// whichever is later (and end at its decommissioning or the window end): a meter added at noon
// is 48 of 48 for that day, not 48 of 96.

export interface MeterReceipts {
  meterId: string;
  /** reading interval of the meter (15 for a 15-minute load curve) */
  intervalMinutes: number;
  /** null: in service since before the window */
  commissionedAtMs: number | null;
  decommissionedAtMs?: number | null;
  /** timestamps of what arrived; several in one interval count once */
  receivedMs: readonly number[];
}

export interface CompletenessCount {
  expected: number;
  received: number;
  /** null when nothing was expected */
  completenessPct: number | null;
}

export interface CompletenessResult {
  /** one row per meter and local day on which it was expected to report */
  meterDays: Array<CompletenessCount & { meterId: string; date: LocalDate }>;
  meters: Array<CompletenessCount & { meterId: string }>;
  fleet: CompletenessCount;
}

/**
 * Completeness per meter per local day, per meter and for the fleet over `window`. Intervals
 * are aligned on multiples of the interval since 00:00 UTC (which are also local quarter hours
 * for any whole-hour offset such as UTC+8); an interval is expected when it lies wholly inside
 * the meter's service time and the window, and received when at least one timestamp falls in it.
 */
export function computeReadingCompleteness(
  meters: readonly MeterReceipts[],
  window: TimeWindow,
  zone: TimeZone,
): CompletenessResult {
  checkWindow(window, 'window');
  const meterDays: CompletenessResult['meterDays'] = [];
  const perMeter: CompletenessResult['meters'] = [];
  let fleetExpected = 0;
  let fleetReceived = 0;
  meters.forEach((m, mi) => {
    const field = `meters[${mi}]`;
    if (!Number.isInteger(m.intervalMinutes) || m.intervalMinutes < 1)
      throw new ReportInputError(`${field}.intervalMinutes`, `must be an integer ≥ 1, got ${m.intervalMinutes}`);
    if (m.commissionedAtMs !== null) checkTime(m.commissionedAtMs, `${field}.commissionedAtMs`);
    if (m.decommissionedAtMs != null) checkTime(m.decommissionedAtMs, `${field}.decommissionedAtMs`);
    const step = m.intervalMinutes * MS_PER_MINUTE;
    const from = Math.max(window.fromMs, m.commissionedAtMs ?? -Infinity);
    const to = Math.min(window.toMs, m.decommissionedAtMs ?? Infinity);
    const receivedSlots = new Set<number>();
    m.receivedMs.forEach((t, i) => {
      checkTime(t, `${field}.receivedMs[${i}]`);
      receivedSlots.add(Math.floor(t / step));
    });
    let meterExpected = 0;
    let meterReceived = 0;
    if (to > from) {
      // walk the local days the service time touches
      for (let date = localDateOf(from, zone); ; date = addDays(date, 1)) {
        const day = localDayBounds(date, zone);
        if (day.startMs >= to) break;
        const dayFrom = Math.max(from, day.startMs);
        const dayTo = Math.min(to, day.endMs);
        let expected = 0;
        let received = 0;
        // slots starting in [dayFrom, dayTo) that end by `to`
        for (let slot = Math.ceil(dayFrom / step); slot * step < dayTo && (slot + 1) * step <= to; slot++) {
          expected++;
          if (receivedSlots.has(slot)) received++;
        }
        if (expected > 0)
          meterDays.push({ meterId: m.meterId, date, expected, received, completenessPct: pct(received, expected) });
        meterExpected += expected;
        meterReceived += received;
      }
    }
    perMeter.push({
      meterId: m.meterId,
      expected: meterExpected,
      received: meterReceived,
      completenessPct: pct(meterReceived, meterExpected),
    });
    fleetExpected += meterExpected;
    fleetReceived += meterReceived;
  });
  return {
    meterDays,
    meters: perMeter,
    fleet: { expected: fleetExpected, received: fleetReceived, completenessPct: pct(fleetReceived, fleetExpected) },
  };
}
