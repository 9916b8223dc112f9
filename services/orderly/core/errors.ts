import { KamError } from '../../../lib/errors.ts';

// Stable codes of the orderly-power-use core (conventions.md §10). An API maps
// ORDERLY_INVALID_INPUT to 400 with `field` (the first problem) and `issues` (all of them).
export type OrderlyErrorCode = 'ORDERLY_INVALID_INPUT';

export interface FieldIssue {
  field: string;
  message: string;
}

export class OrderlyError extends KamError {
  declare readonly code: OrderlyErrorCode;
  readonly field: string;
  readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[]) {
    const first = issues[0] ?? { field: '(input)', message: 'invalid' };
    super('ORDERLY_INVALID_INPUT', issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.field = first.field;
    this.issues = issues;
  }
}
