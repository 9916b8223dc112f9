import { KamError } from '../../../lib/errors.ts';

// Stable code of the advice core (conventions.md §10): an API maps it to 400 naming `field`.
export type AdviceErrorCode = 'ADVICE_INVALID_INPUT';

export class AdviceError extends KamError {
  declare readonly code: AdviceErrorCode;
  readonly field: string;
  constructor(field: string, message: string) {
    super('ADVICE_INVALID_INPUT', `${field}: ${message}`);
    this.field = field;
  }
}
