// Industry load profiles: the fraction of a meter's rated kW and its displacement power factor
// at a simulated time. Pure: the same (profile, time, seed, calendar) always gives the same point.
// Shapes are typical utility load-research shapes, not measured data; all numbers are defaults.
import { localTimeOf, type DayType, type LocalTime, type SimCalendar } from './calendar.ts';
import { deriveSeed, smoothNoiseAt, triangularAt, uniformAt } from './prng.ts';

export const LOAD_PROFILE_NAMES = [
  'steel_three_shift',
  'factory_day_shift',
  'data_centre',
  'hospital',
  'office_tower',
  'cold_storage',
] as const;
export type LoadProfileName = (typeof LOAD_PROFILE_NAMES)[number];

/** [hour of day, fraction of rated kW]; linear between points, must cover 0 and 24. */
type DailyCurve = readonly (readonly [number, number])[];

interface Modulation {
  /** multiplies the curve */
  readonly factor: number;
  /** replaces the profile's base power factor */
  readonly pf?: number;
}

interface LoadProfileDefinition {
  readonly description: string;
  readonly curves: Readonly<Record<DayType, DailyCurve>>;
  /** typical lagging displacement power factor of the site before compensation */
  readonly basePf: number;
  /** ± wander of the power factor */
  readonly pfWander: number;
  /** ± slow wander of the load (15-minute knots) */
  readonly slowNoise: number;
  /** ± noise per simulation step (arc furnaces: large) */
  readonly fastNoise: number;
  /** process dynamics on top of the daily curve */
  readonly modulate?: (timeMs: number, local: LocalTime, seed: number) => Modulation;
}

const MINUTE_MS = 60_000;
const SLOW_NOISE_PERIOD_MS = 15 * MINUTE_MS;
const PF_NOISE_PERIOD_MS = 10 * MINUTE_MS;
const PF_MIN = 0.3;
const PF_MAX = 0.999;

/** Periodic on/off process with a seeded phase: true while "on". */
function cycleOn(timeMs: number, seed: number, periodMs: number, dutyOn: number): boolean {
  const phaseMs = uniformAt(seed, 1) * periodMs;
  const position = (((timeMs + phaseMs) % periodMs) + periodMs) % periodMs;
  return position < dutyOn * periodMs;
}

// Three shifts change at 00:00, 08:00 and 16:00; rolling mills stop for the hand-over and ramp
// back over half an hour. Continuous process: weekends run as workdays.
const STEEL_CURVE: DailyCurve = [
  [0, 0.55],
  [0.5, 0.9],
  [7.95, 0.9],
  [8, 0.55],
  [8.5, 0.9],
  [15.95, 0.9],
  [16, 0.55],
  [16.5, 0.9],
  [23.95, 0.9],
  [24, 0.55],
];

