import { DataIssueError, inputIssues, type IssuesOrField } from '../../../lib/domain/index.ts';

// Stable codes of the orderly-power-use core (conventions.md §10). An API maps
// ORDERLY_INVALID_INPUT to 400 with `field` (the first problem) and `issues` (all of them).
export type OrderlyErrorCode = 'ORDERLY_INVALID_INPUT';

export class OrderlyError extends DataIssueError {
  declare readonly code: OrderlyErrorCode;
  /** `new OrderlyError('field', 'problem')`, or `new OrderlyError(issues)` for several */
  constructor(issues: IssuesOrField, problem?: string) {
    super('ORDERLY_INVALID_INPUT', ...inputIssues(issues, problem));
  }
}
