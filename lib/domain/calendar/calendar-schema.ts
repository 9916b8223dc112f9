import { z } from 'zod';
import { describeInvalid, parseOrThrow } from '../data-issues/index.ts';
import { CalendarError } from './errors.ts';
import { isWeekend, localDateProblem, localDateSchema, parseLocalDate } from './local-date.ts';

// Schema of a holiday calendar file (reference/calendars/<region>.json, docs/reference-data.md).
// Holidays and make-up working days are facts published once a year (in China by the State
// Council General Office, usually in November for the next year), so they are data, one block
// per year with the notice it comes from.

/** Region code: an ISO 3166 country code, optionally with a subdivision (`CN`, `CN-GD`). */
const regionCode = z.string().regex(/^[A-Z]{2}(-[A-Z0-9]{1,3})?$/, 'must be an ISO 3166 code such as "CN" or "CN-GD"');

export const calendarDaySchema = z.strictObject({
  date: localDateSchema,
  /** name of the holiday in the notice, e.g. 春节 */
  name: z.string().min(1),
  /** true: a day off (holiday); false: a weekend day that is worked (make-up working day, 调休) */
  isOffDay: z.boolean(),
});

const yearKey = z.string().regex(/^\d{4}$/, 'year keys must be four digits, e.g. "2027"');

export const calendarYearSchema = z.strictObject({
  /** where the facts come from (the notice's URL); at least one */
  sources: z.array(z.string().min(1)).min(1),
  days: z.array(calendarDaySchema),
});

export const calendarFileSchema = z
  .strictObject({
    $comment: z.string().optional(),
    region: regionCode,
    years: z.record(yearKey, calendarYearSchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Map<string, string>();
    for (const [year, block] of Object.entries(file.years)) {
      block.days.forEach((day, i) => {
        const path = ['years', year, 'days', i, 'date'];
        if (localDateProblem(day.date)) return; // reported by the field schema
        const previous = seen.get(day.date);
        if (previous) {
          ctx.addIssue({ code: 'custom', path, message: `duplicate date ${day.date} (already at ${previous})` });
          return;
        }
        seen.set(day.date, path.join('.'));
        // A notice for year Y may move days at the edge of the neighbouring years (New Year's
        // Day holidays have started on 30 December), never further: anything else is a typo.
        const { year: y, month } = parseLocalDate(day.date);
        const inYear =
          y === Number(year) || (y === Number(year) - 1 && month === 12) || (y === Number(year) + 1 && month === 1);
        if (!inYear)
          ctx.addIssue({ code: 'custom', path, message: `${day.date} does not belong to the ${year} notice` });
        // A make-up working day makes a weekend day a working day; on a weekday it means nothing.
        if (!day.isOffDay && !isWeekend(day.date))
          ctx.addIssue({
            code: 'custom',
            path: ['years', year, 'days', i, 'isOffDay'],
            message: `${day.date} is a weekday: a make-up working day (isOffDay false) must fall on a Saturday or Sunday`,
          });
      });
    }
  });

export type CalendarFile = z.infer<typeof calendarFileSchema>;
export type CalendarDay = z.infer<typeof calendarDaySchema>;

/**
 * Validate a calendar document (parsed JSON). Throws CALENDAR_INVALID listing every offending
 * field, e.g. `years.2025.days.3.date: "2025-02-30" is not a day: 2025-02 has 28 days`.
 */
export function parseCalendarFile(document: unknown, origin = 'calendar'): CalendarFile {
  return parseOrThrow(
    calendarFileSchema,
    document,
    (issues) => new CalendarError('CALENDAR_INVALID', describeInvalid(origin, issues), issues),
  );
}
