import { SLOT_MS } from '../../../lib/load-curve/index.ts';
import { OrderlyError } from './errors.ts';
import { assertWindow, type OrderLimit, windowIntervals } from './order.ts';

/**
 * The cap of one account in each 15-minute interval of the window (domain.md §7: "a
 * curtailment order gives an account a cap (baseline − required reduction)"):
 *
 * | limit | cap | required reduction |
 * |---|---|---|
 * | `cap` C kW | C | baseline − C (0 if the baseline is already below C) |
 * | `reduction_kw` R from a reference | reference − R (not below 0) | R |
 * | `reduction_pct` p % from a reference | reference × (1 − p/100) | reference × p/100 |
 *
 * The reference is the baseline or the day-ahead forecast, per interval. Without a reference
 * value an interval has no cap for a reduction order (compliance there is unknown), and no
 * required reduction for a cap order (degree of execution unknown, compliance still judged).
 */
export interface IntervalCap {
  start: number;
  end: number;
  capKw: number | null;
  /** the baseline or forecast the reduction is measured from */
  referenceKw: number | null;
  requiredReductionKw: number | null;
}

export interface AccountCaps {
  accountId: number;
  limit: OrderLimit;
  intervals: IntervalCap[];
}

export interface CapsInput {
  accountId: number;
  limit: OrderLimit;
  window: { start: number; end: number };
  /** the account's baseline per interval (`computeCurtailmentBaseline(…).intervals`) */
  baselineKw?: readonly IntervalKw[];
  /** the account's day-ahead forecast per interval (`pointsInRange(forecastDays, …)`) */
  forecastKw?: readonly IntervalKw[];
}

export interface IntervalKw {
  start: number;
  kw: number | null;
}

const toMap = (v: readonly IntervalKw[] | undefined): ReadonlyMap<number, number | null> =>
  new Map((v ?? []).map((i) => [i.start, i.kw]));

export function computeAccountCaps(input: CapsInput): AccountCaps {
  assertWindow(input.window);
  const baseline = toMap(input.baselineKw);
  const forecast = toMap(input.forecastKw);
  const limit = input.limit;
  if (limit.kind !== 'cap' && limit.reference === 'forecast' && input.forecastKw === undefined) {
    throw new OrderlyError('forecastKw', 'a reduction from the forecast needs the forecast');
  }
  const intervals = windowIntervals(input.window).map((start): IntervalCap => {
    const end = start + SLOT_MS;
    const baseKw = baseline.get(start) ?? null;
    if (limit.kind === 'cap') {
      return {
        start,
        end,
        capKw: limit.capKw,
        referenceKw: baseKw,
        requiredReductionKw: baseKw === null ? null : Math.max(0, baseKw - limit.capKw),
      };
    }
    const referenceKw = limit.reference === 'baseline' ? baseKw : (forecast.get(start) ?? null);
    if (referenceKw === null) return { start, end, capKw: null, referenceKw, requiredReductionKw: null };
    const requiredReductionKw =
      limit.kind === 'reduction_kw' ? limit.reductionKw : (referenceKw * limit.reductionPct) / 100;
    return { start, end, capKw: Math.max(0, referenceKw - requiredReductionKw), referenceKw, requiredReductionKw };
  });
  return { accountId: input.accountId, limit, intervals };
}
