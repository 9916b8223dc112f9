import { KamError } from '../../../lib/errors.ts';

// Stable codes of the forecast core (conventions.md §10). Malformed curves raise the shared
// LoadCurveError (LOAD_CURVE_INVALID); both carry `field` so an API can answer 400 naming it.
export type ForecastErrorCode = 'FORECAST_INVALID_INPUT';

export class ForecastError extends KamError {
  declare readonly code: ForecastErrorCode;
  readonly field: string;
  constructor(field: string, message: string) {
    super('FORECAST_INVALID_INPUT', `${field}: ${message}`);
    this.field = field;
  }
}
