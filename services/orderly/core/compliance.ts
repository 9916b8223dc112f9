import { z } from 'zod';
import type { AccountCaps } from './caps.ts';
import { parseOrThrow } from '../../../lib/domain/index.ts';
import { OrderlyError } from './errors.ts';

/**
 * Live compliance of one account with its caps (domain.md §7 "every 15-minute demand in the
 * window ≤ cap (with a tolerance)"):
 *
 * - demand of an interval = its energy × 4 (kWh in 15 min → average kW, domain.md §6, immune to
 *   polling jitter); an interval is **compliant** when demand ≤ cap × (1 + tolerance), else
 *   **non-compliant** with a shortfall of demand − cap kW (the reduction still missing);
 * - an ended interval without complete energy, or without a cap, is **unknown**: never counted
 *   as compliant; an interval not yet ended is **pending** and not judged;
 * - the account becomes non-compliant after two consecutive non-compliant intervals (one
 *   15-minute overshoot is a machine start; project default, configurable) — the transition
 *   carries `since` (start of the first) and `at` (end of the second, when it was known);
 *   an unknown interval breaks the run. It recovers after one compliant interval (`since` and
 *   `at` of that interval); unknown intervals keep it non-compliant.
 *
 * Pure and replayable: call it with every interval so far each time; the transitions come out
 * the same, and `key` is an idempotency key for whoever stores or sends them.
 */
export const complianceOptionsSchema = z.object({
  intervalsToBreach: z.number().int().min(1).max(96).default(2),
  intervalsToRecover: z.number().int().min(1).max(96).default(1),
});
export type ComplianceOptions = z.output<typeof complianceOptionsSchema>;
export type ComplianceOptionsInput = z.input<typeof complianceOptionsSchema>;

export interface IntervalEnergy {
  /** start instant of the 15-minute block (epoch ms) */
  start: number;
  /** import energy of the block; null when the block is incomplete or unknown */
  energyKwh: number | null;
}

export type IntervalStatus = 'compliant' | 'non_compliant' | 'unknown' | 'pending';

export interface IntervalVerdict {
  start: number;
  end: number;
  status: IntervalStatus;
  demandKw: number | null;
  capKw: number | null;
  /** cap × (1 + tolerance): the highest compliant demand */
  limitKw: number | null;
  /** demand − cap when above the cap, else 0; null when unknown */
  shortfallKw: number | null;
}

export interface ComplianceTransition {
  kind: 'non_compliant' | 'recovered';
  orderId: string;
  accountId: number;
  since: number;
  at: number;
  key: string;
}

export interface ComplianceResult {
  orderId: string;
  accountId: number;
  state: 'compliant' | 'non_compliant';
  nonCompliantSince: number | null;
  intervals: IntervalVerdict[];
  transitions: ComplianceTransition[];
  counts: Record<IntervalStatus, number>;
}

export interface ComplianceInput {
  orderId: string;
  caps: AccountCaps;
  energy: readonly IntervalEnergy[];
  /** evaluation time: intervals ending after it are pending */
  nowMs: number;
  tolerancePct: number;
  options?: ComplianceOptionsInput;
}

// far below any meter's resolution: a demand equal to the limit in decimal must not fail on a
// binary rounding residue (same reason as services/rules/compare.ts)
const EPS = 1e-9;

export function evaluateCompliance(input: ComplianceInput): ComplianceResult {
  const options = parseOrThrow(complianceOptionsSchema, input.options ?? {}, (issues) => new OrderlyError(issues), {
    under: 'options',
  });
  if (!Number.isFinite(input.nowMs)) throw new OrderlyError('nowMs', 'must be epoch milliseconds');
  if (!(input.tolerancePct >= 0)) throw new OrderlyError('tolerancePct', 'must be ≥ 0');
  const energy = new Map<number, number | null>();
  input.energy.forEach((e, i) => {
    if (e.energyKwh !== null && !Number.isFinite(e.energyKwh)) {
      throw new OrderlyError(`energy[${i}].energyKwh`, 'must be a finite number of kWh or null');
    }
    if (energy.has(e.start)) throw new OrderlyError(`energy[${i}].start`, 'appears twice');
    energy.set(e.start, e.energyKwh);
  });

  const intervals = input.caps.intervals.map((cap): IntervalVerdict => {
    const base = { start: cap.start, end: cap.end, capKw: cap.capKw };
    const limitKw = cap.capKw === null ? null : cap.capKw * (1 + input.tolerancePct / 100);
    if (cap.end > input.nowMs) return { ...base, status: 'pending', demandKw: null, limitKw, shortfallKw: null };
    const kwh = energy.get(cap.start) ?? null;
    // domain.md §6: P_avg = ΔE × 4 over a 15-minute block
    const demandKw = kwh === null ? null : kwh * 4;
    if (demandKw === null || cap.capKw === null || limitKw === null) {
      return { ...base, status: 'unknown', demandKw, limitKw, shortfallKw: null };
    }
    const ok = demandKw <= limitKw + EPS;
    return {
      ...base,
      status: ok ? 'compliant' : 'non_compliant',
      demandKw,
      limitKw,
      shortfallKw: Math.max(0, demandKw - cap.capKw),
    };
  });

  const { orderId } = input;
  const { accountId } = input.caps;
  const transitions: ComplianceTransition[] = [];
  const emit = (kind: ComplianceTransition['kind'], since: number, at: number) =>
    transitions.push({ kind, orderId, accountId, since, at, key: `${orderId}:${accountId}:${kind}:${since}` });
  let state: ComplianceResult['state'] = 'compliant';
  let nonCompliantSince: number | null = null;
  let run = 0;
  let runStart = 0;
  for (const v of intervals) {
    if (v.status === 'pending') break;
    const counts = state === 'compliant' ? v.status === 'non_compliant' : v.status === 'compliant';
    if (!counts) {
      run = 0;
      continue;
    }
    if (run === 0) runStart = v.start;
    run++;
    if (state === 'compliant' && run >= options.intervalsToBreach) {
      state = 'non_compliant';
      nonCompliantSince = runStart;
      emit('non_compliant', runStart, v.end);
      run = 0;
    } else if (state === 'non_compliant' && run >= options.intervalsToRecover) {
      state = 'compliant';
      nonCompliantSince = null;
      emit('recovered', runStart, v.end);
      run = 0;
    }
  }
  const counts: Record<IntervalStatus, number> = { compliant: 0, non_compliant: 0, unknown: 0, pending: 0 };
  for (const v of intervals) counts[v.status]++;
  return { orderId, accountId, state, nonCompliantSince, intervals, transitions, counts };
}
