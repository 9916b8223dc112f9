// Public entry of the notifier (conventions.md §1): the outbox worker with escalation, the
// channel adapters (SMTP email, signed webhook, SMS gateway), message text and the config.
// The planner (createNotificationPlanner) decides which rows an alert event causes; services/alerts
// writes them in the transaction that changed the alert.

export {
  notifyConfigSchema,
  smtpConfigSchema,
  webhookConfigSchema,
  smsConfigSchema,
  parseNotifyConfig,
  notifyConfigFromEnv,
  enabledChannels,
  DEFAULT_NOTIFY_CONFIG,
  NOTIFY_ENV_VARS,
  type NotifyConfig,
  type NotifyConfigInput,
  type NotifyChannel,
} from './notify-config.ts';
export { NotifyError, type NotifyErrorCode } from './errors.ts';
export type { OutboundMessage, ChannelTransport } from './notification-types.ts';
export {
  renderAlertEmail,
  renderAlertSms,
  formatChinaTime,
  alertLink,
  KIND_TEXT,
  SEVERITY_TEXT,
  EVENT_TEXT,
  type Locale,
  type RenderOptions,
} from './alert-text.ts';
export {
  createNotificationPlanner,
  planAlertNotifications,
  idempotencyKeyOf,
  webhookPayload,
  escalationMinutesFor,
  backoffMs,
} from './plan-notifications.ts';
export { claimDueNotifications, reconcileHeldNotifications } from './outbox-repository.ts';
export { createChannelTransports, type ChannelTransports } from './channels/index.ts';
export { createSmtpTransport } from './channels/email-smtp.ts';
export { createWebhookTransport } from './channels/webhook.ts';
export { createSmsTransport } from './channels/sms-gateway.ts';
export {
  signWebhookBody,
  verifyWebhookSignature,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  DEFAULT_SIGNATURE_TOLERANCE_S,
  type VerifyWebhookInput,
} from './channels/webhook-signature.ts';
export { createNotifier, type Notifier, type NotifierOptions, type NotifierRunResult } from './notifier.ts';
