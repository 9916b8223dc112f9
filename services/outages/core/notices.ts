import { z } from 'zod';
import { parseOrThrow } from '../../../lib/domain/index.ts';
import { OutageError } from './errors.ts';
import type { PlannedOutage } from './outage.ts';

/**
 * When to tell the affected accounts about a planned outage. domain.md §11: planned outages
 * are announced 7 days ahead; the project adds a reminder 24 h before (the lead time of a
 * temporary maintenance outage). Both lead times are configurable.
 *
 * A notice is due at start − lead. If that moment has already passed when the outage is
 * recorded, it is sent at once (`sendAt` = recording time) and flagged `late`; several overdue
 * notices collapse into one (two messages in the same minute would say the same thing), which
 * lists the lead times it stands for. An outage recorded after it began gets one late notice;
 * one recorded after it ended gets none.
 */
export const noticeOptionsSchema = z.object({
  leadTimesMs: z
    .array(z.number().int().positive())
    .min(1)
    .default([7 * 86_400_000, 24 * 3_600_000]),
});
export type NoticeOptionsInput = z.input<typeof noticeOptionsSchema>;

export interface OutageNotice {
  outageId: string;
  /** lead times (ms before start) this notice stands for, longest first */
  leadTimesMs: number[];
  /** when it should have gone out: start − the shortest of its lead times */
  dueAt: number;
  sendAt: number;
  late: boolean;
  recipients: number[];
  /** idempotency key: changes when the outage is moved */
  key: string;
}

export function planOutageNotices(
  outage: PlannedOutage,
  recordedAtMs: number,
  options: NoticeOptionsInput = {},
): OutageNotice[] {
  const { leadTimesMs } = parseOrThrow(noticeOptionsSchema, options, (issues) => new OutageError(issues), {
    under: 'options',
  });
  if (!Number.isFinite(recordedAtMs)) throw new OutageError('recordedAtMs', 'must be epoch milliseconds');
  const { start, end } = outage.window;
  if (recordedAtMs >= end) return [];
  const leads = [...new Set(leadTimesMs)].sort((a, b) => b - a);
  const recipients = [...new Set(outage.accountIds)].sort((a, b) => a - b);
  const notice = (leadTimesMs: number[], sendAt: number, late: boolean): OutageNotice => {
    const dueAt = start - Math.min(...leadTimesMs);
    return {
      outageId: outage.id,
      leadTimesMs,
      dueAt,
      sendAt,
      late,
      recipients,
      key: `${outage.id}:${start}:${late ? 'late' : Math.min(...leadTimesMs)}`,
    };
  };
  const overdue = leads.filter((lead) => start - lead < recordedAtMs);
  const onTime = leads.filter((lead) => start - lead >= recordedAtMs);
  const out: OutageNotice[] = [];
  if (overdue.length > 0) out.push(notice(overdue, recordedAtMs, true));
  for (const lead of onTime) out.push(notice([lead], start - lead, false));
  return out.sort((a, b) => a.sendAt - b.sendAt);
}