// Power factors are as the meter sees them, after the site's compensation (capacitor banks,
// SVC at arc furnaces): key accounts are billed against 0.90 (domain.md §3) and keep above it.
// Uncompensated plant (steel ≈ 0.84, compressors ≈ 0.80) is what the low_power_factor fault
// brings back.
const LOAD_PROFILES: Readonly<Record<LoadProfileName, LoadProfileDefinition>> = {
  steel_three_shift: {
    description: 'three-shift steel works with electric arc furnace: high, flat, shift-change dips, arc noise',
    curves: {
      workday: STEEL_CURVE,
      weekend: STEEL_CURVE,
      holiday: STEEL_CURVE.map(([h, v]) => [h, v * 0.85] as const),
    },
    basePf: 0.94,
    pfWander: 0.02,
    slowNoise: 0.03,
    fastNoise: 0.1,
    // Arc furnace tap-to-tap cycle ≈ 55 min with ≈ 8 min power-off for tapping.
    modulate: (timeMs, _local, seed) =>
      cycleOn(timeMs, seed, 55 * MINUTE_MS, 47 / 55) ? { factor: 1 } : { factor: 0.72, pf: 0.96 },
  },
  factory_day_shift: {
    description: 'day-shift manufacturing: 08-17 on workdays with a lunch dip, low base load otherwise',
    curves: {
      workday: [
        [0, 0.18],
        [6, 0.18],
        [8, 0.85],
        [12, 0.85],
        [12.1, 0.55],
        [13, 0.55],
        [13.1, 0.85],
        [17, 0.85],
        [19, 0.25],
        [24, 0.18],
      ],
      weekend: [
        [0, 0.18],
        [8, 0.22],
        [17, 0.22],
        [24, 0.18],
      ],
      holiday: [
        [0, 0.15],
        [24, 0.15],
      ],
    },
    basePf: 0.94,
    pfWander: 0.02,
    slowNoise: 0.04,
    fastNoise: 0.02,
  },
  data_centre: {
    description: 'data centre: flat IT load, cooling slightly higher in the afternoon',
    curves: {
      workday: [
        [0, 0.7],
        [9, 0.71],
        [15, 0.74],
        [21, 0.71],
        [24, 0.7],
      ],
      weekend: [
        [0, 0.69],
        [15, 0.72],
        [24, 0.69],
      ],
      holiday: [
        [0, 0.69],
        [15, 0.72],
        [24, 0.69],
      ],
    },
    basePf: 0.97,
    pfWander: 0.01,
    slowNoise: 0.01,
    fastNoise: 0.005,
  },
  hospital: {
    description: 'hospital: 24 h base load, day peak from clinics and theatres',
    curves: {
      workday: [
        [0, 0.5],
        [6, 0.5],
        [8, 0.72],
        [10.5, 0.8],
        [17, 0.75],
        [21, 0.58],
        [24, 0.5],
      ],
      weekend: [
        [0, 0.48],
        [8, 0.6],
        [12, 0.64],
        [20, 0.55],
        [24, 0.48],
      ],
      holiday: [
        [0, 0.48],
        [8, 0.58],
        [12, 0.62],
        [20, 0.54],
        [24, 0.48],
      ],
    },
    basePf: 0.94,
    pfWander: 0.015,
    slowNoise: 0.03,
    fastNoise: 0.015,
  },
  office_tower: {
    description: 'office tower: HVAC and lighting 08-19 on workdays, low nights and weekends',
    curves: {
      workday: [
        [0, 0.2],
        [7, 0.22],
        [9, 0.85],
        [12, 0.85],
        [12.5, 0.76],
        [13.5, 0.85],
        [18, 0.82],
        [21, 0.3],
        [24, 0.2],
      ],
      weekend: [
        [0, 0.2],
        [9, 0.28],
        [17, 0.28],
        [24, 0.2],
      ],
      holiday: [
        [0, 0.2],
        [24, 0.2],
      ],
    },
    basePf: 0.95,
    pfWander: 0.015,
    slowNoise: 0.03,
    fastNoise: 0.01,
  },
  cold_storage: {
    description: 'cold storage: refrigeration compressors cycling, longer on-time in the warm afternoon',
    curves: {
      workday: [
        [0, 0.88],
        [8, 0.92],
        [18, 0.92],
        [24, 0.88],
      ],
      weekend: [
        [0, 0.88],
        [24, 0.88],
      ],
      holiday: [
        [0, 0.88],
        [24, 0.88],
      ],
    },
    basePf: 0.95,
    pfWander: 0.015,
    slowNoise: 0.02,
    fastNoise: 0.01,
    // Compressor cycle ≈ 40 min, duty 55 % at night up to 75 % mid-afternoon.
    modulate: (timeMs, local, seed) => {
      const warmth = Math.max(0, Math.cos(((local.hourOfDay - 15) / 24) * 2 * Math.PI));
      const duty = 0.55 + 0.2 * warmth;
      return cycleOn(timeMs, seed, 40 * MINUTE_MS, duty) ? { factor: 1, pf: 0.93 } : { factor: 0.35 };
    },
  },
};

function interpolate(curve: DailyCurve, hour: number): number {
  for (let i = 1; i < curve.length; i++) {
    const [h1, v1] = curve[i]!;
    if (hour <= h1) {
      const [h0, v0] = curve[i - 1]!;
      return h1 === h0 ? v1 : v0 + ((v1 - v0) * (hour - h0)) / (h1 - h0);
    }
  }
  return curve[curve.length - 1]![1];
}

export interface LoadPoint {
  /** fraction of the meter's rated kW (≥ 0; may exceed 1 briefly with noise) */
  readonly loadFraction: number;
  /** lagging displacement power factor, 0.3..0.999 */
  readonly pf: number;
}

/** Seeds of the noise channels of one meter's profile (derived once per meter). */
export interface ProfileSeeds {
  readonly process: number;
  readonly slow: number;
  readonly fast: number;
  readonly pf: number;
}

export function profileSeedsOf(meterSeed: number): ProfileSeeds {
  return {
    process: deriveSeed(meterSeed, 'profile.process'),
    slow: deriveSeed(meterSeed, 'profile.slow'),
    fast: deriveSeed(meterSeed, 'profile.fast'),
    pf: deriveSeed(meterSeed, 'profile.pf'),
  };
}

/**
 * Load point of a profile at `timeMs`. `stepIndex` selects the per-step noise sample, so the
 * value is constant within one simulation step.
 */
export function loadPointAt(
  name: LoadProfileName,
  timeMs: number,
  stepIndex: number,
  calendar: SimCalendar,
  seeds: ProfileSeeds,
): LoadPoint {
  const profile = LOAD_PROFILES[name];
  const local = localTimeOf(timeMs, calendar);
  const modulation = profile.modulate?.(timeMs, local, seeds.process) ?? { factor: 1 };
  const shape = interpolate(profile.curves[local.dayType], local.hourOfDay) * modulation.factor;
  const slow = 1 + profile.slowNoise * smoothNoiseAt(seeds.slow, timeMs, SLOW_NOISE_PERIOD_MS);
  const fast = 1 + profile.fastNoise * triangularAt(seeds.fast, stepIndex);
  const loadFraction = Math.max(0, shape * slow * fast);
  const pfBase = modulation.pf ?? profile.basePf;
  const pf = pfBase + profile.pfWander * smoothNoiseAt(seeds.pf, timeMs, PF_NOISE_PERIOD_MS);
  return { loadFraction, pf: Math.min(PF_MAX, Math.max(PF_MIN, pf)) };
}
