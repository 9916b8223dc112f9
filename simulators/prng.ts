// Seeded, random-access pseudo-random numbers. mulberry32's state advances by a constant, so
// its n-th draw can be computed directly: a meter's noise at simulated step n is the same
// whether the simulator walked there step by step or jumped (deterministic for any read order).

const MULBERRY_INCREMENT = 0x6d2b79f5;

function mulberryMix(state: number): number {
  let t = state >>> 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** Sequential mulberry32 generator: uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + MULBERRY_INCREMENT) >>> 0;
    return mulberryMix(state);
  };
}

/** The `index`-th draw (1-based) of mulberry32(seed), in [0, 1), without walking the sequence. */
export function uniformAt(seed: number, index: number): number {
  return mulberryMix((seed + Math.imul(index >>> 0, MULBERRY_INCREMENT)) >>> 0);
}

/** Random-access draw in [-1, 1). */
export function signedAt(seed: number, index: number): number {
  return uniformAt(seed, index) * 2 - 1;
}

/** Random-access draw in [-1, 1) with a triangular distribution (sum of two uniforms). */
export function triangularAt(seed: number, index: number): number {
  return uniformAt(seed, index * 2) + uniformAt(seed, index * 2 + 1) - 1;
}

/** Stable 32-bit seed for a named noise channel of a parent seed (FNV-1a over the label). */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return mulberryMix(hash >>> 0) * 4294967296;
}

/**
 * Smooth noise in [-1, 1]: random knots every `periodMs`, cosine-interpolated, so it drifts
 * instead of jumping (slow load wander, voltage drift).
 */
export function smoothNoiseAt(seed: number, timeMs: number, periodMs: number): number {
  const position = timeMs / periodMs;
  const knot = Math.floor(position);
  const fraction = position - knot;
  const weight = (1 - Math.cos(fraction * Math.PI)) / 2;
  const a = signedAt(seed, knot);
  const b = signedAt(seed, knot + 1);
  return a + (b - a) * weight;
}
