import { type Clock, dateOf, systemClock } from '../../lib/domain/index.ts';
import type { Db } from '../../lib/db/index.ts';
import { escalateOverdueAlerts } from '../alerts/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { type ChannelTransports, createChannelTransports } from './channels/index.ts';
import type { NotifyChannel, NotifyConfig } from './notify-config.ts';
import type { OutboundMessage } from './notification-types.ts';
import {
  claimDueNotifications,
  markNotificationFailed,
  markNotificationSent,
  reconcileHeldNotifications,
} from './outbox-repository.ts';
import { backoffMs, createNotificationPlanner } from './plan-notifications.ts';

export interface NotifierOptions {
  db: Db;
  logger: Logger;
  config: NotifyConfig;
  /** channel adapters; default: createChannelTransports(config) (one per configured channel) */
  transports?: ChannelTransports;
  /** the clock (escalation deadlines, backoff, signatures, the loop's pause); default: the system clock */
  clock?: Clock;
  /** run escalations in this worker's cycle (default true) */
  escalate?: boolean;
}

export interface NotifierRunResult {
  escalated: number;
  sent: number;
  retried: number;
  failed: number;
  held: number;
}

export interface Notifier {
  /** One cycle: escalate overdue alerts, hold/release rows by channel, deliver what is due (bounded). */
  runOnce(): Promise<NotifierRunResult>;
  /** Run cycles every `config.worker.intervalMs` until stop(). */
  start(): void;
  /** Stop the loop, wait for a running cycle, close the transports. */
  stop(): Promise<void>;
  readonly channels: readonly NotifyChannel[];
}

const MAX_BATCHES_PER_RUN = 10;

/** Build the outbox worker from its dependencies (conventions.md §2); nothing runs until start()/runOnce(). */
export function createNotifier(options: NotifierOptions): Notifier {
  const { db, config } = options;
  const logger = options.logger.child({ component: 'notifier' });
  const clock = options.clock ?? systemClock;
  const now = () => dateOf(clock);
  const plan = createNotificationPlanner(config);
  const transports = options.transports ?? createChannelTransports(config, { clock });
  const channels = (Object.keys(transports) as NotifyChannel[]).filter((c) => transports[c]);
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function deliver(message: OutboundMessage, result: NotifierRunResult): Promise<void> {
    const transport = transports[message.channel]!;
    const log = {
      notificationId: message.id,
      alertId: message.alertId,
      channel: message.channel,
      attempt: message.attempt,
    };
    try {
      await transport.send(message, controller.signal);
    } catch (err) {
      const e = err as Error & { code?: string };
      const error = `${e.code ? `${e.code}: ` : ''}${e.message}`;
      const giveUp = message.attempt >= config.worker.maxAttempts;
      const next = giveUp ? null : new Date(now().getTime() + backoffMs(message.attempt, config.worker));
      await markNotificationFailed(db, message.id, error, now(), next);
      if (giveUp) {
        result.failed++;
        logger.error({ ...log, err }, 'notification failed for good');
      } else {
        result.retried++;
        logger.warn({ ...log, err, nextAttemptAt: next }, 'notification failed; will retry');
      }
      return;
    }
    // A database error here propagates (the cycle fails and is logged): the row stays leased and
    // is sent again after the lease, under the same idempotency key (at-least-once).
    await markNotificationSent(db, message.id, now());
    result.sent++;
    logger.info({ ...log, event: message.event }, 'notification sent');
  }

  async function runOnce(): Promise<NotifierRunResult> {
    const result: NotifierRunResult = { escalated: 0, sent: 0, retried: 0, failed: 0, held: 0 };
    if (options.escalate !== false) {
      const escalations = await escalateOverdueAlerts(db, config, plan, now());
      result.escalated = escalations.length;
      for (const e of escalations) logger.info(e, 'alert escalated');
    }
    const { held, released } = await reconcileHeldNotifications(db, channels, now());
    result.held = held;
    if (held > 0) logger.warn({ held, channels }, 'notifications held: their channel is not configured');
    if (released > 0) logger.info({ released }, 'held notifications released');
    for (let batch = 0; batch < MAX_BATCHES_PER_RUN && !stopped; batch++) {
      const due = await claimDueNotifications(db, channels, now(), config.worker.batchSize, config.worker.leaseMs);
      // one at a time: the embedded database has one connection, and SMTP relays rate-limit anyway
      for (const message of due) await deliver(message, result);
      if (due.length < config.worker.batchSize) break;
    }
    return result;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = runOnce()
        .catch((err: unknown) => logger.error({ err }, 'notifier cycle failed'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, config.worker.intervalMs);
    timer.unref?.();
  }

  return {
    channels,
    runOnce,
    start() {
      if (stopped || timer) return;
      logger.info({ channels, intervalMs: config.worker.intervalMs }, 'notifier started');
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      controller.abort();
      for (const t of Object.values(transports)) await t?.close?.();
    },
  };
}
