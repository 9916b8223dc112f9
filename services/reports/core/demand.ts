import { DEFAULT_TIME_ZONE_NAME, parseTimeZone, type TimeZone, utcOffsetMinutesAt } from '../../../lib/domain/index.ts';
import { ReportInputError } from './errors.ts';
import {
  checkNonNegative,
  checkPositive,
  checkTime,
  checkWindow,
  DEFAULT_UNUSABLE_QUALITY_MASK,
  type IntervalEnergyPoint,
  isUsable,
  MS_PER_MINUTE,
  pct,
  round6,
  type TimeWindow,
} from './inputs.ts';

// Maximum demand (最大需量) and the declared-demand check of two-part tariffs (domain.md §6, §10).
// Demand is the average active power over 15 minutes, computed from energy so it is immune to
// polling jitter: P = ΔE(15 min) × 4. The billing maximum is the largest demand of a window that
// slides every minute, over the account's billing meters (incomers) summed; fixed blocks on
// hh:00/15/30/45 are given beside it for comparison.

const DEFAULT_ZONE = parseTimeZone(DEFAULT_TIME_ZONE_NAME);

/** Per-minute energy of one billing meter. */
export interface MeterMinuteEnergy {
  meterId: string;
  minutes: readonly IntervalEnergyPoint[];
}

export interface DemandPeak {
  maxDemandKw: number;
  windowStartMs: number;
  windowEndMs: number;
}

export interface MaximumDemandResult {
  windowMinutes: number;
  meters: number;
  /** minutes of the period for which at least one billing meter has no usable energy */
  minutesIncomplete: number;
  sliding: {
    /** null when no window could be computed */
    peak: DemandPeak | null;
    windowsComputed: number;
    /** windows left out because a minute in them is incomplete (never filled in or guessed) */
    windowsSkipped: number;
  };
  block: {
    peak: DemandPeak | null;
    blocksComputed: number;
    blocksSkipped: number;
  };
}

/**
 * Maximum 15-minute demand of an account over `period` from the per-minute energy of its billing
 * meters, summed minute by minute. A minute counts only when every meter has a usable value for
 * it; a window containing any other minute is skipped (and counted). On equal demand the earliest
 * window wins. Block windows start where the local clock of `zone` (default Asia/Shanghai,
 * domain.md §6) shows a multiple of the window (hh:00/15/30/45 for 15 minutes).
 */
export function computeMaximumDemand(
  meters: readonly MeterMinuteEnergy[],
  period: TimeWindow,
  options: { windowMinutes?: number; zone?: TimeZone; unusableQualityMask?: number } = {},
): MaximumDemandResult {
  checkWindow(period, 'period');
  if (period.fromMs % MS_PER_MINUTE !== 0 || period.toMs % MS_PER_MINUTE !== 0)
    throw new ReportInputError('period', 'fromMs and toMs must be whole minutes');
  const windowMinutes = options.windowMinutes ?? 15;
  if (!Number.isInteger(windowMinutes) || windowMinutes < 1)
    throw new ReportInputError('windowMinutes', `must be an integer ≥ 1, got ${windowMinutes}`);
  const utcOffsetMinutes = utcOffsetMinutesAt(period.fromMs, options.zone ?? DEFAULT_ZONE);
  const mask = options.unusableQualityMask ?? DEFAULT_UNUSABLE_QUALITY_MASK;
  if (meters.length === 0) throw new ReportInputError('meters', 'needs at least one billing meter');

  const n = (period.toMs - period.fromMs) / MS_PER_MINUTE;
  const sum = new Float64Array(n);
  const known = new Uint16Array(n); // meters with a usable value per minute
  meters.forEach((meter, mi) => {
    const seen = new Uint8Array(n);
    meter.minutes.forEach((p, pi) => {
      const field = `meters[${mi}].minutes[${pi}]`;
      checkTime(p.startMs, `${field}.startMs`);
      if (p.startMs % MS_PER_MINUTE !== 0) throw new ReportInputError(`${field}.startMs`, 'must be a whole minute');
      if (p.energyKwh !== null) checkNonNegative(p.energyKwh, `${field}.energyKwh`);
      const i = (p.startMs - period.fromMs) / MS_PER_MINUTE;
      if (i < 0 || i >= n || seen[i]) return; // outside the period, or a repeat (first wins)
      seen[i] = 1;
      if (!isUsable(p, mask)) return;
      sum[i]! += p.energyKwh!;
      known[i]!++;
    });
  });
  const complete = (i: number) => known[i] === meters.length;
  let minutesIncomplete = 0;
  for (let i = 0; i < n; i++) if (!complete(i)) minutesIncomplete++;

  const toKw = 60 / windowMinutes; // kWh over the window → average kW
  const windowAt = (start: number): number | null => {
    let kwh = 0;
    for (let i = start; i < start + windowMinutes; i++) {
      if (!complete(i)) return null;
      kwh += sum[i]!;
    }
    return round6(kwh * toKw);
  };
  const peakOf = (starts: Iterable<number>) => {
    let peak: DemandPeak | null = null;
    let computed = 0;
    let skipped = 0;
    for (const s of starts) {
      const kw = windowAt(s);
      if (kw === null) {
        skipped++;
        continue;
      }
      computed++;
      if (!peak || kw > peak.maxDemandKw)
        peak = {
          maxDemandKw: kw,
          windowStartMs: period.fromMs + s * MS_PER_MINUTE,
          windowEndMs: period.fromMs + (s + windowMinutes) * MS_PER_MINUTE,
        };
    }
    return { peak, computed, skipped };
  };

  function* slidingStarts() {
    for (let s = 0; s + windowMinutes <= n; s++) yield s;
  }
  function* blockStarts() {
    const firstLocalMinute = period.fromMs / MS_PER_MINUTE + utcOffsetMinutes;
    const first =
      (((windowMinutes - (firstLocalMinute % windowMinutes)) % windowMinutes) + windowMinutes) % windowMinutes;
    for (let s = first; s + windowMinutes <= n; s += windowMinutes) yield s;
  }
  const sliding = peakOf(slidingStarts());
  const block = peakOf(blockStarts());
  return {
    windowMinutes,
    meters: meters.length,
    minutesIncomplete,
    sliding: { peak: sliding.peak, windowsComputed: sliding.computed, windowsSkipped: sliding.skipped },
    block: { peak: block.peak, blocksComputed: block.computed, blocksSkipped: block.skipped },
  };
}

