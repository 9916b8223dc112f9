// Public entry of the alerts service, the one home of an alert (conventions.md §6): its type and
// row mapper, opening and clearing (the rules service hands it transitions), the human lifecycle
// with its audit trail, escalation, and enqueueing the notifications each change causes. The
// rules service, the notifier, the API and the CLI read and act through this file.
export {
  ALERT_STATES,
  RULES_ACTOR,
  type Alert,
  type AlertState,
  type AlertAction,
  type AlertEvent,
  type AlertChange,
  type NotificationEvent,
  type NotificationChannel,
  type NotificationPlanner,
  type Audience,
  type OutboxRow,
  type EscalationPolicy,
} from './alert.ts';
export { AlertError, type AlertErrorCode } from './errors.ts';
export {
  listAlerts,
  getAlert,
  listAlertEvents,
  loadAlerts,
  loadAlertChanges,
  type AlertFilter,
} from './alert-repository.ts';
export { applyTransitions, type AppliedTransitions } from './transitions.ts';
export { acknowledgeAlert, commentOnAlert, resolveAlert, type LifecycleOptions } from './lifecycle.ts';
export { escalateOverdueAlerts, type Escalation } from './escalation.ts';
export { enqueueAlertNotifications, insertOutboxRows } from './outbox.ts';
