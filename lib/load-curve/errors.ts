import { KamError } from '../errors.ts';

// Stable code for malformed load-curve input (conventions.md §10). An API that passes user input
// through these functions maps it to 400 with `field`.
export type LoadCurveErrorCode = 'LOAD_CURVE_INVALID';

export class LoadCurveError extends KamError {
  declare readonly code: LoadCurveErrorCode;
  /** where the bad value is, e.g. `history[3].kw[17]` */
  readonly field: string;
  constructor(field: string, message: string) {
    super('LOAD_CURVE_INVALID', `${field}: ${message}`);
    this.field = field;
  }
}
