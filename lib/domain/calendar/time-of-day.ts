// Local wall-clock times of day written `HH:MM` (time-of-use ranges in the tariff files, slot
// times in forecast explanations). Minute resolution; `24:00` is the end of the day.

export const MINUTES_PER_DAY = 1440;

const TIME_RE = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** "HH:MM" → minutes since midnight; "24:00" → 1440 (only meaningful as an end); null when not a time. */
export function parseTimeOfDay(text: string): number | null {
  const m = TIME_RE.exec(text);
  if (!m) return null;
  const minutes = Number(m[1]) * 60 + Number(m[2]);
  return minutes > MINUTES_PER_DAY ? null : minutes;
}

/** Minutes since midnight → "HH:MM" (1440 → "24:00"). */
export function formatTimeOfDay(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
