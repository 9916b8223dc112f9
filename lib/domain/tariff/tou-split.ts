import {
  addDays,
  classifyDay,
  type DayType,
  type HolidayCalendar,
  type LocalDate,
  MINUTES_PER_DAY,
  type TimeZone,
  toLocalDateTime,
  utcOffsetMinutesAt,
} from '../calendar/index.ts';
import { TariffError } from './errors.ts';
import { TOU_PERIODS, type TouPeriod, type TouSchedule, touPeriodsOfDay } from './tou-schedule.ts';

// Energy by time-of-use period. Each minute of an interval is judged on the local wall clock of
// the utility (day type from the holiday calendar, period from the schedule valid that day); an
// interval that straddles a period boundary is shared pro rata by minutes, which is exact for the
// constant average power an interval energy stands for.

const MS_PER_MINUTE = 60_000;

/** Where ToU periods are judged: the utility's zone, its calendar and its schedules. */
export interface TouContext {
  zone: TimeZone;
  calendar: HolidayCalendar;
  schedules: readonly TouSchedule[];
  /** pick this region's schedules when `schedules` holds several regions */
  region?: string;
}

/** A run of minutes with one local date and one period (null: no schedule valid that day). */
export interface TouSegment {
  date: LocalDate;
  dayType: DayType;
  period: TouPeriod | null;
  minutes: number;
}

/** One interval of energy; `energyKwh` null when unknown (a gap is never zero; domain.md §6). */
export interface IntervalEnergy {
  startMs: number;
  energyKwh: number | null;
}

export interface TouEnergySplit extends TouWalkSummary {
  energyKwhByPeriod: Record<TouPeriod, number>;
  /** energy attributed to a period */
  totalKwh: number;
  /** energy on days when no schedule is valid */
  unscheduledKwh: number;
}

/** Per-call memo of day classification, shared by the minutes of a series. */
export type DayTypeMemo = Map<LocalDate, { dayType: DayType; covered: boolean; periods: readonly TouPeriod[] | null }>;

/** Split [startMs, startMs + minutes) into runs of one local date and one ToU period. */
export function touSegments(
  startMs: number,
  minutes: number,
  ctx: TouContext,
  memo: DayTypeMemo = new Map(),
): TouSegment[] {
  const out: TouSegment[] = [];
  const dayOf = (date: LocalDate) => {
    let day = memo.get(date);
    if (!day) {
      const c = classifyDay(date, ctx.calendar);
      const periods = touPeriodsOfDay(date, c.dayType, ctx.schedules, ctx.region);
      memo.set(date, (day = { dayType: c.dayType, covered: c.covered, periods }));
    }
    return day;
  };
  const add = (date: LocalDate, minuteOfDay: number) => {
    const day = dayOf(date);
    const period = day.periods?.[minuteOfDay] ?? null;
    const last = out[out.length - 1];
    if (last && last.date === date && last.period === period) last.minutes++;
    else out.push({ date, dayType: day.dayType, period, minutes: 1 });
  };
  const first = toLocalDateTime(startMs, ctx.zone);
  const endMs = startMs + (minutes - 1) * MS_PER_MINUTE;
  if (minutes > 0 && utcOffsetMinutesAt(endMs, ctx.zone) === first.utcOffsetMinutes) {
    // no offset change inside: walk the wall clock (the usual case, and always for China)
    let date = first.date;
    let minuteOfDay = first.minuteOfDay;
    for (let i = 0; i < minutes; i++) {
      add(date, minuteOfDay);
      if (++minuteOfDay === MINUTES_PER_DAY) {
        minuteOfDay = 0;
        date = addDays(date, 1);
      }
    }
  } else {
    for (let i = 0; i < minutes; i++) {
      const local = toLocalDateTime(startMs + i * MS_PER_MINUTE, ctx.zone);
      add(local.date, local.minuteOfDay);
    }
  }
  return out;
}

export function emptyPeriodRecord(): Record<TouPeriod, number> {
  return Object.fromEntries(TOU_PERIODS.map((p) => [p, 0])) as Record<TouPeriod, number>;
}

export interface TouWalkSummary {
  intervalsCounted: number;
  /** intervals with unknown energy (left out, not treated as zero) */
  intervalsMissing: number;
  /** intervals shared between two or more periods */
  intervalsStraddling: number;
  /** local dates whose year the holiday calendar does not cover (day type by weekday only) */
  datesNotCovered: LocalDate[];
}

/**
 * Walk an interval energy series (default 15-minute intervals) segment by segment: `visit` gets
 * each run of one local date and one period with its share of the interval's energy. Intervals
 * with the same start count once (the first); unknown energy is counted as missing. Throws
 * TARIFF_BAD_ARGUMENT naming the interval for a negative or non-finite energy.
 */
export function walkTouEnergy(
  intervals: readonly IntervalEnergy[],
  ctx: TouContext,
  visit: (segment: TouSegment, energyKwh: number) => void,
  options: { intervalMinutes?: number } = {},
): TouWalkSummary {
  const intervalMinutes = options.intervalMinutes ?? 15;
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1)
    throw new TariffError('TARIFF_BAD_ARGUMENT', `intervalMinutes must be an integer ≥ 1, got ${intervalMinutes}`);
  const summary: TouWalkSummary = {
    intervalsCounted: 0,
    intervalsMissing: 0,
    intervalsStraddling: 0,
    datesNotCovered: [],
  };
  const memo: DayTypeMemo = new Map();
  const seen = new Set<number>();
  intervals.forEach((iv, index) => {
    if (!Number.isFinite(iv.startMs))
      throw new TariffError('TARIFF_BAD_ARGUMENT', `intervals[${index}].startMs is not a valid time`);
    if (seen.has(iv.startMs)) return;
    seen.add(iv.startMs);
    if (iv.energyKwh === null) {
      summary.intervalsMissing++;
      return;
    }
    if (!Number.isFinite(iv.energyKwh) || iv.energyKwh < 0)
      throw new TariffError(
        'TARIFF_BAD_ARGUMENT',
        `intervals[${index}].energyKwh must be a number ≥ 0, got ${iv.energyKwh}`,
      );
    const segments = touSegments(iv.startMs, intervalMinutes, ctx, memo);
    if (new Set(segments.map((s) => s.period)).size > 1) summary.intervalsStraddling++;
    for (const s of segments) visit(s, (iv.energyKwh * s.minutes) / intervalMinutes);
    summary.intervalsCounted++;
  });
  summary.datesNotCovered = [...memo.entries()]
    .filter(([, d]) => !d.covered)
    .map(([date]) => date)
    .sort();
  return summary;
}

/** Split an interval energy series into energy per ToU period (see walkTouEnergy). */
export function splitEnergyByTouPeriod(
  intervals: readonly IntervalEnergy[],
  ctx: TouContext,
  options: { intervalMinutes?: number } = {},
): TouEnergySplit {
  const energyKwhByPeriod = emptyPeriodRecord();
  let totalKwh = 0;
  let unscheduledKwh = 0;
  const summary = walkTouEnergy(
    intervals,
    ctx,
    (segment, kwh) => {
      if (segment.period === null) unscheduledKwh += kwh;
      else {
        energyKwhByPeriod[segment.period] += kwh;
        totalKwh += kwh;
      }
    },
    options,
  );
  return { energyKwhByPeriod, totalKwh, unscheduledKwh, ...summary };
}
