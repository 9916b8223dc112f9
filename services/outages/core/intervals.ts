/** Half-open time intervals [start, end) in epoch ms, and the set operations outages need. */
export interface TimeInterval {
  start: number;
  end: number;
}

/** Sorted, non-overlapping union; empty intervals dropped, touching ones joined. */
export function unionIntervals(intervals: readonly TimeInterval[]): TimeInterval[] {
  const sorted = intervals.filter((i) => i.end > i.start).sort((a, b) => a.start - b.start);
  const out: TimeInterval[] = [];
  for (const i of sorted) {
    const last = out[out.length - 1];
    if (last && i.start <= last.end) last.end = Math.max(last.end, i.end);
    else out.push({ start: i.start, end: i.end });
  }
  return out;
}

/** The parts of `from` not covered by any of `remove`. */
export function subtractIntervals(from: TimeInterval, remove: readonly TimeInterval[]): TimeInterval[] {
  const out: TimeInterval[] = [];
  let cursor = from.start;
  for (const r of unionIntervals(remove)) {
    if (r.end <= cursor) continue;
    if (r.start >= from.end) break;
    if (r.start > cursor) out.push({ start: cursor, end: r.start });
    cursor = Math.max(cursor, r.end);
  }
  if (cursor < from.end) out.push({ start: cursor, end: from.end });
  return out;
}

export const totalMs = (intervals: readonly TimeInterval[]): number =>
  unionIntervals(intervals).reduce((a, i) => a + (i.end - i.start), 0);

export const clip = (i: TimeInterval, to: TimeInterval): TimeInterval | null => {
  const start = Math.max(i.start, to.start);
  const end = Math.min(i.end, to.end);
  return end > start ? { start, end } : null;
};
