import { KamError } from '../../../lib/domain/index.ts';

// Stable codes of the rules service (conventions.md §9).
export type RulesServiceErrorCode = 'RULES_CHECKPOINT_CONFLICT' | 'RULES_STATE_VERSION';

export class RulesServiceError extends KamError<RulesServiceErrorCode> {}
