import { type AlertTransition, type Clock, dateOf, systemClock } from '../../../lib/domain/index.ts';
import { type Db, withTransaction } from '../../../lib/db/index.ts';
import { type Logger } from '../../../lib/log/index.ts';
import { applyTransitions } from '../../alerts/index.ts';
import { createNotificationPlanner } from '../../notify/index.ts';
import {
  type ConsumptionBaseline,
  evaluateReadings,
  excuseMonitoringOutage,
  type IgnoredReason,
  type MeterRulesState,
  type RulesState,
} from '../core/index.ts';
import { loadConsumptionBaselines } from './consumption-baseline-repository.ts';
import { RulesServiceError } from './errors.ts';
import {
  loadMeterContexts,
  loadRulesState,
  readFleetWatermark,
  readReadingsAfter,
  saveRulesState,
} from './rules-repository.ts';
import {
  parseRulesServiceConfig,
  type RulesServiceConfig,
  type RulesServiceConfigInput,
} from './rules-service-config.ts';

// The rules service: the pure core (evaluateReadings) between a database reader and writer.
// One cycle = read a batch of readings after the checkpoint, evaluate, and commit alert opens/
// clears, their alert_events, their outbox rows and the new checkpoint in ONE transaction. A
// crash before COMMIT loses nothing (the next cycle starts from the old checkpoint and produces
// the same transitions); opens are idempotent on the alert key, so even a replay against a lost
// checkpoint writes nothing twice.
//
// Evaluation time: the fleet watermark (newest reading ≤ now, rules-repository.ts), or, for a
// batch cut short by the batch size, the batch's last reading time. Never the bare clock:
// communication_lost is judged against what ingest has delivered, so a backlog (database down,
// spool replaying) does not open an alert for every meter. See docs/notify.md.

export interface RulesServiceOptions {
  db: Db;
  logger: Logger;
  config?: RulesServiceConfigInput | RulesServiceConfig;
  /** the clock (watermark bound, raised_at, audit times); default the system clock. The pause
   * between cycles is wall time. */
  clock?: Clock;
  /** override config.intervalMs */
  intervalMs?: number;
  /**
   * Called after a cycle's transaction committed, with the ids of the alerts it opened and
   * cleared (the live stream's fast path: only committed changes are passed on).
   */
  onCommitted?: (change: { opened: readonly number[]; cleared: readonly number[] }) => void;
}

export interface RulesRunResult {
  cycles: number;
  readings: number;
  transitions: AlertTransition[];
  opened: number[];
  cleared: number[];
  /** transitions already in the database (a replay) */
  skipped: number;
  ignored: Partial<Record<IgnoredReason, number>>;
  notifications: number;
  evaluationTime: Date | null;
}

export interface RulesService {
  /** Evaluate until caught up with the watermark (at most maxBatchesPerRun batches). */
  evaluateOnce(): Promise<RulesRunResult>;
  start(): void;
  /** Stop the loop and wait for a running cycle to finish. */
  stop(): Promise<void>;
  readonly config: RulesServiceConfig;
}

/** One cycle: the run's figures for a single batch, and whether the batch was full (more to read). */
type CycleResult = Omit<RulesRunResult, 'cycles'> & { full: boolean };

function emptyRunResult(): RulesRunResult {
  return {
    cycles: 0,
    readings: 0,
    transitions: [],
    opened: [],
    cleared: [],
    skipped: 0,
    ignored: {},
    notifications: 0,
    evaluationTime: null,
  };
}

function localDayStart(at: Date, utcOffsetMinutes: number): Date {
  const offsetMs = utcOffsetMinutes * 60_000;
  return new Date(Math.floor((at.getTime() + offsetMs) / 86_400_000) * 86_400_000 - offsetMs);
}

