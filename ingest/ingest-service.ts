// Ingest: loads the meters, runs the writer, the Modbus poller and the MQTT subscriber, keeps
// meter_status current. `buildIngest` wires without reading, opening or connecting anything
// (conventions §2); `start()` does that; `startIngest` builds and starts.
import { hostname } from 'node:os';
import { type Db } from '../lib/db/index.ts';
import { type Logger } from '../lib/log/index.ts';
import { counterWrapPrimary, type CounterKey } from '../lib/meter-maps/index.ts';
import { getMeterMap } from '../lib/meter-maps/maps/index.ts';
import { systemClock, type Clock, type TimerHandle } from '../lib/domain/index.ts';
import { createCounterCheck, COUNTER_FIELDS, type CounterField } from './counters/counter-check.ts';
import { badOption, IngestError, requirePositiveInt } from './errors.ts';
import { loadIngestMeters, type IngestMeter } from './meter-repository.ts';
import { createIngestMetrics, type IngestMetrics } from './metrics.ts';
import { createModbusPoller, type ModbusPoller, type ModbusPollerOptions } from './modbus/index.ts';
import { createMqttSubscriber, type MqttSubscriber } from './mqtt/index.ts';
import type { MqttSubscriberOptions } from './mqtt/mqtt-subscriber.ts';
import { createReadingPipeline, type MeterContext, type ReadingPipeline } from './reading-pipeline.ts';
import { createMeterStatusTracker, upsertMeterStatus, type MeterStatusTracker } from './status/meter-status.ts';
import { createReadingWriter, type ReadingWriter, type ReadingWriterOptions } from './writer/index.ts';

export interface IngestOptions {
  db: Db;
  logger: Logger;
  /** folder for the on-disk spool (e.g. `<KAM_DATA_DIR>/spool`) */
  spoolDir: string;
  /** MQTT broker; absent = no MQTT ingest */
  mqttUrl?: string;
  clock?: Clock;
  /** names this process in meter_status.reported_by and the MQTT client id */
  instanceId?: string;
  /** fixed MQTT client id (persistent session); default `kam-ingest-<instanceId>` */
  mqttClientId?: string;
  /** MQTT shared subscription group for JSON readings (several ingest processes split the load) */
  mqttSharedGroup?: string;
  mqtt?: Partial<
    Pick<
      MqttSubscriberOptions,
      'maxPayloadBytes' | 'maxFutureMs' | 'rebirthMinIntervalMs' | 'subscribeSparkplug' | 'clientOptions'
    >
  >;
  /** Modbus polling; `enabled: false` leaves Modbus meters alone */
  modbus?: { enabled?: boolean } & Partial<
    Pick<
      ModbusPollerOptions,
      | 'connectionFactory'
      | 'concurrency'
      | 'requestTimeoutMs'
      | 'connectTimeoutMs'
      | 'meterBackoff'
      | 'gatewayBackoff'
      | 'reconnectAfterTimeouts'
      | 'random'
    >
  >;
  writer?: Partial<
    Pick<
      ReadingWriterOptions,
      | 'batchSize'
      | 'maxQueue'
      | 'flushIntervalMs'
      | 'retryIntervalMs'
      | 'segmentBytes'
      | 'maxSpoolBytes'
      | 'onCommitted'
    >
  >;
  /** a meter with no reading for this long is 'lost' in meter_status (default 5 min) */
  commLostAfterMs?: number;
  /** how often meter_status is written (default 5 s) */
  statusIntervalMs?: number;
  /** how often the meters table is re-read for added/changed meters (default 60 s; 0 = never) */
  meterReloadIntervalMs?: number;
  /** only these protocols (default both) */
  protocols?: ReadonlyArray<'modbus' | 'mqtt'>;
  metrics?: IngestMetrics;
}

/** Ingest, built: nothing is read, opened or scheduled until start(). */
export interface Ingest {
  readonly metrics: IngestMetrics;
  /** prom-client registry with every ingest metric (serve it on /metrics) */
  readonly registry: IngestMetrics['registry'];
  readonly status: MeterStatusTracker;
  /** the writer, poller and subscriber exist once start() has resolved */
  readonly writer: ReadingWriter;
  readonly poller: ModbusPoller | undefined;
  readonly subscriber: MqttSubscriber | undefined;
  meters(): readonly IngestMeter[];
  /** Loads the meters, opens the writer's spool, connects, starts polling and the status timer. */
  start(): Promise<void>;
  /** Re-reads the meters table and applies it to the poller and subscriber. */
  reloadMeters(): Promise<void>;
  /** Evaluates comm loss and writes meter_status now. */
  writeStatus(): Promise<void>;
  /** Stops polling and subscribing, flushes (or spools) what is queued, writes the status. */
  stop(): Promise<void>;
}

