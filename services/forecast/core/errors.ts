import { DataIssueError, inputIssues, type IssuesOrField } from '../../../lib/domain/index.ts';

// Stable codes of the forecast core (conventions.md §10). Malformed curves raise the shared
// LoadCurveError (LOAD_CURVE_INVALID); both are DataIssueErrors naming the field for a 400.
export type ForecastErrorCode = 'FORECAST_INVALID_INPUT';

export class ForecastError extends DataIssueError {
  declare readonly code: ForecastErrorCode;
  /** `new ForecastError('field', 'problem')`, or `new ForecastError(issues)` for several */
  constructor(issues: IssuesOrField, problem?: string) {
    super('FORECAST_INVALID_INPUT', ...inputIssues(issues, problem));
  }
}
