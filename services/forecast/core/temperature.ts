/**
 * Ordinary least squares of daily energy on daily mean temperature, E = a + b·T, with the
 * statistics that decide whether the slope is worth using: R² and the slope's t value
 * t = b / SE(b), SE(b) = √(SSE / (n − 2) / Sxx). A slope is applied only when it is both
 * significant and explains a real share of the variance (see forecast-options.ts).
 */
export interface TemperatureFit {
  days: number;
  interceptKwh: number;
  slopeKwhPerC: number;
  rSquared: number;
  /** slope / its standard error; ±Infinity for a perfect fit */
  tStat: number;
}

export function fitEnergyOnTemperature(
  points: readonly { temperatureC: number; energyKwh: number }[],
): TemperatureFit | null {
  const n = points.length;
  if (n < 3) return null;
  const meanT = points.reduce((a, p) => a + p.temperatureC, 0) / n;
  const meanE = points.reduce((a, p) => a + p.energyKwh, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    const dt = p.temperatureC - meanT;
    const de = p.energyKwh - meanE;
    sxx += dt * dt;
    sxy += dt * de;
    syy += de * de;
  }
  // no spread in temperature: no slope can be estimated
  if (sxx <= 1e-12) return null;
  const slope = sxy / sxx;
  const sse = Math.max(0, syy - slope * sxy);
  const rSquared = syy > 0 ? 1 - sse / syy : 0;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const tStat = se > 0 ? slope / se : slope === 0 ? 0 : Math.sign(slope) * Infinity;
  return { days: n, interceptKwh: meanE - slope * meanT, slopeKwhPerC: slope, rSquared, tStat };
}