/** @deprecated name kept for callers: ingest after start(). */
export type RunningIngest = Ingest;

const COUNTER_SEED_WINDOW_MS = 2 * 24 * 3600_000;

/** Builds ingest from its options (validated here) without touching the database, disk or network. */
export function buildIngest(options: IngestOptions): Ingest {
  requirePositiveInt('commLostAfterMs', options.commLostAfterMs);
  requirePositiveInt('statusIntervalMs', options.statusIntervalMs);
  if (
    options.meterReloadIntervalMs !== undefined &&
    !(Number.isInteger(options.meterReloadIntervalMs) && options.meterReloadIntervalMs >= 0)
  ) {
    throw badOption('meterReloadIntervalMs must be an integer ≥ 0');
  }
  const { db } = options;
  const clock: Clock = options.clock ?? systemClock;
  const logger = options.logger.child({ component: 'ingest' });
  const metrics = options.metrics ?? createIngestMetrics();
  const instanceId = options.instanceId ?? `${hostname()}-${process.pid}`;
  const statusIntervalMs = options.statusIntervalMs ?? 5000;
  const reloadIntervalMs = options.meterReloadIntervalMs ?? 60_000;
  const protocols = options.protocols ?? ['modbus', 'mqtt'];
  const status = createMeterStatusTracker({
    commLostAfterMs: options.commLostAfterMs ?? 300_000,
    startedAt: clock.now(),
  });
  const counters = createCounterCheck();

  let meters: readonly IngestMeter[] = [];
  const contexts = new Map<number, MeterContext>();
  const useMeters = (list: readonly IngestMeter[]) => {
    meters = list;
    contexts.clear();
    for (const m of meters) contexts.set(m.id, meterContextOf(m));
    status.track(
      meters.map((m) => m.id),
      clock.now(),
    );
  };

  let parts: { writer: ReadingWriter; poller?: ModbusPoller; subscriber?: MqttSubscriber } | undefined;
  const timers: { status?: TimerHandle; reload?: TimerHandle } = {};
  let stopping = false;
  let fullStatusNeeded = true;

  const writeStatus = async () => {
    for (const change of status.evaluate(clock.now())) {
      const meter = meters.find((m) => m.id === change.meterId);
      logger.warn({ meter: meter?.code, from: change.from }, 'meter communication lost');
    }
    const rows = fullStatusNeeded ? status.snapshot() : status.takeDirty();
    if (fullStatusNeeded) status.takeDirty();
    try {
      await upsertMeterStatus(db, rows, instanceId);
      fullStatusNeeded = false;
    } catch (err) {
      fullStatusNeeded = true; // the database is away: write everything next time
      logger.debug({ err }, 'meter_status not written');
    }
  };

  const reloadMeters = async () => {
    useMeters(await loadIngestMeters(db, { protocols }));
    parts?.poller?.setMeters(meters);
    await parts?.subscriber?.setMeters(meters);
  };

  /** A timer that runs `task`, then schedules itself again, until stop(). */
  const every = (slot: keyof typeof timers, intervalMs: number, task: () => Promise<void>) => {
    const schedule = () => {
      if (stopping || intervalMs === 0) return;
      timers[slot] = clock.setTimeout(() => void task().finally(schedule), intervalMs);
    };
    schedule();
  };

  /** Writer, pipeline, poller and subscriber, wired (the writer opens its spool). */
  const assemble = () => {
    const writer = createReadingWriter({
      db,
      logger: options.logger,
      spoolDir: options.spoolDir,
      clock,
      metrics,
      ...options.writer,
    });
    const pipeline = createReadingPipeline({
      writer,
      status,
      counters,
      clock,
      logger: options.logger,
      metrics,
      meterContext: (id) => contexts.get(id),
    });
    try {
      return { writer, ...connectors(writer, pipeline) };
    } catch (err) {
      void writer.close();
      throw err;
    }
  };

  const connectors = (writer: ReadingWriter, pipeline: ReadingPipeline) => {
    const { enabled: modbusEnabled = true, ...modbusOptions } = options.modbus ?? {};
    const poller =
      protocols.includes('modbus') && modbusEnabled
        ? createModbusPoller({ meters, pipeline, status, logger: options.logger, clock, metrics, ...modbusOptions })
        : undefined;
    const subscriber =
      protocols.includes('mqtt') && options.mqttUrl
        ? createMqttSubscriber({
            url: options.mqttUrl,
            clientId: options.mqttClientId ?? `kam-ingest-${instanceId}`,
            logger: options.logger,
            clock,
            pipeline,
            writer,
            metrics,
            meters,
            sharedGroup: options.mqttSharedGroup,
            ...options.mqtt,
          })
        : undefined;
    return { poller, subscriber };
  };

  const started = () => {
    if (!parts) throw new IngestError('INGEST_CONFIG', 'ingest is not started');
    return parts;
  };

  return {
    metrics,
    registry: metrics.registry,
    status,
    get writer() {
      return started().writer;
    },
    get poller() {
      return parts?.poller;
    },
    get subscriber() {
      return parts?.subscriber;
    },
    meters: () => meters,
    async start() {
      if (parts) return;
      useMeters(await loadIngestMeters(db, { protocols }));
      await seedFromDatabase(db, clock.now(), counters, status, logger);
      parts = assemble();
      const { writer, poller, subscriber } = parts;
      try {
        poller?.start();
        await subscriber?.start();
      } catch (err) {
        await poller?.stop();
        await subscriber?.stop().catch(() => {});
        await writer.close();
        parts = undefined;
        throw err;
      }
      every('status', statusIntervalMs, writeStatus);
      every('reload', reloadIntervalMs, () =>
        reloadMeters().catch((err: unknown) => logger.warn({ err }, 'meters not reloaded')),
      );
      logger.info(
        {
          modbusMeters: meters.filter((m) => m.protocol === 'modbus').length,
          mqttMeters: meters.filter((m) => m.protocol === 'mqtt').length,
          mqtt: Boolean(subscriber),
        },
        'ingest started',
      );
    },
    reloadMeters,
    writeStatus,
    async stop() {
      if (stopping) return;
      stopping = true;
      if (timers.status !== undefined) clock.clearTimeout(timers.status);
      if (timers.reload !== undefined) clock.clearTimeout(timers.reload);
      if (!parts) return;
      const { writer, poller, subscriber } = parts;
      await poller?.stop();
      await subscriber?.stop().catch((err: unknown) => logger.warn({ err }, 'MQTT client did not close cleanly'));
      await writer.close();
      await writeStatus();
      logger.info({ writer: writer.stats() }, 'ingest stopped');
    },
  };
}

