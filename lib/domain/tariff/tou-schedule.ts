import { z } from 'zod';
import {
  DAY_TYPES,
  type DayType,
  formatTimeOfDay,
  localDateSchema,
  type LocalDateTime,
  MINUTES_PER_DAY,
  parseLocalDate,
  parseTimeOfDay,
} from '../calendar/index.ts';
import { parseWith, TariffError } from './errors.ts';
import { checkValidityOrder, datedSet } from './validity.ts';

// Time-of-use (分时) schedules as dated data. Periods differ by province and change over time
// (domain.md §6), so a schedule has a region, validity dates, seasons (sets of months) and, per
// season and day type, periods as local time ranges at minute resolution. A range may wrap
// midnight (valley 23:00–07:00). Each season and day type must cover the 24 hours exactly once.

export const TOU_PERIODS = ['critical_peak', 'peak', 'flat', 'valley', 'deep_valley'] as const;
export type TouPeriod = (typeof TOU_PERIODS)[number];

const timeOfDay = z.string().refine((t) => parseTimeOfDay(t) !== null, 'must be a time HH:MM from 00:00 to 24:00');

const periodRangeSchema = z
  .strictObject({
    period: z.enum(TOU_PERIODS),
    /** start, included */
    from: timeOfDay,
    /** end, excluded; before `from` when the range wraps midnight */
    to: timeOfDay,
  })
  .superRefine((r, ctx) => {
    const from = parseTimeOfDay(r.from);
    const to = parseTimeOfDay(r.to);
    if (from === MINUTES_PER_DAY)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'a range cannot start at 24:00' });
    if (from !== null && to !== null && from === to)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `${r.from}–${r.to} is empty or ambiguous; write a whole day as 00:00–24:00`,
      });
  });

const dayRuleSchema = z.strictObject({
  dayTypes: z.array(z.enum(DAY_TYPES)).min(1),
  periods: z.array(periodRangeSchema).min(1),
});

const seasonSchema = z.strictObject({
  name: z.string().min(1),
  months: z.array(z.number().int().min(1).max(12)).min(1),
  dayRules: z.array(dayRuleSchema).min(1),
});

interface MinuteRange {
  from: number;
  /** exclusive, > from (a wrapping range is split in two) */
  to: number;
  label: string;
  period: TouPeriod;
}

function rangesOf(r: { period: TouPeriod; from: string; to: string }): MinuteRange[] {
  const from = parseTimeOfDay(r.from);
  const to = parseTimeOfDay(r.to);
  if (from === null || to === null || from === MINUTES_PER_DAY) return []; // reported by the field schema
  const label = `${r.period} ${r.from}–${r.to}`;
  if (to > from) return [{ from, to, label, period: r.period }];
  const parts = [{ from, to: MINUTES_PER_DAY, label, period: r.period }];
  if (to > 0) parts.push({ from: 0, to, label, period: r.period });
  return parts;
}

/** Problems of one day's periods: overlaps (naming both ranges) and uncovered stretches. */
export function dayCoverageProblems(periods: readonly { period: TouPeriod; from: string; to: string }[]): string[] {
  const problems: string[] = [];
  const ranges = periods.flatMap(rangesOf).sort((a, b) => a.from - b.from);
  for (let i = 0; i < ranges.length; i++) {
    for (let j = i + 1; j < ranges.length && ranges[j]!.from < ranges[i]!.to; j++) {
      const a = ranges[i]!;
      const b = ranges[j]!;
      const clash = `${formatTimeOfDay(Math.max(a.from, b.from))}–${formatTimeOfDay(Math.min(a.to, b.to))}`;
      problems.push(`${a.label} overlaps ${b.label} at ${clash}`);
    }
  }
  let covered = 0;
  for (const r of ranges) {
    if (r.from > covered) problems.push(`${formatTimeOfDay(covered)}–${formatTimeOfDay(r.from)} has no period`);
    covered = Math.max(covered, r.to);
  }
  if (covered < MINUTES_PER_DAY) problems.push(`${formatTimeOfDay(covered)}–24:00 has no period`);
  return problems;
}

