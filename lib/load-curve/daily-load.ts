import type { LocalDate, TimeZone } from '../domain/index.ts';
import { LoadCurveError } from './errors.ts';
import { assertLocalDate, localSlotOf, SLOT_HOURS, SLOT_MS, SLOTS_PER_DAY } from './slots.ts';

/**
 * One local day of a load curve: 96 average active powers (kW) of the 15-minute blocks starting
 * at 00:00, 00:15, … 23:45 local time. `null` is an unknown point (missing reading, incomplete
 * interval): it is never treated as 0, since domain.md §6 says gaps stay empty and are never
 * interpolated.
 */
export interface DailyLoad {
  date: LocalDate;
  kw: readonly (number | null)[];
}

/** Validates shape and values; throws LoadCurveError naming the field. */
export function assertDailyLoads(days: readonly DailyLoad[], field: string): void {
  if (!Array.isArray(days)) throw new LoadCurveError(field, 'must be an array of daily load curves');
  const seen = new Set<string>();
  days.forEach((day, i) => {
    const at = `${field}[${i}]`;
    if (typeof day !== 'object' || day === null) throw new LoadCurveError(at, 'must be { date, kw }');
    assertLocalDate(day.date, `${at}.date`);
    if (seen.has(day.date)) throw new LoadCurveError(`${at}.date`, `${day.date} appears twice`);
    seen.add(day.date);
    if (!Array.isArray(day.kw) || day.kw.length !== SLOTS_PER_DAY) {
      throw new LoadCurveError(`${at}.kw`, `must hold ${SLOTS_PER_DAY} 15-minute values (null for unknown)`);
    }
    (day.kw as readonly unknown[]).forEach((v, s) => {
      if (v !== null && (typeof v !== 'number' || !Number.isFinite(v))) {
        throw new LoadCurveError(`${at}.kw[${s}]`, 'must be a finite number of kW or null');
      }
    });
  });
}

/** Days by date. */
export function indexByDate(days: readonly DailyLoad[]): Map<LocalDate, DailyLoad> {
  return new Map(days.map((d) => [d.date, d]));
}

/** Share of known points, 0–1. */
export function completeness(kw: readonly (number | null)[]): number {
  if (kw.length === 0) return 0;
  return kw.filter((v) => v !== null).length / kw.length;
}

/**
 * Energy of a day (kWh). With every point known it is Σ kW × 0.25 h. With gaps it is the mean
 * of the known points × 24 h — an estimate, allowed only at or above `minCompleteness`
 * (otherwise null): never a sum that silently counts the gaps as zero.
 */
export function dailyEnergyKwh(kw: readonly (number | null)[], minCompleteness = 1): number | null {
  const known = kw.filter((v): v is number => v !== null);
  if (known.length === 0 || known.length / kw.length < minCompleteness) return null;
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  return mean * kw.length * SLOT_HOURS;
}

/** Highest known point and its slot; null if nothing is known. Ties go to the earliest slot. */
export function peakOf(kw: readonly (number | null)[]): { kw: number; slot: number } | null {
  let best: { kw: number; slot: number } | null = null;
  for (let slot = 0; slot < kw.length; slot++) {
    const v = kw[slot] ?? null;
    if (v !== null && (best === null || v > best.kw)) best = { kw: v, slot };
  }
  return best;
}

/**
 * Point-by-point sum of several accounts' curves, per date present in any of them. A point is
 * known only if every account's point is known on that date: an account with no curve for the
 * date, or a null point, makes the sum unknown rather than smaller.
 */
export function sumDailyLoads(curves: readonly (readonly DailyLoad[])[]): DailyLoad[] {
  const indexes = curves.map(indexByDate);
  const dates = [...new Set(curves.flatMap((c) => c.map((d) => d.date)))].sort();
  return dates.map((date) => {
    const kw: (number | null)[] = [];
    for (let s = 0; s < SLOTS_PER_DAY; s++) {
      let sum: number | null = 0;
      for (const index of indexes) {
        const v = index.get(date)?.kw[s] ?? null;
        if (v === null) {
          sum = null;
          break;
        }
        sum += v;
      }
      kw.push(sum);
    }
    return { date, kw };
  });
}

/**
 * The points of daily curves between two instants (start included, end excluded), one per
 * 15-minute block, keyed by the block's start instant; null where the day or the point is
 * unknown. Turns a day-ahead forecast or a history into the intervals of an order window.
 */
export function pointsInRange(
  days: readonly DailyLoad[],
  startMs: number,
  endMs: number,
  zone: TimeZone,
): { start: number; kw: number | null }[] {
  const index = indexByDate(days);
  const out: { start: number; kw: number | null }[] = [];
  for (let t = startMs; t < endMs; t += SLOT_MS) {
    const { date, slot } = localSlotOf(t, zone);
    out.push({ start: t, kw: index.get(date)?.kw[slot] ?? null });
  }
  return out;
}
