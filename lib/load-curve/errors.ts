import { DataIssueError, inputIssues, type IssuesOrField } from '../domain/index.ts';

// Stable code for malformed load-curve input (conventions.md §10). An API that passes user input
// through these functions maps it to 400 with `field` (the base, DataIssueError, says how).
export type LoadCurveErrorCode = 'LOAD_CURVE_INVALID';

export class LoadCurveError extends DataIssueError {
  declare readonly code: LoadCurveErrorCode;
  /** `new LoadCurveError('field', 'problem')`, or `new LoadCurveError(issues)` for several */
  constructor(issues: IssuesOrField, problem?: string) {
    super('LOAD_CURVE_INVALID', ...inputIssues(issues, problem));
  }
}
