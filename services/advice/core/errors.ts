import { DataIssueError, inputIssues, type IssuesOrField } from '../../../lib/domain/index.ts';

// Stable code of the advice core (conventions.md §10): an API maps it to 400 naming `field`.
export type AdviceErrorCode = 'ADVICE_INVALID_INPUT';

export class AdviceError extends DataIssueError {
  declare readonly code: AdviceErrorCode;
  /** `new AdviceError('field', 'problem')`, or `new AdviceError(issues)` for several */
  constructor(issues: IssuesOrField, problem?: string) {
    super('ADVICE_INVALID_INPUT', ...inputIssues(issues, problem));
  }
}
