// Poll times on the interval grid (e.g. every 15 s on :00, :15, :30, :45), so readings of all
// meters with the same interval share timestamps and load curves line up. Pure.

/** The first grid time strictly after `nowMs` for this interval. */
export function nextGridTime(nowMs: number, intervalMs: number): number {
  return Math.floor(nowMs / intervalMs) * intervalMs + intervalMs;
}

/** Whether `tickMs` is on the grid of this interval. */
export function isOnGrid(tickMs: number, intervalMs: number): boolean {
  return tickMs % intervalMs === 0;
}

/** The earliest next grid time across several intervals. */
export function nextTick(nowMs: number, intervalsMs: Iterable<number>): number | undefined {
  let next: number | undefined;
  for (const i of intervalsMs) {
    const t = nextGridTime(nowMs, i);
    if (next === undefined || t < next) next = t;
  }
  return next;
}

/** The first grid time at or after `atMs` (a backed-off meter is retried on the grid). */
export function gridTimeAtOrAfter(atMs: number, intervalMs: number): number {
  return Math.ceil(atMs / intervalMs) * intervalMs;
}
