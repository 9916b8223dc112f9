import type { AccountCaps } from './caps.ts';
import {
  type ComplianceOptionsInput,
  evaluateCompliance,
  type IntervalEnergy,
  type IntervalVerdict,
} from './compliance.ts';
import { OrderlyError } from './errors.ts';
import type { CurtailmentOrder } from './order.ts';

/**
 * How an order was carried out, once its window is over (domain.md §7).
 *
 * Per account, over the intervals where the reference (baseline, or forecast for orders that
 * reduce from the forecast), the actual demand and the required reduction are all known:
 * **degree of execution** = Σ (reference − actual) / Σ required reduction (domain.md §7,
 * "(baseline − actual) / required reduction"; 1 = exactly the reduction asked, > 1 more). The
 * account **complied** when every interval was compliant; **not complied** when any was
 * non-compliant; **unknown** when none was non-compliant but some were unknown (incomplete
 * data proves nothing).
 *
 * Per order, the **execution rate** = accounts that complied / accounts targeted (an unknown
 * account is not counted as complied), and the totals: mean required and achieved reduction
 * summed over the accounts whose degree is known, and their ratio.
 */
export interface AccountExecution {
  accountId: number;
  status: 'complied' | 'not_complied' | 'unknown';
  compliedEveryInterval: boolean;
  counts: { intervals: number; compliant: number; nonCompliant: number; unknown: number };
  /** intervals with reference, actual and required reduction known */
  intervalsAssessed: number;
  meanReferenceKw: number | null;
  meanActualKw: number | null;
  meanRequiredReductionKw: number | null;
  meanAchievedReductionKw: number | null;
  /** ratio; null with `degreeReason` when it cannot be computed */
  degreeOfExecution: number | null;
  degreeReason: string | null;
  maxShortfallKw: number | null;
  intervals: IntervalVerdict[];
}

export interface OrderExecution {
  orderId: string;
  accounts: AccountExecution[];
  /** complied / targeted, 0–1; null without accounts */
  executionRate: number | null;
  totals: {
    accounts: number;
    complied: number;
    notComplied: number;
    unknown: number;
    /** Σ over accounts with a known degree of their mean required reduction */
    requiredReductionKw: number;
    achievedReductionKw: number;
    degreeOfExecution: number | null;
  };
}

export interface ExecutionInput {
  order: CurtailmentOrder;
  accounts: readonly { caps: AccountCaps; energy: readonly IntervalEnergy[] }[];
  complianceOptions?: ComplianceOptionsInput;
}

export function assessOrderExecution(input: ExecutionInput): OrderExecution {
  const { order } = input;
  const seen = new Set<number>();
  input.accounts.forEach((a, i) => {
    if (seen.has(a.caps.accountId)) {
      throw new OrderlyError(`accounts[${i}].caps.accountId`, `${a.caps.accountId} appears twice`);
    }
    seen.add(a.caps.accountId);
  });
  const accounts = input.accounts.map(({ caps, energy }): AccountExecution => {
    // judged as of the window's end: nothing is pending any more
    const c = evaluateCompliance({
      orderId: order.id,
      caps,
      energy,
      nowMs: order.window.end,
      tolerancePct: order.tolerancePct,
      options: input.complianceOptions,
    });
    let n = 0;
    let reference = 0;
    let actual = 0;
    let required = 0;
    caps.intervals.forEach((cap, i) => {
      const demand = c.intervals[i]!.demandKw;
      if (cap.referenceKw === null || cap.requiredReductionKw === null || demand === null) return;
      n++;
      reference += cap.referenceKw;
      actual += demand;
      required += cap.requiredReductionKw;
    });
    const status = c.counts.non_compliant > 0 ? 'not_complied' : c.counts.unknown > 0 ? 'unknown' : 'complied';
    const degreeReason =
      n === 0
        ? 'no interval with reference, demand and required reduction all known'
        : required <= 0
          ? 'nothing required: the reference was already at or below the cap'
          : null;
    const shortfalls = c.intervals.flatMap((v) => (v.shortfallKw === null ? [] : [v.shortfallKw]));
    return {
      accountId: caps.accountId,
      status,
      compliedEveryInterval: status === 'complied',
      counts: {
        intervals: c.intervals.length,
        compliant: c.counts.compliant,
        nonCompliant: c.counts.non_compliant,
        unknown: c.counts.unknown,
      },
      intervalsAssessed: n,
      meanReferenceKw: n > 0 ? reference / n : null,
      meanActualKw: n > 0 ? actual / n : null,
      meanRequiredReductionKw: n > 0 ? required / n : null,
      meanAchievedReductionKw: n > 0 ? (reference - actual) / n : null,
      degreeOfExecution: degreeReason === null ? (reference - actual) / required : null,
      degreeReason,
      maxShortfallKw: shortfalls.length > 0 ? Math.max(...shortfalls) : null,
      intervals: c.intervals,
    };
  });
  const assessed = accounts.filter((a) => a.degreeOfExecution !== null);
  const requiredReductionKw = assessed.reduce((s, a) => s + a.meanRequiredReductionKw!, 0);
  const achievedReductionKw = assessed.reduce((s, a) => s + a.meanAchievedReductionKw!, 0);
  const complied = accounts.filter((a) => a.status === 'complied').length;
  return {
    orderId: order.id,
    accounts,
    executionRate: accounts.length > 0 ? complied / accounts.length : null,
    totals: {
      accounts: accounts.length,
      complied,
      notComplied: accounts.filter((a) => a.status === 'not_complied').length,
      unknown: accounts.filter((a) => a.status === 'unknown').length,
      requiredReductionKw,
      achievedReductionKw,
      degreeOfExecution: requiredReductionKw > 0 ? achievedReductionKw / requiredReductionKw : null,
    },
  };
}
