import type { z } from 'zod';
import { type DataIssue, DataIssueError, describeInvalid, parseOrThrow } from '../data-issues/index.ts';

// Stable codes of the tariff area (conventions.md §10). `issues` name every offending field.

export type TariffErrorCode =
  /** a schedule, price or PF-table document failed validation */
  | 'TARIFF_INVALID'
  /** the data files could not be read (lib/reference-data) */
  | 'TARIFF_UNREADABLE'
  /** more than one schedule or price applies (several regions or classes passed together) */
  | 'TARIFF_AMBIGUOUS'
  /** no PF adjustment table for the requested target */
  | 'TARIFF_NO_PF_TABLE'
  /** a function was called with a value outside its domain (e.g. PF 1.2) */
  | 'TARIFF_BAD_ARGUMENT';

export type TariffIssue = DataIssue;

export class TariffError extends DataIssueError {
  declare readonly code: TariffErrorCode;
  constructor(code: TariffErrorCode, message: string, issues: readonly TariffIssue[] = []) {
    super(code, message, issues);
  }
}

/** Parse `document` with `schema`, or throw TARIFF_INVALID listing every issue with its path. */
export function parseWith<S extends z.ZodType>(schema: S, document: unknown, origin: string): z.output<S> {
  return parseOrThrow(
    schema,
    document,
    (issues) => new TariffError('TARIFF_INVALID', describeInvalid(origin, issues), issues),
  );
}
