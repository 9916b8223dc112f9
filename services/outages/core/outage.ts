import { z } from 'zod';
import { isoInstantSchema } from '../../../lib/domain/index.ts';
import { parseOrThrow } from '../../../lib/domain/index.ts';
import { OutageError } from './errors.ts';

/** project limit: longer works are several announced outages */
export const MAX_OUTAGE_MS = 7 * 86_400_000;

/**
 * A planned outage: a feeder or substation taken out of service for a window, the key
 * accounts it cuts off, and why. Announced ahead (domain.md §11: planned outages 7 days ahead).
 */
export const plannedOutageSchema = z
  .object({
    id: z.string().trim().min(1).max(64),
    scope: z.object({ kind: z.enum(['feeder', 'substation']), id: z.string().trim().min(1).max(100) }),
    accountIds: z.array(z.number().int().positive()).min(1, 'must list at least one affected account'),
    window: z.object({ start: isoInstantSchema, end: isoInstantSchema }),
    reason: z.string().trim().min(1).max(500),
  })
  .superRefine((o, ctx) => {
    // zod 4 runs this refinement even when a field failed: judge only what parsed
    const { start, end } = o.window ?? {};
    if (typeof start !== 'number' || typeof end !== 'number') return;
    if (end <= start) ctx.addIssue({ code: 'custom', path: ['window', 'end'], message: 'must be after window.start' });
    else if (end - start > MAX_OUTAGE_MS) {
      ctx.addIssue({ code: 'custom', path: ['window', 'end'], message: 'an outage lasts at most 7 days' });
    }
  });

export type PlannedOutageInput = z.input<typeof plannedOutageSchema>;
export type PlannedOutage = z.output<typeof plannedOutageSchema>;

/** Parses a planned outage; throws OutageError listing every bad field. Instants become epoch ms. */
export function parsePlannedOutage(input: unknown): PlannedOutage {
  return parseOrThrow(plannedOutageSchema, input, (issues) => new OutageError(issues), { root: '(outage)' });
}