export const touScheduleSchema = z
  .strictObject({
    id: z.string().min(1),
    /** region code as in the calendar files, e.g. CN or CN-GD */
    region: z.string().min(1),
    validFrom: localDateSchema.nullable(),
    validTo: localDateSchema.nullable(),
    seasons: z.array(seasonSchema).min(1),
  })
  .superRefine((s, ctx) => {
    checkValidityOrder(s, ctx, []);
    const monthSeason = new Map<number, string>();
    s.seasons.forEach((season, si) => {
      for (const month of season.months) {
        const other = monthSeason.get(month);
        if (other !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['seasons', si, 'months'],
            message: `month ${month} is in season "${other}" and in season "${season.name}"`,
          });
        else monthSeason.set(month, season.name);
      }
      const dayTypeRule = new Map<DayType, number>();
      season.dayRules.forEach((rule, ri) => {
        for (const dt of rule.dayTypes) {
          const other = dayTypeRule.get(dt);
          if (other !== undefined)
            ctx.addIssue({
              code: 'custom',
              path: ['seasons', si, 'dayRules', ri, 'dayTypes'],
              message: `day type ${dt} already has periods in dayRules.${other} of season "${season.name}"`,
            });
          else dayTypeRule.set(dt, ri);
        }
        for (const problem of dayCoverageProblems(rule.periods))
          ctx.addIssue({ code: 'custom', path: ['seasons', si, 'dayRules', ri, 'periods'], message: problem });
      });
      const missing = DAY_TYPES.filter((dt) => !dayTypeRule.has(dt));
      if (missing.length > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['seasons', si, 'dayRules'],
          message: `season "${season.name}" has no periods for ${missing.join(', ')}`,
        });
    });
    const uncovered = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].filter((m) => !monthSeason.has(m));
    if (uncovered.length > 0)
      ctx.addIssue({ code: 'custom', path: ['seasons'], message: `months ${uncovered.join(', ')} are in no season` });
  });

export type TouSchedule = z.infer<typeof touScheduleSchema>;

/** No two schedules of one region valid on the same day. */
const schedules = datedSet<TouSchedule>({
  noun: 'schedule',
  listName: 'schedules',
  keyOf: (s) => s.region,
  describeKey: (s) => `region ${s.region}`,
});

export const touScheduleFileSchema = z
  .strictObject({
    $comment: z.string().optional(),
    schedules: z.array(touScheduleSchema),
  })
  .superRefine((file, ctx) => schedules.refine(ctx, file.schedules));

export type TouScheduleFile = z.infer<typeof touScheduleFileSchema>;

/** Validate a schedule file document (parsed JSON); TARIFF_INVALID names every offending field. */
export function parseTouScheduleFile(document: unknown, origin = 'time-of-use schedule file'): TouScheduleFile {
  return parseWith(touScheduleFileSchema, document, origin);
}

/**
 * Check schedules from several files together (an operator's file beside the default): ids
 * unique, and no two schedules of one region valid on the same day. Throws TARIFF_INVALID.
 */
export function checkTouSchedules(list: readonly TouSchedule[]): void {
  schedules.check(list);
}

// One lookup table per season and day type (1440 entries), built once per schedule object.
const compiled = new WeakMap<TouSchedule, Map<string, TouPeriod[]>>();

function lookupTable(schedule: TouSchedule, month: number, dayType: DayType): TouPeriod[] {
  let tables = compiled.get(schedule);
  if (!tables) {
    tables = new Map();
    for (const season of schedule.seasons) {
      for (const rule of season.dayRules) {
        const minutes = new Array<TouPeriod>(MINUTES_PER_DAY);
        for (const r of rule.periods.flatMap(rangesOf)) minutes.fill(r.period, r.from, r.to);
        for (const m of season.months) for (const dt of rule.dayTypes) tables.set(`${m}/${dt}`, minutes);
      }
    }
    compiled.set(schedule, tables);
  }
  const table = tables.get(`${month}/${dayType}`);
  // unreachable for a schedule that passed validation (every month and day type is covered)
  if (!table)
    throw new TariffError('TARIFF_INVALID', `schedule "${schedule.id}" has no periods for month ${month}, ${dayType}`);
  return table;
}

/**
 * The schedule valid on a local date (of `region` when given), or null when none is. Throws
 * TARIFF_AMBIGUOUS when several are (schedules of several regions passed without a region).
 */
export function touScheduleFor(date: string, list: readonly TouSchedule[], region?: string): TouSchedule | null {
  return schedules.validOn(list, date, (s) => region === undefined || s.region === region, 'pass the region');
}

/**
 * Time-of-use period of a local wall-clock minute on a day of the given type, or null when no
 * schedule is valid on that date.
 */
export function touPeriodAt(
  local: LocalDateTime,
  dayType: DayType,
  schedules: readonly TouSchedule[],
  region?: string,
): TouPeriod | null {
  if (!Number.isInteger(local.minuteOfDay) || local.minuteOfDay < 0 || local.minuteOfDay >= MINUTES_PER_DAY)
    throw new TariffError('TARIFF_BAD_ARGUMENT', `minuteOfDay ${local.minuteOfDay} must be an integer 0–1439`);
  return touPeriodsOfDay(local.date, dayType, schedules, region)?.[local.minuteOfDay] ?? null;
}

/**
 * The period of every minute (1440 entries) of a local date of the given day type, or null when
 * no schedule is valid that date. Lets a caller judge a day's minutes without a lookup each.
 */
export function touPeriodsOfDay(
  date: string,
  dayType: DayType,
  schedules: readonly TouSchedule[],
  region?: string,
): readonly TouPeriod[] | null {
  const schedule = touScheduleFor(date, schedules, region);
  return schedule ? lookupTable(schedule, parseLocalDate(date).month, dayType) : null;
}
