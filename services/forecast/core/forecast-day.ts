import { addDays, type DayType, type LocalDate } from '../../../lib/domain/index.ts';
import {
  assertDailyLoads,
  assertLocalDate,
  completeness,
  dailyEnergyKwh,
  type DailyLoad,
  type DayClass,
  dayClassOf,
  type DayTypeOf,
  indexByDate,
  peakOf,
  selectSimilarDays,
  type SkippedDay,
  SLOT_HOURS,
  SLOTS_PER_DAY,
  slotTime,
} from '../../../lib/load-curve/index.ts';
import { ForecastError } from './errors.ts';
import { type ForecastOptions, type ForecastOptionsInput, parseForecastOptions } from './forecast-options.ts';
import { fitEnergyOnTemperature, type TemperatureFit } from './temperature.ts';

/**
 * Day-ahead load forecast by weighted similar days — a method a dispatcher can check by hand.
 *
 * 1. **Similar days.** The N most recent days before the target of the same class (workday,
 *    weekend or holiday; a make-up working day counts as a workday) with enough known points.
 *    Holidays look back about a year, so a festival is predicted from holidays, not weekends.
 * 2. **Weighted profile.** Day k (0 = most recent) weighs decay^k; each of the 96 points is the
 *    weighted mean of the days that know it (weights renormalised over those days; a point no
 *    similar day knows stays null: nothing is invented).
 * 3. **Fallback.** With no similar day of the class (a holiday with no holiday in the history),
 *    another class's profile is used, scaled (default: weekend × 0.9), and the explanation says
 *    so.
 * 4. **Temperature.** If, over the recent same-class days, daily energy regresses on daily mean
 *    temperature with a significant slope b, the profile is scaled by
 *    1 + b·(T_target − T̄_similar) / E_profile (bounded), T̄ being the weighted mean temperature
 *    of the similar days. Otherwise nothing is applied and the reason is given.
 * 5. **Trend.** The last few non-holiday days before the target are forecast the same way from
 *    their own past (steps 1–4, without trend); the ratio Σ actual / Σ forecast over their
 *    known points measures how far the load has moved from its profiles. Within a dead band
 *    (default ±3 %) it is noise and nothing is applied; beyond, the excess is applied as a
 *    level factor, bounded (default 0.9–1.1). It corrects the lag of an average of past days
 *    after a level step or a fast drift.
 *
 * Only days strictly before the target are read — of the load history and of the temperatures
 * (the target's own temperature is the forecast input). Anything later is dropped on entry.
 */
export interface ForecastInput {
  /** 96-point daily curves of past local days (later days are ignored) */
  history: readonly DailyLoad[];
  targetDate: LocalDate;
  dayTypeOf: DayTypeOf;
  /** daily mean temperature (°C) by local date: history days and the forecast for the target */
  temperatureC?: Readonly<Record<LocalDate, number>>;
  options?: ForecastOptionsInput;
}

export interface WeightedDay {
  date: LocalDate;
  dayType: DayType;
  /** normalised weight (the weights of a profile sum to 1) */
  weight: number;
  energyKwh: number | null;
  temperatureC: number | null;
}

export interface ProfileExplanation {
  /** class of the days averaged (differs from the target's on a fallback) */
  dayClass: DayClass;
  days: WeightedDay[];
  /** days of that class passed over: no data, or too few known points */
  skipped: SkippedDay[];
}

export type TemperatureExplanation =
  | { applied: false; reason: string; fit: TemperatureFit | null }
  | {
      applied: true;
      fit: TemperatureFit;
      targetC: number;
      similarDaysMeanC: number;
      /** b · (T_target − T̄), kWh per day */
      deltaKwh: number;
      rawFactor: number;
      factor: number;
      bounded: boolean;
    };

export interface TrendDay {
  date: LocalDate;
  dayType: DayType;
  actualKwh: number;
  expectedKwh: number;
}

export interface TrendExplanation {
  applied: boolean;
  reason: string | null;
  days: TrendDay[];
  /** Σ actual / Σ expected over `days` */
  rawFactor: number | null;
  /** applied: 1 + (the part of rawFactor − 1 beyond the dead band), within the bounds */
  factor: number;
  /** the bounds cut the factor */
  bounded: boolean;
}

export interface ForecastExplanation {
  targetDayType: DayType;
  targetClass: DayClass;
  /** 'none': no profile could be built, the forecast is all null */
  source: 'similar_days' | 'fallback' | 'none';
  profile: ProfileExplanation | null;
  fallback: { from: DayClass; scale: number; reason: string } | null;
  temperature: TemperatureExplanation;
  trend: TrendExplanation;
  /** slots no similar day knew: null in the forecast */
  unknownSlots: number[];
  /** one-paragraph account of the above, for people */
  summary: string;
}

