import { KamError } from '../../../lib/errors.ts';

// Stable code of the report formulas (conventions.md §10). Bad input names its field so an API
// answers 400 with it; a formula never returns a number computed from nonsense.

export type ReportErrorCode = 'REPORT_INVALID_INPUT';

export class ReportInputError extends KamError {
  declare readonly code: ReportErrorCode;
  /** the offending input, e.g. `interruptions[2].endMs` */
  readonly field: string;
  constructor(field: string, message: string) {
    super('REPORT_INVALID_INPUT', `${field}: ${message}`);
    this.field = field;
  }
}
