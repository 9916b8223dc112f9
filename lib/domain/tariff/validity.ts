import type { z } from 'zod';
import { type LocalDate, localDateToDayNumber } from '../calendar/index.ts';
import { TariffError } from './errors.ts';

// Tariffs change over time, so schedules and prices carry validity dates: local dates, both
// ends included, null for an open end (domain.md §6: "keep them in configuration with validity
// dates").

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

/** How one kind of dated entries is told apart and named in messages. */
export interface DatedSetSpec<T> {
  /** an entry in messages: 'schedule', 'price' */
  noun: string;
  /** the list in the file and in issue paths: 'schedules', 'prices' */
  listName: string;
  /** entries with the same key may not be valid on the same day (one region, one class) */
  keyOf: (item: T) => string;
  /** what such entries share, for messages: 'region CN' */
  describeKey: (item: T) => string;
}

/** The rules of a set of dated entries (ToU schedules, prices), checked the same way. */
export interface DatedSet<T extends Validity & { id: string }> {
  /** duplicate ids, and two entries with the same key valid on the same day */
  problems(items: readonly T[]): DatedSetProblem[];
  /** the problems as zod issues of one file's list (for a superRefine) */
  refine(ctx: z.RefinementCtx, items: readonly T[]): void;
  /** throws TARIFF_INVALID listing the problems of entries gathered from several files */
  check(items: readonly T[]): void;
  /**
   * The entry `select` keeps that is valid on `date`, or null when none is; TARIFF_AMBIGUOUS
   * when several are (entries not checked together, or a selection wider than a key).
   */
  validOn(items: readonly T[], date: LocalDate, select: (item: T) => boolean, hint?: string): T | null;
}

export function datedSet<T extends Validity & { id: string }>(spec: DatedSetSpec<T>): DatedSet<T> {
  const problems = (items: readonly T[]): DatedSetProblem[] => {
    const out: DatedSetProblem[] = [];
    const ids = new Map<string, number>();
    items.forEach((item, i) => {
      const other = ids.get(item.id);
      if (other !== undefined)
        out.push({
          index: i,
          field: 'id',
          message: `duplicate ${spec.noun} id "${item.id}" (also ${spec.listName}.${other})`,
        });
      else ids.set(item.id, i);
    });
    for (const [i, j] of overlappingValidities(items.map((item) => ({ ...item, key: spec.keyOf(item) })))) {
      const a = items[i]!;
      const b = items[j]!;
      out.push({
        index: j,
        field: 'validFrom',
        message: `${spec.noun} "${b.id}" (${describeValidity(b)}) overlaps ${spec.noun} "${a.id}" (${describeValidity(a)}) for ${spec.describeKey(b)}`,
      });
    }
    return out;
  };
  return {
    problems,
    refine(ctx, items) {
      for (const p of problems(items))
        ctx.addIssue({ code: 'custom', path: [spec.listName, p.index, p.field], message: p.message });
    },
    check(items) {
      const found = problems(items);
      if (found.length === 0) return;
      throw new TariffError(
        'TARIFF_INVALID',
        `${spec.listName} conflict: ${found.map((p) => p.message).join('; ')}`,
        found.map((p) => ({ path: `${spec.listName}.${p.index}.${p.field}`, message: p.message })),
      );
    },
    validOn(items, date, select, hint) {
      const valid = items.filter((item) => select(item) && isValidOn(item, date));
      if (valid.length > 1)
        throw new TariffError(
          'TARIFF_AMBIGUOUS',
          `${spec.listName} ${valid.map((v) => `"${v.id}"`).join(', ')} all apply on ${date}${hint ? `; ${hint}` : ''}`,
        );
      return valid[0] ?? null;
    },
  };
}