export interface DayForecast {
  date: LocalDate;
  dayType: DayType;
  /** 96 forecast average powers (kW); null where nothing was known */
  kw: (number | null)[];
  energyKwh: number | null;
  peak: { kw: number; slot: number; time: string } | null;
  explanation: ForecastExplanation;
}

/** Validated, past-only view of the input that every step reads. */
interface Context {
  target: LocalDate;
  dayTypeOf: DayTypeOf;
  index: Map<LocalDate, DailyLoad>;
  temperatures: Map<LocalDate, number>;
  options: ForecastOptions;
  fits: Map<DayClass, { fit: TemperatureFit | null; days: number }>;
}

interface Profile {
  dayClass: DayClass;
  kw: (number | null)[];
  days: WeightedDay[];
  skipped: SkippedDay[];
}

interface BaseForecast {
  kw: (number | null)[];
  profile: Profile;
  fallback: { from: DayClass; scale: number; reason: string } | null;
  temperature: TemperatureExplanation;
}

const round = (value: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

export function forecastDay(input: ForecastInput): DayForecast {
  assertTargetAndCalendar(input.targetDate, input.dayTypeOf);
  assertDailyLoads(input.history, 'history');
  const options = parseForecastOptions(input.options);
  return forecastWithContext(buildContext(input, options));
}

export function assertTargetAndCalendar(targetDate: unknown, dayTypeOf: unknown, field = 'targetDate'): void {
  assertLocalDate(targetDate, field);
  if (typeof dayTypeOf !== 'function') throw new ForecastError('dayTypeOf', 'must be a function of a date');
}

/** For callers that validated the history and parsed the options already (the backtest). */
export function forecastDayUnchecked(input: Omit<ForecastInput, 'options'>, options: ForecastOptions): DayForecast {
  return forecastWithContext(buildContext(input, options));
}

function buildContext(input: Omit<ForecastInput, 'options'>, options: ForecastOptions): Context {
  const target = input.targetDate;
  // the held-out rule: nothing from the target day or later is visible to any step below
  const index = indexByDate(input.history.filter((d) => d.date < target));
  const temperatures = new Map<LocalDate, number>();
  for (const [date, value] of Object.entries(input.temperatureC ?? {})) {
    if (date <= target && typeof value === 'number' && Number.isFinite(value)) temperatures.set(date, value);
  }
  return { target, dayTypeOf: input.dayTypeOf, index, temperatures, options, fits: new Map() };
}

function forecastWithContext(ctx: Context): DayForecast {
  const dayType = ctx.dayTypeOf(ctx.target);
  const targetClass = dayClassOf(dayType);
  const base = baseForecast(ctx, ctx.target, true);
  const trend = trendFactor(ctx);
  const kw = base ? base.kw.map((v) => (v === null ? null : v * trend.factor)) : Array<null>(SLOTS_PER_DAY).fill(null);
  const peak = peakOf(kw);
  const explanation: ForecastExplanation = {
    targetDayType: dayType,
    targetClass,
    source: base === null ? 'none' : base.fallback ? 'fallback' : 'similar_days',
    profile: base ? { dayClass: base.profile.dayClass, days: base.profile.days, skipped: base.profile.skipped } : null,
    fallback: base?.fallback ?? null,
    temperature: base?.temperature ?? { applied: false, reason: 'no profile', fit: null },
    trend,
    unknownSlots: kw.flatMap((v, s) => (v === null ? [s] : [])),
    summary: '',
  };
  explanation.summary = summarise(ctx.target, explanation);
  return {
    date: ctx.target,
    dayType,
    kw,
    energyKwh: dailyEnergyKwh(kw, ctx.options.minDayCompleteness),
    peak: peak ? { ...peak, time: slotTime(peak.slot) } : null,
    explanation,
  };
}

/** Steps 1–4 for `date` (the target, or a recent day when measuring the trend). */
function baseForecast(ctx: Context, date: LocalDate, allowFallback: boolean): BaseForecast | null {
  const ownClass = dayClassOf(ctx.dayTypeOf(date));
  const steps = [{ from: ownClass, scale: 1 }, ...(allowFallback ? ctx.options.fallback[ownClass] : [])];
  for (const step of steps) {
    const profile = buildProfile(ctx, date, step.from);
    if (!profile) continue;
    const temperature = temperatureTerm(ctx, date, profile);
    const factor = step.scale * (temperature.applied ? temperature.factor : 1);
    const fallback =
      step.from === ownClass
        ? null
        : {
            from: step.from,
            scale: step.scale,
            reason: `no ${ownClass} with enough data in the last ${lookbackOf(ctx, ownClass)} days: ${step.from} profile × ${step.scale}`,
          };
    return { kw: profile.kw.map((v) => (v === null ? null : v * factor)), profile, fallback, temperature };
  }
  return null;
}

const lookbackOf = (ctx: Context, dayClass: DayClass): number =>
  dayClass === 'holiday' ? ctx.options.holidayLookbackDays : ctx.options.lookbackDays;

function usableDay(ctx: Context, date: LocalDate): string | null {
  const day = ctx.index.get(date);
  if (!day) return 'no data';
  const share = completeness(day.kw);
  if (share < ctx.options.minDayCompleteness) return `incomplete: ${Math.round(share * 100)} % of points known`;
  return null;
}

/** Steps 1–2: the weighted profile of the similar days of `dayClass` before `date`. */
function buildProfile(ctx: Context, date: LocalDate, dayClass: DayClass): Profile | null {
  const selection = selectSimilarDays({
    before: date,
    dayClass,
    dayTypeOf: ctx.dayTypeOf,
    count: ctx.options.similarDays,
    lookbackDays: lookbackOf(ctx, dayClass),
    unusableReason: (d) => usableDay(ctx, d),
  });
  if (selection.days.length === 0) return null;
  const raw = selection.days.map((_, k) => ctx.options.decay ** k);
  const total = raw.reduce((a, b) => a + b, 0);
  const curves = selection.days.map((d) => ctx.index.get(d.date)!.kw);
  const kw: (number | null)[] = [];
  for (let s = 0; s < SLOTS_PER_DAY; s++) {
    let sum = 0;
    let weight = 0;
    curves.forEach((curve, k) => {
      const v = curve[s] ?? null;
      if (v !== null) {
        sum += raw[k]! * v;
        weight += raw[k]!;
      }
    });
    kw.push(weight > 0 ? sum / weight : null);
  }
  const days = selection.days.map((d, k) => ({
    date: d.date,
    dayType: d.dayType,
    weight: round(raw[k]! / total),
    energyKwh: nullableRound(dailyEnergyKwh(curves[k]!, ctx.options.minDayCompleteness), 3),
    temperatureC: ctx.temperatures.get(d.date) ?? null,
  }));
  return { dayClass, kw, days, skipped: selection.skipped };
}

const nullableRound = (v: number | null, digits: number) => (v === null ? null : round(v, digits));

/** The regression of step 4 for one class, fitted once per forecast on days before the target. */
function fitFor(ctx: Context, dayClass: DayClass): { fit: TemperatureFit | null; days: number } {
  const cached = ctx.fits.get(dayClass);
  if (cached) return cached;
  const points: { temperatureC: number; energyKwh: number }[] = [];
  for (let back = 1; back <= ctx.options.temperature.windowDays; back++) {
    const date = addDays(ctx.target, -back);
    if (dayClassOf(ctx.dayTypeOf(date)) !== dayClass) continue;
    const temperatureC = ctx.temperatures.get(date);
    const day = ctx.index.get(date);
    if (temperatureC === undefined || !day) continue;
    const energyKwh = dailyEnergyKwh(day.kw, ctx.options.minDayCompleteness);
    if (energyKwh !== null) points.push({ temperatureC, energyKwh });
  }
  const result = { fit: fitEnergyOnTemperature(points), days: points.length };
  ctx.fits.set(dayClass, result);
  return result;
}

function temperatureTerm(ctx: Context, date: LocalDate, profile: Profile): TemperatureExplanation {
  const t = ctx.options.temperature;
  if (ctx.temperatures.size === 0) return { applied: false, reason: 'no temperatures given', fit: null };
  const { fit, days } = fitFor(ctx, profile.dayClass);
  if (days < t.minDays) {
    return {
      applied: false,
      reason: `${days} ${profile.dayClass}s with temperature in the last ${t.windowDays} days, ${t.minDays} needed`,
      fit,
    };
  }
  if (!fit) return { applied: false, reason: 'temperatures did not vary: no slope', fit: null };
  if (Math.abs(fit.tStat) < t.minAbsT || fit.rSquared < t.minRSquared) {
    return {
      applied: false,
      reason: `fit not significant: |t| = ${round(Math.abs(fit.tStat), 2)} (need ${t.minAbsT}), R² = ${round(fit.rSquared, 3)} (need ${t.minRSquared})`,
      fit,
    };
  }
  const targetC = ctx.temperatures.get(date);
  if (targetC === undefined) return { applied: false, reason: `no temperature for ${date}`, fit };
  const missing = profile.days.filter((d) => d.temperatureC === null).map((d) => d.date);
  if (missing.length > 0) {
    return { applied: false, reason: `no temperature for similar days ${missing.join(', ')}`, fit };
  }
  const similarDaysMeanC = profile.days.reduce((a, d) => a + d.weight * d.temperatureC!, 0);
  const profileKwh = dailyEnergyKwh(profile.kw, 0.5);
  if (profileKwh === null || profileKwh <= 0) return { applied: false, reason: 'profile has no positive energy', fit };
  const deltaKwh = fit.slopeKwhPerC * (targetC - similarDaysMeanC);
  const rawFactor = 1 + deltaKwh / profileKwh;
  const factor = clamp(rawFactor, 1 - t.maxAdjustment, 1 + t.maxAdjustment);
  return {
    applied: true,
    fit,
    targetC,
    similarDaysMeanC: round(similarDaysMeanC, 3),
    deltaKwh: round(deltaKwh, 3),
    rawFactor: round(rawFactor),
    // rounded so the explanation's numbers reproduce the forecast
    factor: round(factor),
    bounded: factor !== rawFactor,
  };
}

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/** Step 5. */
function trendFactor(ctx: Context): TrendExplanation {
  const t = ctx.options.trend;
  if (t.days === 0)
    return { applied: false, reason: 'switched off', days: [], rawFactor: null, factor: 1, bounded: false };
  const days: TrendDay[] = [];
  for (let back = 1; back <= t.lookbackDays && days.length < t.days; back++) {
    const date = addDays(ctx.target, -back);
    const dayType = ctx.dayTypeOf(date);
    // a holiday's profile comes from other festivals, months away: its ratio says more about
    // the festival than about the level of the load
    if (dayClassOf(dayType) === 'holiday' || usableDay(ctx, date) !== null) continue;
    const base = baseForecast(ctx, date, false);
    if (!base) continue;
    const actual = ctx.index.get(date)!.kw;
    let actualKwh = 0;
    let expectedKwh = 0;
    for (let s = 0; s < SLOTS_PER_DAY; s++) {
      const a = actual[s] ?? null;
      const e = base.kw[s] ?? null;
      if (a === null || e === null) continue;
      actualKwh += a * SLOT_HOURS;
      expectedKwh += e * SLOT_HOURS;
    }
    if (expectedKwh > 0)
      days.push({ date, dayType, actualKwh: round(actualKwh, 3), expectedKwh: round(expectedKwh, 3) });
  }
  if (days.length === 0) {
    return {
      applied: false,
      reason: `no complete non-holiday day with its own profile in the last ${t.lookbackDays} days`,
      days,
      rawFactor: null,
      factor: 1,
      bounded: false,
    };
  }
  const rawFactor = days.reduce((a, d) => a + d.actualKwh, 0) / days.reduce((a, d) => a + d.expectedKwh, 0);
  const excess = Math.sign(rawFactor - 1) * Math.max(0, Math.abs(rawFactor - 1) - t.deadBand);
  if (excess === 0) {
    return {
      applied: false,
      reason: `ratio ${round(rawFactor)} within the dead band 1 ± ${t.deadBand}`,
      days,
      rawFactor: round(rawFactor),
      factor: 1,
      bounded: false,
    };
  }
  const unbounded = 1 + excess;
  const factor = clamp(unbounded, t.minFactor, t.maxFactor);
  return {
    applied: true,
    reason: null,
    days,
    rawFactor: round(rawFactor),
    factor: round(factor),
    bounded: factor !== unbounded,
  };
}

function summarise(target: LocalDate, e: ForecastExplanation): string {
  const parts: string[] = [];
  const kind = e.targetDayType === 'makeup_workday' ? 'make-up workday (forecast as a workday)' : e.targetDayType;
  if (!e.profile) return `${target} (${kind}): no forecast, no similar day and no fallback profile in the history`;
  const list = e.profile.days.map((d) => `${d.date} ×${round(d.weight, 3)}`).join(', ');
  parts.push(
    `${target} (${kind}): weighted profile of ${e.profile.days.length} ${e.profile.dayClass} day(s) [${list}]`,
  );
  if (e.fallback) parts.push(`fallback: ${e.fallback.reason}`);
  if (e.temperature.applied) {
    const tt = e.temperature;
    parts.push(
      `temperature ×${round(tt.factor)} (${round(tt.fit.slopeKwhPerC, 1)} kWh/°C, ${tt.targetC} °C vs ${tt.similarDaysMeanC} °C, R² ${round(tt.fit.rSquared, 2)}${tt.bounded ? ', bounded' : ''})`,
    );
  } else parts.push(`temperature not applied: ${e.temperature.reason}`);
  if (e.trend.applied) {
    parts.push(
      `trend ×${e.trend.factor} from ${e.trend.days.map((d) => d.date).join(', ')} (ratio ${e.trend.rawFactor}${e.trend.bounded ? ', bounded' : ''})`,
    );
  } else parts.push(`no trend correction: ${e.trend.reason}`);
  if (e.unknownSlots.length > 0) parts.push(`${e.unknownSlots.length} slot(s) unknown`);
  return parts.join('; ');
}
