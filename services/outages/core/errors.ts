import { DataIssueError, inputIssues, type IssuesOrField } from '../../../lib/domain/index.ts';

// Stable code of the planned-outage core (conventions.md §10): an API maps it to 400 with
// `field` (the first problem) and `issues` (all of them).
export type OutageErrorCode = 'OUTAGE_INVALID_INPUT';

export class OutageError extends DataIssueError {
  declare readonly code: OutageErrorCode;
  /** `new OutageError('field', 'problem')`, or `new OutageError(issues)` for several */
  constructor(issues: IssuesOrField, problem?: string) {
    super('OUTAGE_INVALID_INPUT', ...inputIssues(issues, problem));
  }
}
