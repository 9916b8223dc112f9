// Alert vocabulary shared by the rules, the notifier and the API. The lists mirror the CHECK
// constraints of migrations/004_alerts_and_outbox.sql: a kind or severity the database would
// refuse cannot be produced.

export const ALERT_KINDS = [
  'under_voltage',
  'over_voltage',
  'loss_of_voltage',
  'phase_break',
  'voltage_unbalance',
  'current_unbalance',
  'low_power_factor',
  'over_compensation',
  'over_demand',
  'reverse_power',
  'communication_lost',
  'stale_values',
  'abnormal_consumption',
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const SEVERITIES = ['critical', 'major', 'minor', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const PHASES = ['A', 'B', 'C'] as const;
export type Phase = (typeof PHASES)[number];

/**
 * A change the rules core decided (services/rules/core) and the alerts service writes
 * (services/alerts): an alert opens when its condition has held for its delay, clears when its
 * recovery has.
 */
export interface AlertTransition {
  type: 'open' | 'clear';
  meterId: number;
  accountId: number;
  kind: AlertKind;
  /** phase of the alert (from the first channel that opened it); null for totals and line pairs */
  phase: Phase | null;
  /** when the condition had held for its delay (open) or its recovery had (clear) */
  at: Date;
  severity: Severity;
  /** the same for the open and the clear of one alert: an idempotency key for the adapter */
  alertKey: string;
  /** readings, values and limits behind the transition; plain JSON */
  evidence: Record<string, unknown>;
}
