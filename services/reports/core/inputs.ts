import { ReportInputError } from './errors.ts';

// Small input types shared by the formulas, defined here so the report core depends on nothing
// but the tariff and calendar modules. Instants are epoch milliseconds (`…Ms`), windows are
// half-open [fromMs, toMs).

export const MS_PER_MINUTE = 60_000;

export interface TimeWindow {
  fromMs: number;
  toMs: number;
}

/**
 * Energy of one interval (1 or 15 minutes) from counter differences. `energyKwh` null = unknown
 * (a gap stays empty, billing data is never interpolated; domain.md §6). `quality` carries the
 * readings' bit flags (lib/domain/reading.ts QUALITY); flagged intervals are left out.
 */
export interface IntervalEnergyPoint {
  startMs: number;
  energyKwh: number | null;
  quality?: number;
}

/**
 * Quality bits that make an interval unusable for billing figures: COUNTER_RESET (4, the counter
 * went backwards) and IMPLAUSIBLE (8, above rated power × time × 1.2: "flag it, do not bill it",
 * domain.md §6). Same values as QUALITY in lib/domain/reading.ts.
 */
export const DEFAULT_UNUSABLE_QUALITY_MASK = 4 | 8;

export function isUsable(point: IntervalEnergyPoint, unusableMask: number): boolean {
  return point.energyKwh !== null && ((point.quality ?? 0) & unusableMask) === 0;
}

export function checkWindow(window: TimeWindow, field = 'window'): void {
  if (!Number.isFinite(window.fromMs) || !Number.isFinite(window.toMs))
    throw new ReportInputError(field, 'fromMs and toMs must be valid times');
  if (window.toMs <= window.fromMs) throw new ReportInputError(field, 'toMs must be after fromMs');
}

export function checkTime(value: number, field: string): void {
  if (!Number.isFinite(value)) throw new ReportInputError(field, `must be a valid time, got ${value}`);
}

export function checkNonNegative(value: number, field: string): void {
  if (!Number.isFinite(value) || value < 0) throw new ReportInputError(field, `must be a number ≥ 0, got ${value}`);
}

export function checkPositive(value: number, field: string): void {
  if (!Number.isFinite(value) || value <= 0) throw new ReportInputError(field, `must be a number > 0, got ${value}`);
}

export function checkPowerFactor(value: number, field: string, { allowZero = false } = {}): void {
  if (!Number.isFinite(value) || value > 1 || value < 0 || (!allowZero && value === 0))
    throw new ReportInputError(field, `must be a power factor in ${allowZero ? '[0' : '(0'}, 1], got ${value}`);
}

/** Round away binary noise for reported figures (6 decimals; inputs are far coarser). */
export function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/** Percentage with 6 decimals, or null when the denominator is 0. */
export function pct(numerator: number, denominator: number): number | null {
  return denominator > 0 ? round6((numerator / denominator) * 100) : null;
}
