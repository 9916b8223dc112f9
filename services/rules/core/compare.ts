// Threshold comparisons with a tolerance far below any meter's resolution: 10 700 V against a
// 10 kV nominal is a 7.000000000000001 % deviation in binary floating point, and must count as
// "at the ±7 % limit", not above it.
const EPS = 1e-9;

export const isAbove = (value: number, limit: number): boolean => value > limit + EPS;
export const isBelow = (value: number, limit: number): boolean => value < limit - EPS;
export const isAtMost = (value: number, limit: number): boolean => value <= limit + EPS;
export const isAtLeast = (value: number, limit: number): boolean => value >= limit - EPS;

/** Round for evidence and reports: 6 significant decimals are plenty for %, V, kW. */
export const round6 = (value: number): number => Math.round(value * 1e6) / 1e6;
