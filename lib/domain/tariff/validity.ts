import { z } from 'zod';
import { type LocalDate, localDateProblem, localDateToDayNumber } from '../calendar/index.ts';
import { TariffError } from './errors.ts';

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
function overlappingValidities(items: readonly (Validity & { key: string })[]): Array<[number, number]> {
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

/** A problem of a set of dated entries, at `<list>.<index>.<field>`. */
export interface DatedSetProblem {
  index: number;
  field: 'id' | 'validFrom';
  message: string;
}

/**
 * Problems of a set of dated entries (schedules, prices) checked together: duplicate ids, and
 * two entries with the same key (e.g. one region) valid on the same day.
 * `noun` names an entry in messages; `describeKey` says what they share ("region CN").
 */
export function datedSetProblems<T extends Validity & { id: string }>(
  items: readonly T[],
  noun: string,
  listName: string,
  keyOf: (item: T) => string,
  describeKey: (item: T) => string,
): DatedSetProblem[] {
  const problems: DatedSetProblem[] = [];
  const ids = new Map<string, number>();
  items.forEach((item, i) => {
    const other = ids.get(item.id);
    if (other !== undefined)
      problems.push({
        index: i,
        field: 'id',
        message: `duplicate ${noun} id "${item.id}" (also ${listName}.${other})`,
      });
    else ids.set(item.id, i);
  });
  for (const [i, j] of overlappingValidities(items.map((item) => ({ ...item, key: keyOf(item) })))) {
    const a = items[i]!;
    const b = items[j]!;
    problems.push({
      index: j,
      field: 'validFrom',
      message: `${noun} "${b.id}" (${describeValidity(b)}) overlaps ${noun} "${a.id}" (${describeValidity(a)}) for ${describeKey(b)}`,
    });
  }
  return problems;
}

/** Report set problems as zod issues of the file document. */
export function addDatedSetIssues(ctx: z.RefinementCtx, listName: string, problems: readonly DatedSetProblem[]): void {
  for (const p of problems) ctx.addIssue({ code: 'custom', path: [listName, p.index, p.field], message: p.message });
}

/** Throw TARIFF_INVALID listing the problems of entries gathered from several files. */
export function throwOnDatedSetProblems(listName: string, problems: readonly DatedSetProblem[]): void {
  if (problems.length === 0) return;
  throw new TariffError(
    'TARIFF_INVALID',
    `${listName} conflict: ${problems.map((p) => p.message).join('; ')}`,
    problems.map((p) => ({ path: `${listName}.${p.index}.${p.field}`, message: p.message })),
  );
}
