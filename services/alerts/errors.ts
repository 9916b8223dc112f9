import { KamError } from '../../lib/domain/index.ts';

// Stable codes of the alert lifecycle (conventions.md §9). The API maps ALERT_NOT_FOUND → 404,
// ALERT_INVALID_INPUT → 400, ALERT_ALREADY_* → 409.
export type AlertErrorCode =
  'ALERT_NOT_FOUND' | 'ALERT_ALREADY_RESOLVED' | 'ALERT_ALREADY_ACKNOWLEDGED' | 'ALERT_INVALID_INPUT';

export class AlertError extends KamError<AlertErrorCode> {
  readonly alertId: number | undefined;
  constructor(code: AlertErrorCode, message: string, alertId?: number) {
    super(code, message);
    this.alertId = alertId;
  }
}
