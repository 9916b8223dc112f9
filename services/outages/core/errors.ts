import { KamError } from '../../../lib/errors.ts';

// Stable code of the planned-outage core (conventions.md §10): an API maps it to 400 with
// `field` (the first problem) and `issues` (all of them).
export type OutageErrorCode = 'OUTAGE_INVALID_INPUT';

export class OutageError extends KamError {
  declare readonly code: OutageErrorCode;
  readonly field: string;
  readonly issues: readonly { field: string; message: string }[];
  constructor(issues: readonly { field: string; message: string }[]) {
    super('OUTAGE_INVALID_INPUT', issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.field = issues[0]?.field ?? '(input)';
    this.issues = issues;
  }
}
