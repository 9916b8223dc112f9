import { z } from 'zod';
import { parseSettings } from '../../../lib/domain/index.ts';
import { notifyConfigSchema } from '../../notify/index.ts';
import { rulesConfigSchema } from '../core/index.ts';

// Settings of the rules service loop (services/rules/rules-service.ts) on top of the rule
// thresholds (rules-config.ts) and the notifier settings it needs to write outbox rows.

export const rulesServiceConfigSchema = z.object({
  /** checkpoint key: several independent rule services (or tests) keep separate positions */
  serviceName: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]*$/, 'serviceName must be lower-case letters, digits, - or _')
    .default('rules'),
  /** pause between cycles (KAM_RULES_INTERVAL_MS) */
  intervalMs: z.number().int().min(10).max(3_600_000).default(5_000),
  /** readings per statement; a cycle reads batches until it has caught up (bounded below) */
  batchSize: z.number().int().min(1).max(100_000).default(5_000),
  maxBatchesPerRun: z.number().int().min(1).max(10_000).default(50),
  /** a meter the service has never seen is evaluated from this far before the watermark */
  initialLookbackS: z
    .number()
    .int()
    .min(0)
    .max(30 * 86_400)
    .default(3_600),
  /**
   * Readings newer than (fleet watermark − settleS) wait for the next cycle, giving an ingest
   * writer that flushes one meter's readings out of order time to fill in. 0 = evaluate up to
   * the newest reading.
   */
  settleS: z.number().min(0).max(3_600).default(0),
  /**
   * When no meter of the fleet reported for longer than this (ingest or the database was down,
   * or the whole system), the gap is a monitoring outage, not a communication loss of every
   * meter: the service logs it and does not open communication_lost for it
   * (monitoring-outage.ts). Default = the shortest communication timeout (rules-config.ts
   * communication.minTimeoutS, 300 s). 0 = off: every meter's gap is reported.
   */
  monitoringOutageS: z
    .number()
    .min(0)
    .max(30 * 86_400)
    .default(300),
  /**
   * Abnormal consumption compares each 15-minute block with the meter's own baseline per slot and
   * day type, rebuilt from `load_15m` this often over this many weeks; a slot needs
   * `baselineMinSamples` days before it is judged (project defaults).
   */
  baselineRefreshS: z
    .number()
    .int()
    .min(60)
    .max(7 * 86_400)
    .default(3_600),
  baselineWeeks: z.number().int().min(1).max(52).default(4),
  baselineMinSamples: z.number().int().min(2).max(365).default(3),
  rules: rulesConfigSchema.prefault({}),
  notify: notifyConfigSchema.prefault({}),
});

export type RulesServiceConfig = z.infer<typeof rulesServiceConfigSchema>;
export type RulesServiceConfigInput = z.input<typeof rulesServiceConfigSchema>;

export function parseRulesServiceConfig(input: unknown = {}): RulesServiceConfig {
  return parseSettings(rulesServiceConfigSchema, input, 'rulesService');
}
