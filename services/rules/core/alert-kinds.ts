// Alert vocabulary shared by every rule and the tracker; the kinds, severities and phases live
// in lib/domain/alert.ts so the notifier and the API use the same lists.
import type { AlertKind, Phase } from '../../../lib/domain/index.ts';

export {
  ALERT_KINDS,
  SEVERITIES,
  PHASES,
  type AlertKind,
  type Severity,
  type Phase,
} from '../../../lib/domain/index.ts';

/**
 * Where a condition was measured. A phase ('A'), a line-to-line pair ('AB', for three-wire
 * meters and high-voltage supplies whose nominal is a line voltage), or the meter as a whole.
 * Each channel has its own timer in the tracker; the alert row carries only `phase`.
 */
export type Channel = Phase | 'AB' | 'BC' | 'CA' | 'total';

/** The `phase` column of an alert for a channel: line pairs and totals have none. */
export function phaseOfChannel(channel: Channel): Phase | null {
  return channel === 'A' || channel === 'B' || channel === 'C' ? channel : null;
}

/**
 * One rule's verdict on one (kind, channel) at one instant. `active` means beyond the trigger
 * threshold; `clearable` means inside the recovery threshold. Between the two (the hysteresis
 * band) both are false: a pending alert is abandoned, an open alert stays open.
 */
export interface ConditionResult {
  kind: AlertKind;
  channel: Channel;
  active: boolean;
  clearable: boolean;
  /** the value compared with the thresholds, in `unit` */
  measured: number;
  /** trigger threshold (`active` when measured is beyond it) */
  limit: number;
  /** recovery threshold (`clearable` when measured is back inside it) */
  recoveryLimit: number;
  unit: string;
  /**
   * Epoch ms at which the measured window began, for conditions measured over a window
   * (a 15-minute energy block, a run of identical readings). The tracker starts its timers
   * there instead of at the reading that revealed the condition. Absent = the reading's time.
   */
  since?: number;
  /** extra facts for the alert's evidence (method, inputs); plain JSON */
  details?: Record<string, unknown>;
}
