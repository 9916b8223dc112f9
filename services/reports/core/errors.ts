import { DataIssueError, inputIssues, type IssuesOrField } from '../../../lib/domain/index.ts';

// Stable code of the report formulas (conventions.md §10). Bad input names its field so an API
// answers 400 with it; a formula never returns a number computed from nonsense.
export type ReportErrorCode = 'REPORT_INVALID_INPUT';

export class ReportInputError extends DataIssueError {
  declare readonly code: ReportErrorCode;
  /** `new ReportInputError('field', 'problem')`, or `new ReportInputError(issues)` for several */
  constructor(issues: IssuesOrField, problem?: string) {
    super('REPORT_INVALID_INPUT', ...inputIssues(issues, problem));
  }
}
