import type { z } from 'zod';
import { KamError } from '../../errors.ts';

// Errors about data documents (calendar, tariff files) that name every offending field, so a
// loader can print them all at once and an API can answer 400 with them (conventions.md §9, §10).

export interface DataIssue {
  /** dotted path into the document, e.g. `years.2025.days.3.date` */
  readonly path: string;
  readonly message: string;
}

/** Base of the data errors: a stable `code` and the list of `issues`. */
export class DataIssueError extends KamError {
  readonly issues: readonly DataIssue[];
  constructor(code: string, message: string, issues: readonly DataIssue[] = []) {
    super(code, message);
    this.issues = issues;
  }
}

export function issuesFromZod(error: z.ZodError): DataIssue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
}

/** `<origin> is invalid: path: message; path: message` */
export function describeInvalid(origin: string, issues: readonly DataIssue[]): string {
  return `${origin} is invalid: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`;
}
