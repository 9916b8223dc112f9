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
