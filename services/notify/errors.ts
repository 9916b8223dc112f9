import { KamError } from '../../lib/domain/index.ts';

// Stable codes of the notifier (conventions.md §9). Callers and tests branch on `code`.
export type NotifyErrorCode =
  | 'NOTIFY_CHANNEL_NOT_CONFIGURED'
  | 'NOTIFY_SEND_FAILED'
  | 'NOTIFY_SEND_TIMEOUT'
  | 'NOTIFY_WEBHOOK_REJECTED'
  | 'NOTIFY_SIGNATURE_INVALID';

export class NotifyError extends KamError<NotifyErrorCode> {}