/** Builds ingest and starts it. */
export async function startIngest(options: IngestOptions): Promise<Ingest> {
  const ingest = buildIngest(options);
  await ingest.start();
  return ingest;
}

function meterContextOf(meter: IngestMeter): MeterContext {
  const context: MeterContext = { code: meter.code, ratedKw: meter.ratedKw ?? undefined };
  if (meter.protocol === 'modbus' && meter.mapName) {
    try {
      const map = getMeterMap(meter.mapName);
      const wrapAt: Partial<Record<CounterField, number>> = {};
      for (const c of COUNTER_FIELDS) {
        if (map.quantities.some((q) => q.key === c)) {
          const w = counterWrapPrimary(map, c as CounterKey, { pt: meter.ptRatio, ct: meter.ctRatio });
          if (w !== undefined) wrapAt[c] = w;
        }
      }
      context.wrapAt = wrapAt;
    } catch {
      // unknown map: the poller reports it; counters are then checked without a wrap point
    }
  }
  return context;
}

/** Last counters and reading time per meter, so checks and comm-loss continue across restarts. */
async function seedFromDatabase(
  db: Db,
  now: number,
  counters: ReturnType<typeof createCounterCheck>,
  status: MeterStatusTracker,
  logger: Logger,
) {
  try {
    const { rows } = await db.query<{
      meter_id: number;
      ts: Date;
      import_kwh: number | null;
      export_kwh: number | null;
      import_kvarh: number | null;
      export_kvarh: number | null;
    }>(
      `SELECT DISTINCT ON (meter_id) meter_id, ts, import_kwh, export_kwh, import_kvarh, export_kvarh
         FROM readings WHERE ts > $1 AND ts <= $2 ORDER BY meter_id, ts DESC`,
      [new Date(now - COUNTER_SEED_WINDOW_MS), new Date(now + 60_000)],
    );
    for (const r of rows) {
      counters.seed(r.meter_id, r.ts, {
        importKwh: r.import_kwh ?? undefined,
        exportKwh: r.export_kwh ?? undefined,
        importKvarh: r.import_kvarh ?? undefined,
        exportKvarh: r.export_kvarh ?? undefined,
      });
      if (status.get(r.meter_id)) status.recordReading(r.meter_id, r.ts.getTime(), now);
    }
  } catch (err) {
    logger.warn({ err }, 'last readings not loaded; counter checks start fresh');
  }
}
