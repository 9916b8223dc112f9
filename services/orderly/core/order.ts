import { z } from 'zod';
import { isOnSlotBoundary, SLOT_MS } from '../../../lib/load-curve/index.ts';
import { isoInstantSchema } from '../../../lib/domain/index.ts';
import { parseOrThrow } from '../../../lib/domain/index.ts';
import { OrderlyError } from './errors.ts';

/**
 * A curtailment order of orderly power use (有序用电, domain.md §7): which accounts, for which
 * window, with which limit, at which warning level and with which measure. When supply is
 * short, measures escalate shift peak → avoid peak → curtail → disconnect, and warnings go
 * blue → yellow → orange → red.
 */

export const WARNING_LEVELS = ['blue', 'yellow', 'orange', 'red'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];

/** 错峰 shift peak, 避峰 avoid peak, 限电 curtail, 拉闸 disconnect (domain.md §7 order). */
export const MEASURE_KINDS = ['shift_peak', 'avoid_peak', 'curtail', 'disconnect'] as const;
export type MeasureKind = (typeof MEASURE_KINDS)[number];

/** An order window is one day at most: a longer action is issued as one order per day. */
export const MAX_WINDOW_MS = 86_400_000;

// domain.md §6: demand blocks start at hh:00/15/30/45, so an order window must too
const isoInstant = isoInstantSchema.refine(isOnSlotBoundary, 'must be on a 15-minute boundary (hh:00/15/30/45)');

const accountId = z.number().int().positive();

const targetsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('accounts'), accountIds: z.array(accountId).min(1, 'must list at least one account') }),
  z.object({ kind: z.literal('tier'), tier: z.enum(['A', 'B', 'C']) }),
  z.object({ kind: z.literal('area'), area: z.string().trim().min(1).max(100) }),
]);

const referenceSchema = z.enum(['baseline', 'forecast']);

/**
 * The limit for each targeted account: an absolute cap, or a reduction from the account's
 * baseline (domain.md §7: cap = baseline − required reduction) or from its day-ahead forecast.
 */
export const orderLimitSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cap'), capKw: z.number().min(0) }),
  z.object({ kind: z.literal('reduction_kw'), reductionKw: z.number().positive(), reference: referenceSchema }),
  z.object({
    kind: z.literal('reduction_pct'),
    reductionPct: z.number().positive().max(100),
    reference: referenceSchema,
  }),
]);

export const curtailmentOrderSchema = z
  .object({
    id: z.string().trim().min(1).max(64),
    targets: targetsSchema,
    window: z.object({ start: isoInstant, end: isoInstant }),
    limit: orderLimitSchema,
    /** a different limit for some accounts (a plan assigns each account its own figure) */
    accountLimits: z.array(z.object({ accountId, limit: orderLimitSchema })).default([]),
    warningLevel: z.enum(WARNING_LEVELS),
    measure: z.enum(MEASURE_KINDS),
    /** domain.md §7 "≤ cap (with a tolerance)": project default 5 % above the cap still complies */
    tolerancePct: z.number().min(0).max(50).default(5),
  })
  .superRefine((order, ctx) => {
    // zod 4 runs this refinement even when a field failed: judge only what parsed
    const seen = new Set<number>();
    (Array.isArray(order.accountLimits) ? order.accountLimits : []).forEach((l, i) => {
      if (seen.has(l.accountId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['accountLimits', i, 'accountId'],
          message: `${l.accountId} appears twice`,
        });
      }
      seen.add(l.accountId);
    });
    const { start, end } = order.window ?? {};
    if (typeof start !== 'number' || typeof end !== 'number' || !isOnSlotBoundary(start) || !isOnSlotBoundary(end)) {
      return;
    }
    if (end <= start) ctx.addIssue({ code: 'custom', path: ['window', 'end'], message: 'must be after window.start' });
    else if (end - start > MAX_WINDOW_MS) {
      ctx.addIssue({
        code: 'custom',
        path: ['window', 'end'],
        message: 'window is at most 24 h: issue one order per day',
      });
    }
  });

export type CurtailmentOrderInput = z.input<typeof curtailmentOrderSchema>;
export type CurtailmentOrder = z.output<typeof curtailmentOrderSchema>;
export type OrderLimit = z.output<typeof orderLimitSchema>;

/** Parses an order; throws OrderlyError listing every bad field. Instants become epoch ms. */
export function parseCurtailmentOrder(input: unknown): CurtailmentOrder {
  return parseOrThrow(curtailmentOrderSchema, input, (issues) => new OrderlyError(issues), { root: '(order)' });
}

/** For windows that did not come through the order schema. */
export function assertWindow(window: { start: number; end: number }, field = 'window'): void {
  const ok =
    typeof window === 'object' &&
    window !== null &&
    isOnSlotBoundary(window.start) &&
    isOnSlotBoundary(window.end) &&
    window.end > window.start &&
    window.end - window.start <= MAX_WINDOW_MS;
  if (!ok) {
    throw new OrderlyError(field, 'must run from a 15-minute boundary to a later one, at most 24 h (epoch ms)');
  }
}

/** The start of every 15-minute interval of the window. */
export function windowIntervals(window: { start: number; end: number }): number[] {
  const out: number[] = [];
  for (let t = window.start; t < window.end; t += SLOT_MS) out.push(t);
  return out;
}

/** The limit that applies to one account: its own entry, else the order's. */
export function limitFor(order: CurtailmentOrder, accountId: number): OrderLimit {
  return order.accountLimits.find((l) => l.accountId === accountId)?.limit ?? order.limit;
}

export interface AccountFacts {
  accountId: number;
  tier: string;
  area?: string | null;
}

/**
 * The accounts an order targets, from the facts the caller holds. Listed ids not among the facts
 * are returned apart, so a caller can refuse or warn.
 */
export function resolveOrderAccounts(
  order: CurtailmentOrder,
  accounts: readonly AccountFacts[],
): { accountIds: number[]; unknownAccountIds: number[] } {
  const t = order.targets;
  if (t.kind === 'accounts') {
    const known = new Set(accounts.map((a) => a.accountId));
    const ids = [...new Set(t.accountIds)].sort((a, b) => a - b);
    return { accountIds: ids.filter((id) => known.has(id)), unknownAccountIds: ids.filter((id) => !known.has(id)) };
  }
  const match = t.kind === 'tier' ? (a: AccountFacts) => a.tier === t.tier : (a: AccountFacts) => a.area === t.area;
  return {
    accountIds: accounts
      .filter(match)
      .map((a) => a.accountId)
      .sort((a, b) => a - b),
    unknownAccountIds: [],
  };
}
