// Exponential backoff with jitter, pure (the random source is a parameter).
//
// "Equal jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015): half of the
// capped exponential delay is fixed, half random, so a meter is never retried at once and a
// gateway full of meters that died together does not come back in lockstep.

export interface BackoffPolicy {
  /** delay after the first failure (before jitter) */
  baseMs: number;
  /** cap of the exponential delay: bounds how long a recovered meter waits to be noticed */
  maxMs: number;
}

export function computeBackoffMs(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const exponent = Math.min(failures - 1, 30);
  const capped = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent);
  return capped / 2 + random() * (capped / 2);
}