export function createRulesService(options: RulesServiceOptions): RulesService {
  const config = parseRulesServiceConfig(options.config ?? {});
  const intervalMs = options.intervalMs ?? config.intervalMs;
  const { db } = options;
  const logger = options.logger.child({ component: 'rules', service: config.serviceName });
  const clock = options.clock ?? systemClock;
  const plan = createNotificationPlanner(config.notify);
  /** the committed state, its cycle count and the evaluation time of the last cycle (fleet position) */
  let loaded: { state: RulesState; cycles: number; evaluationTime: Date | null } | undefined;
  /** per-meter consumption baselines, rebuilt every baselineRefreshS */
  let baselines: { builtAt: number; byMeter: Map<number, ConsumptionBaseline> } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function runCycle(): Promise<CycleResult> {
    const now = dateOf(clock);
    const { cycles: _cycles, ...zero } = emptyRunResult();
    const empty: CycleResult = { ...zero, full: false };
    if (!loaded) {
      const stored = await loadRulesState(db, config.serviceName);
      if (stored.state.version !== 1) {
        throw new RulesServiceError(
          'RULES_STATE_VERSION',
          `unknown rules state version ${String(stored.state.version)}`,
        );
      }
      loaded = { state: stored.state, cycles: stored.cycles, evaluationTime: stored.evaluationTime };
      logger.info(
        { meters: Object.keys(stored.state.meters).length, cycles: stored.cycles },
        'rules checkpoint loaded',
      );
    }
    const { contexts, invalid } = await loadMeterContexts(db);
    if (!baselines || now.getTime() - baselines.builtAt >= config.baselineRefreshS * 1000) {
      baselines = {
        builtAt: now.getTime(),
        // previous days only: today's blocks are what the baseline judges, not part of it
        byMeter: await loadConsumptionBaselines(
          db,
          [...contexts.keys()],
          localDayStart(now, config.rules.utcOffsetMinutes),
          {
            weeks: config.baselineWeeks,
            minSamples: config.baselineMinSamples,
          },
        ),
      };
    }
    for (const [meterId, ctx] of contexts) {
      const baseline = baselines.byMeter.get(meterId);
      if (baseline) ctx.consumptionBaseline = baseline;
    }
    for (const bad of invalid) logger.warn(bad, 'meter has an invalid rule context; not evaluated');
    const watermark = await readFleetWatermark(db, now);
    if (!watermark) return empty; // nothing ingested yet: nothing to judge, no one is "silent"
    const upTo = new Date(watermark.getTime() - config.settleS * 1000);
    const positions = [...contexts.keys()].map((meterId) => {
      const lastTs = loaded!.state.meters[String(meterId)]?.lastTs ?? null;
      return { meterId, after: new Date(lastTs ?? upTo.getTime() - config.initialLookbackS * 1000) };
    });
    const readings = await readReadingsAfter(db, positions, upTo, config.batchSize);
    const full = readings.length === config.batchSize;
    const evaluationTime = full ? readings[readings.length - 1]!.ts : upTo;
    let before = loaded.state;
    const previous = loaded.evaluationTime;
    if (config.monitoringOutageS > 0 && previous && readings.length > 0) {
      // readings come oldest first across the fleet: nobody reported between `previous` and this
      const silentMs = readings[0]!.ts.getTime() - previous.getTime();
      if (silentMs > config.monitoringOutageS * 1000) {
        logger.warn(
          { from: previous, until: readings[0]!.ts, silentS: silentMs / 1000 },
          'no meter reported for a while: a monitoring outage, not reported as communication loss',
        );
        before = excuseMonitoringOutage(before, readings[0]!.ts.getTime());
      }
    }
    const result = evaluateReadings(before, readings, contexts, config.rules, evaluationTime);

    const ignored: CycleResult['ignored'] = {};
    for (const i of result.ignored) ignored[i.reason] = (ignored[i.reason] ?? 0) + 1;
    if (result.ignored.length > 0) logger.debug({ ignored }, 'readings ignored by the rules core');

    const changed: Record<string, MeterRulesState> = {};
    for (const [id, meter] of Object.entries(result.state.meters)) {
      if (JSON.stringify(meter) !== JSON.stringify(loaded.state.meters[id])) changed[id] = meter;
    }
    if (result.transitions.length === 0 && Object.keys(changed).length === 0) {
      loaded.evaluationTime = evaluationTime;
      return { ...empty, full, readings: readings.length, ignored, evaluationTime };
    }

    const expectedCycles = loaded.cycles;
    const written = await withTransaction(db, async (client) => {
      const applied = await applyTransitions(client, result.transitions, plan, now);
      const saved = await saveRulesState(client, config.serviceName, changed, expectedCycles, evaluationTime, now);
      if (!saved) {
        throw new RulesServiceError(
          'RULES_CHECKPOINT_CONFLICT',
          `another instance of rules service "${config.serviceName}" committed a cycle; reloading its checkpoint`,
        );
      }
      return applied;
    });
    loaded = { state: result.state, cycles: expectedCycles + 1, evaluationTime };
    if (written.opened.length + written.cleared.length > 0) {
      try {
        options.onCommitted?.({ opened: written.opened, cleared: written.cleared });
      } catch (err) {
        logger.error({ err }, 'onCommitted listener failed');
      }
    }
    for (const t of result.transitions) {
      logger.info(
        {
          type: t.type,
          alertKey: t.alertKey,
          meterId: t.meterId,
          kind: t.kind,
          phase: t.phase,
          severity: t.severity,
          at: t.at,
        },
        t.type === 'open' ? 'alert opened' : 'alert cleared',
      );
    }
    return {
      full,
      readings: readings.length,
      transitions: result.transitions,
      opened: written.opened,
      cleared: written.cleared,
      skipped: written.skipped.length,
      ignored,
      notifications: written.notifications,
      evaluationTime,
    };
  }

  async function evaluateOnce(): Promise<RulesRunResult> {
    const total = emptyRunResult();
    for (let i = 0; i < config.maxBatchesPerRun; i++) {
      let cycle: CycleResult;
      try {
        cycle = await runCycle();
      } catch (err) {
        loaded = undefined; // the in-memory state may be ahead of the database: reload it next time
        throw err;
      }
      total.cycles++;
      total.readings += cycle.readings;
      total.transitions.push(...cycle.transitions);
      total.opened.push(...cycle.opened);
      total.cleared.push(...cycle.cleared);
      total.skipped += cycle.skipped;
      total.notifications += cycle.notifications;
      for (const [k, n] of Object.entries(cycle.ignored)) {
        total.ignored[k as IgnoredReason] = (total.ignored[k as IgnoredReason] ?? 0) + n;
      }
      total.evaluationTime = cycle.evaluationTime ?? total.evaluationTime;
      if (!cycle.full || stopped) break;
    }
    return total;
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = evaluateOnce()
        .then((r) => {
          if (r.readings > 0 || r.transitions.length > 0) {
            logger.debug({ readings: r.readings, opened: r.opened.length, cleared: r.cleared.length }, 'rules cycle');
          }
        })
        .catch((err: unknown) => logger.error({ err }, 'rules cycle failed; retrying from the checkpoint'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, intervalMs);
  }

  return {
    config,
    evaluateOnce,
    start() {
      if (stopped || timer) return;
      logger.info({ intervalMs }, 'rules service started');
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}

/** Build and start the loop (evaluates every intervalMs until stop()). */
export function startRulesService(options: RulesServiceOptions): RulesService {
  const service = createRulesService(options);
  service.start();
  return service;
}
