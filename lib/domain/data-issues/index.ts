import type { z } from 'zod';
import { KamError } from '../errors.ts';

// The one base of the errors about bad data or bad input: a data file (calendar, tariff), a
// document handed to a pure core (a curtailment order, a planned outage), the arguments of a
// formula or a forecast. Each area keeps its own subclass and stable codes (conventions.md §10);
// all of them name every offending field in `issues` and the first in `field`, so a loader can
// print them all at once and an API can answer 400 naming the field (conventions.md §9).

export interface DataIssue {
  /** dotted path of the offending field, e.g. `years.2025.days.3.date`, `history[3].kw[17]` */
  readonly path: string;
  readonly message: string;
}

export class DataIssueError extends KamError {
  readonly issues: readonly DataIssue[];
  /** path of the first issue; undefined when the problem is not one field (an unreadable file) */
  readonly field: string | undefined;
  constructor(code: string, message: string, issues: readonly DataIssue[] = []) {
    super(code, message);
    this.issues = issues;
    this.field = issues[0]?.path;
  }
}

/** `path: message; path: message` (`(root)` for the document as a whole). */
export function describeIssues(issues: readonly DataIssue[]): string {
  return issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ');
}

/** `<origin> is invalid: path: message; path: message` — for a file or document named by origin. */
export function describeInvalid(origin: string, issues: readonly DataIssue[]): string {
  return `${origin} is invalid: ${describeIssues(issues)}`;
}

/** One field and its problem, or several issues. */
export type IssuesOrField = readonly DataIssue[] | string;

/**
 * The message and issues of an input error, for a subclass constructor:
 * `super(code, ...inputIssues(issuesOrField, problem))`, so `new XError('to', 'must not be
 * before from')` and `new XError(issues)` both work.
 */
export function inputIssues(issues: IssuesOrField, problem = 'is invalid'): [string, readonly DataIssue[]] {
  const list = typeof issues === 'string' ? [{ path: issues, message: problem }] : issues;
  return [describeIssues(list), list];
}

/**
 * zod issues as data issues: the path joined with dots, below `under` when given (`options` →
 * `options.decay`); an issue about the whole input gets `under`, else `root` (default '').
 */
export function issuesFromZod(error: z.ZodError, where: { under?: string; root?: string } = {}): DataIssue[] {
  return error.issues.map((i) => {
    const path = [where.under, ...i.path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
    return { path: path || (where.root ?? ''), message: i.message };
  });
}

/**
 * `schema` applied to `input`, or `fail(issues)` thrown with every offending field (paths as
 * issuesFromZod gives them). The one way the pure cores turn a zod failure into their error.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  fail: (issues: DataIssue[]) => Error,
  where: { under?: string; root?: string } = {},
): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw fail(issuesFromZod(result.error, where));
}
