// A synthetic but realistic fleet history for forecast and orderly-power-use tests: per-account
// daily shapes (three-shift mill, day-shift factory, office tower, cold storage), weekends and
// Chinese holidays with make-up working days (the real calendar, reference/calendars/cn.json), a
// slow growth trend, a cooling load that follows a
// seasonal temperature series, day-level and point-level noise from a seeded PRNG, and a few
// unknown points. Test support only: the cores never generate data.
import { addDays, daysBetween, eachLocalDate, type LocalDate } from '../../lib/domain/index.ts';
import { type DailyLoad, type DayTypeOf, SLOTS_PER_DAY } from '../../lib/load-curve/index.ts';
import { cnDayTypeOf } from './calendars.ts';

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Standard normal by Box–Muller. */
export function gaussian(random: () => number): number {
  const u = Math.max(random(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

export type LoadShape = 'three_shift' | 'day_shift' | 'office' | 'cold_storage';

export interface SyntheticAccount {
  accountId: number;
  shape: LoadShape;
  /** level of a working day's shape = 1 */
  baseKw: number;
  weekendFactor: number;
  holidayFactor: number;
  /** relative growth per year (0.08 = +8 %/year) */
  trendPerYear: number;
  /** extra kW of daytime load per °C above 20 °C */
  coolingKwPerC: number;
  /** day-level multiplicative noise, standard deviation (0.03 = 3 %) */
  dayNoise: number;
  /** point-level AR(1) multiplicative noise, standard deviation */
  pointNoise: number;
  /** probability that a point is unknown (null) */
  missingRate: number;
  /** a step in the level from a date on (a production line added or stopped) */
  levelShift?: { from: LocalDate; factor: number };
}

export const DEFAULT_SYNTHETIC_FLEET: readonly SyntheticAccount[] = [
  {
    accountId: 1,
    shape: 'three_shift',
    baseKw: 18_000,
    weekendFactor: 0.92,
    holidayFactor: 0.7,
    trendPerYear: 0.06,
    coolingKwPerC: 60,
    dayNoise: 0.03,
    pointNoise: 0.04,
    missingRate: 0.004,
  },
  {
    accountId: 2,
    shape: 'day_shift',
    baseKw: 2_400,
    weekendFactor: 0.35,
    holidayFactor: 0.25,
    trendPerYear: 0.1,
    coolingKwPerC: 20,
    dayNoise: 0.04,
    pointNoise: 0.05,
    missingRate: 0.004,
    levelShift: { from: '2024-05-20', factor: 1.15 },
  },
  {
    accountId: 3,
    shape: 'office',
    baseKw: 1_200,
    weekendFactor: 0.45,
    holidayFactor: 0.35,
    trendPerYear: 0.03,
    coolingKwPerC: 45,
    dayNoise: 0.03,
    pointNoise: 0.04,
    missingRate: 0.004,
  },
  {
    accountId: 4,
    shape: 'cold_storage',
    baseKw: 900,
    weekendFactor: 0.95,
    holidayFactor: 0.9,
    trendPerYear: 0.05,
    coolingKwPerC: 30,
    dayNoise: 0.025,
    pointNoise: 0.03,
    missingRate: 0.004,
  },
];

const hourOf = (slot: number) => slot / 4;
const between = (h: number, from: number, to: number) => h >= from && h < to;

/** Working-day shape, per unit of base load, and the weight of the cooling load, per slot. */
function shapeOf(shape: LoadShape, working: boolean): { level: number[]; cooling: number[] } {
  const level: number[] = [];
  const cooling: number[] = [];
  for (let s = 0; s < SLOTS_PER_DAY; s++) {
    const h = hourOf(s);
    const daytime = between(h, 9, 18) ? 1 : between(h, 7, 9) || between(h, 18, 21) ? 0.5 : 0.15;
    let v: number;
    switch (shape) {
      case 'three_shift':
        // flat, with dips at the 00:00 / 08:00 / 16:00 shift changes and more melting on valley
        // prices at night (domain.md §6 default valley 23:00–07:00)
        v = 0.9 + (between(h, 23, 24) || between(h, 0, 7) ? 0.06 : 0);
        if (between(h % 8, 0, 0.5)) v -= 0.12;
        break;
      case 'day_shift':
        v =
          between(h, 8, 12) || between(h, 13, 17.5)
            ? 1
            : between(h, 12, 13)
              ? 0.7
              : between(h, 7, 8)
                ? 0.6
                : between(h, 17.5, 21)
                  ? 0.4
                  : 0.22;
        if (!working) v = between(h, 8, 17) ? 0.45 : 0.3;
        break;
      case 'office':
        v = between(h, 8, 19) ? 1 : between(h, 7, 8) || between(h, 19, 21) ? 0.6 : 0.3;
        if (!working) v = between(h, 9, 17) ? 0.45 : 0.3;
        break;
      case 'cold_storage':
        v = between(h, 23, 24) || between(h, 0, 7) ? 1 : 0.8;
        break;
    }
    level.push(v);
    cooling.push(shape === 'office' && !working ? daytime * 0.4 : daytime);
  }
  return { level, cooling };
}

/** Daily mean temperature, °C: a seasonal wave (coldest mid-January) plus AR(1) weather noise. */
export function generateTemperatures(from: LocalDate, to: LocalDate, seed: number): Record<LocalDate, number> {
  const random = seededRandom(seed);
  const out: Record<LocalDate, number> = {};
  let weather = 0;
  for (const date of eachLocalDate(from, to)) {
    const doy = daysBetween(`${date.slice(0, 4)}-01-01`, date);
    const seasonal = 17 - 11 * Math.cos((2 * Math.PI * (doy - 15)) / 365);
    weather = 0.7 * weather + 2 * gaussian(random);
    out[date] = Math.round((seasonal + weather) * 10) / 10;
  }
  return out;
}

export interface GenerateOptions {
  from: LocalDate;
  to: LocalDate;
  dayTypeOf: DayTypeOf;
  temperatureC: Readonly<Record<LocalDate, number>>;
  seed: number;
}

/** The account's 96-point daily curves from `from` to `to`. */
export function generateHistory(account: SyntheticAccount, options: GenerateOptions): DailyLoad[] {
  const random = seededRandom(options.seed * 7919 + account.accountId);
  const days: DailyLoad[] = [];
  let ar = 0;
  for (const date of eachLocalDate(options.from, options.to)) {
    const type = options.dayTypeOf(date);
    const working = type === 'workday' || type === 'makeup_workday';
    const { level, cooling } = shapeOf(account.shape, working);
    const dayFactor = type === 'holiday' ? account.holidayFactor : type === 'weekend' ? account.weekendFactor : 1;
    const shift = account.levelShift && date >= account.levelShift.from ? account.levelShift.factor : 1;
    const growth = (1 + (account.trendPerYear * daysBetween(options.from, date)) / 365) * shift;
    const dayNoise = 1 + account.dayNoise * gaussian(random);
    const temperature = options.temperatureC[date] ?? 20;
    const coolingKw = account.coolingKwPerC * Math.max(0, temperature - 20);
    const kw = level.map((v, s) => {
      ar = 0.7 * ar + Math.sqrt(1 - 0.49) * account.pointNoise * gaussian(random);
      const value = (account.baseKw * v * dayFactor * dayNoise + coolingKw * cooling[s]! * 2) * growth * (1 + ar);
      return random() < account.missingRate ? null : Math.max(0, Math.round(value * 10) / 10);
    });
    days.push({ date, kw });
  }
  return days;
}

/** The whole default fleet with its temperatures, on the real Chinese calendar (2023–2024 notices). */
export function generateFleet(
  seed = 20240601,
  from: LocalDate = '2023-09-01',
  to: LocalDate = '2024-06-30',
  accounts: readonly SyntheticAccount[] = DEFAULT_SYNTHETIC_FLEET,
) {
  const dayTypeOf = cnDayTypeOf;
  const temperatureC = generateTemperatures(addDays(from, 0), to, seed);
  const histories = accounts.map((a) => ({
    accountId: a.accountId,
    history: generateHistory(a, { from, to, dayTypeOf, temperatureC, seed }),
  }));
  return { dayTypeOf, temperatureC, accounts: histories };
}