export interface DeclaredDemandResult {
  billingBasis: 'demand' | 'capacity';
  /** false for capacity-billed accounts: they have no demand penalty (domain.md §10) */
  applies: boolean;
  declaredDemandKw: number | null;
  /** declared × tolerance (105 %) */
  thresholdKw: number | null;
  maxDemandKw: number | null;
  /** kW above the threshold; 0 within it; null without data or when not applicable */
  excessKw: number | null;
  penaltyMultiplier: number;
  /** excess × multiplier: the kW the excess is billed as */
  excessBilledKw: number | null;
  /** excessBilledKw × demand price, when a price is given */
  excessCharge: number | null;
  maxDemandPctOfDeclared: number | null;
  /** declared demand under the minimum share of transformer capacity (typically 40 %), when known */
  declaredBelowMinimum: boolean | null;
}

/**
 * Declared-demand check of demand-billed accounts (两部制 maximum-demand billing, domain.md §10):
 * the part of the month's maximum demand above `tolerancePct` (default 105 %) of the declared
 * demand is billed at `penaltyMultiplier` (default 2, "double"). Accounts billed on capacity
 * (kVA installed) have no demand penalty. Declared demand is typically not below
 * `minDeclaredPctOfCapacity` (40 %) of the transformer capacity: flagged when it is.
 */
export function checkDeclaredDemand(
  input: {
    billingBasis: 'demand' | 'capacity';
    declaredDemandKw?: number | null;
    maxDemandKw: number | null;
    transformerCapacityKva?: number | null;
    demandPricePerKwMonth?: number | null;
  },
  options: { tolerancePct?: number; penaltyMultiplier?: number; minDeclaredPctOfCapacity?: number } = {},
): DeclaredDemandResult {
  const tolerancePct = options.tolerancePct ?? 105;
  const penaltyMultiplier = options.penaltyMultiplier ?? 2;
  const minDeclaredPct = options.minDeclaredPctOfCapacity ?? 40;
  checkPositive(tolerancePct, 'tolerancePct');
  checkPositive(penaltyMultiplier, 'penaltyMultiplier');
  checkNonNegative(minDeclaredPct, 'minDeclaredPctOfCapacity');
  if (input.billingBasis !== 'demand' && input.billingBasis !== 'capacity')
    throw new ReportInputError('billingBasis', `must be demand or capacity, got ${String(input.billingBasis)}`);
  if (input.maxDemandKw !== null) checkNonNegative(input.maxDemandKw, 'maxDemandKw');
  const declared = input.declaredDemandKw ?? null;
  const none: DeclaredDemandResult = {
    billingBasis: input.billingBasis,
    applies: false,
    declaredDemandKw: declared,
    thresholdKw: null,
    maxDemandKw: input.maxDemandKw,
    excessKw: null,
    penaltyMultiplier,
    excessBilledKw: null,
    excessCharge: null,
    maxDemandPctOfDeclared: null,
    declaredBelowMinimum: null,
  };
  if (input.billingBasis === 'capacity') return { ...none, excessKw: 0, excessBilledKw: 0, excessCharge: 0 };
  if (declared === null) throw new ReportInputError('declaredDemandKw', 'is required for a demand-billed account');
  checkPositive(declared, 'declaredDemandKw');
  const capacity = input.transformerCapacityKva ?? null;
  if (capacity !== null) checkPositive(capacity, 'transformerCapacityKva');
  const price = input.demandPricePerKwMonth ?? null;
  if (price !== null) checkNonNegative(price, 'demandPricePerKwMonth');

  const thresholdKw = round6((declared * tolerancePct) / 100);
  const excessKw = input.maxDemandKw === null ? null : round6(Math.max(0, input.maxDemandKw - thresholdKw));
  const excessBilledKw = excessKw === null ? null : round6(excessKw * penaltyMultiplier);
  return {
    ...none,
    applies: true,
    thresholdKw,
    excessKw,
    excessBilledKw,
    excessCharge: excessBilledKw === null || price === null ? null : round6(excessBilledKw * price),
    maxDemandPctOfDeclared: input.maxDemandKw === null ? null : pct(input.maxDemandKw, declared),
    declaredBelowMinimum: capacity === null ? null : declared < (capacity * minDeclaredPct) / 100,
  };
}
