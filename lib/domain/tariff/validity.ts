import { z } from 'zod';
import { type LocalDate, localDateProblem, localDateToDayNumber } from '../calendar/index.ts';

// Tariffs change over time, so schedules and prices carry validity dates: local dates, both
// ends included, null for an open end (domain.md §6: "keep them in configuration with validity
// dates").

export const localDateField = z.string().superRefine((text, ctx) => {
  const problem = localDateProblem(text);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export interface Validity {
  /** first local date it applies, included; null: since always */
  validFrom: LocalDate | null;
  /** last local date it applies, included; null: until replaced */
  validTo: LocalDate | null;
}

export function isValidOn(item: Validity, date: LocalDate): boolean {
  return (item.validFrom === null || item.validFrom <= date) && (item.validTo === null || date <= item.validTo);
}

function span(v: Validity): [number, number] {
  return [
    v.validFrom === null ? -Infinity : localDateToDayNumber(v.validFrom),
    v.validTo === null ? Infinity : localDateToDayNumber(v.validTo),
  ];
}

export function describeValidity(v: Validity): string {
  return `${v.validFrom ?? 'always'} – ${v.validTo ?? 'open'}`;
}

/** Pairs (i, j), i < j, of items with the same key whose validity ranges share a day. */
export function overlappingValidities(items: readonly (Validity & { key: string })[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      if (items[i]!.key !== items[j]!.key) continue;
      const [a0, a1] = span(items[i]!);
      const [b0, b1] = span(items[j]!);
      if (a0 <= b1 && b0 <= a1) out.push([i, j]);
    }
  }
  return out;
}

/** zod refinement: validFrom must not be after validTo. */
export function checkValidityOrder(v: Validity, ctx: z.RefinementCtx, path: (string | number)[]): void {
  if (v.validFrom !== null && v.validTo !== null && v.validFrom > v.validTo)
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'validTo'],
      message: `validTo ${v.validTo} is before validFrom ${v.validFrom}`,
    });
}
