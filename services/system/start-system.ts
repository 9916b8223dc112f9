import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Config } from '../../lib/config/index.ts';
import { createPool, type Db, migrate, startEmbeddedTimescale } from '../../lib/db/index.ts';
import { type Fleet, loadFleet, readFleetFile } from '../../lib/fleet/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../lib/mqtt/index.ts';
import { buildIngest, type Ingest } from '../../ingest/index.ts';
import { loadAlertChanges } from '../alerts/index.ts';
import { buildApi, deleteExpiredSessions, ensureDemoUsers, formatDemoCredentials } from '../api/index.ts';
import { createJobRunner, type JobRunner } from '../jobs/index.ts';
import { createNotifier, type NotifyChannel, notifyConfigFromEnv } from '../notify/index.ts';
import { createRulesService, type RulesService } from '../rules/index.ts';
import { startDemoSimulators } from './demo-simulators.ts';

/** What this process runs, shown on /status and in `kam status`; filled in as the system starts. */
export interface SystemComponents {
  database?: { mode: 'embedded'; dataDir: string } | { mode: 'external' };
  mqtt?: { mode: 'embedded'; url: string } | { mode: 'external' };
  simulators?: { meters: number };
  ingest?: { meters: number };
  alerts?: { rulesIntervalMs: number; channels: readonly NotifyChannel[] };
  jobs?: { timescaleJobs: 'server scheduler' | 'in-process runner' };
  http?: { url: string };
}

export interface RunningSystem {
  readonly db: Db;
  readonly databaseUrl: string;
  readonly mqttUrl: string;
  readonly httpUrl: string;
  readonly jobs: JobRunner;
  readonly ingest: Ingest;
  readonly rules: RulesService;
  readonly components: SystemComponents;
  stop(): Promise<void>;
}

export interface System {
  readonly components: SystemComponents;
  /** Starts every part in order; on a failure stops what had started and rethrows. */
  start(): Promise<RunningSystem>;
}

/** How often expired login sessions are deleted (at minute 17 of every hour). */
const EXPIRED_SESSIONS_CRON = '17 * * * *';

/**
 * Both ways to run (architecture.md): embedded pieces stand in for whatever is not configured.
 * Building validates the settings and opens nothing; start() runs the parts in order, each
 * handing what it made (database URL, pool, broker URL, fleet) to the next.
 */
export function buildSystem(config: Config, logger: Logger): System {
  // Validate the notifier settings before anything starts: a bad value names its variable.
  const notifyConfig = notifyConfigFromEnv(config.notifyEnv);
  const components: SystemComponents = {};

  async function start(): Promise<RunningSystem> {
    const stack: Array<{ name: string; stop: () => Promise<unknown> }> = [];
    const started: StartContext['started'] = (name, part, stop) => {
      stack.push({ name, stop: () => stop(part) });
      return part;
    };
    const context: StartContext = { config, logger, components, started };
    const stopAll = async () => {
      for (const { name, stop } of stack.reverse()) {
        try {
          await stop();
        } catch (err) {
          logger.error({ err, component: name }, 'component failed to stop');
        }
      }
      stack.length = 0;
    };

    try {
      const databaseUrl = await startDatabase(context);
      // One connection at a time is all the embedded server takes (architecture.md).
      const db = started('db-pool', createPool(databaseUrl, { max: config.databaseUrl ? 10 : 1, logger }), (p) =>
        p.end(),
      );
      await migrate(db, { logger: logger.child({ component: 'migrate' }) });
      const fleet = await loadFleetFile(db, config.fleetFile, logger);
      const mqttUrl = await startBroker(context);

      if (config.demo && fleet) {
        const sim = started(
          'demo-simulators',
          await startDemoSimulators({
            db,
            fleet,
            mqttUrl,
            scenarioFile: config.demoScenarioFile,
            logger: logger.child({ component: 'demo-simulators' }),
          }),
          (s) => s.stop(),
        );
        components.simulators = { meters: sim.meters.length };
      }

      // In-process bus for the live stream (embedded mode has one database connection, so no
      // LISTEN/NOTIFY): ingest and the rules publish only what they have committed.
      const events = new EventEmitter();
      events.setMaxListeners(0);
      const ingest = buildIngest({
        db,
        logger: logger.child({ component: 'ingest' }),
        spoolDir: join(config.dataDir, 'spool'),
        mqttUrl,
        instanceId: config.instanceId,
        writer: { onCommitted: (readings) => events.emit('reading', readings) },
      });
      await ingest.start();
      started('ingest', ingest, (i) => i.stop());
      components.ingest = { meters: ingest.meters().length };

      const rules = createRulesService({
        db,
        logger,
        config: { notify: notifyConfig },
        intervalMs: config.rulesIntervalMs,
        onCommitted: ({ opened, cleared }) => {
          loadAlertChanges(db, [...opened, ...cleared])
            .then((changes) => {
              for (const change of changes) events.emit('alert', change);
            })
            .catch((err: unknown) => logger.warn({ err }, 'alert changes not published to the live stream'));
        },
      });
      rules.start();
      started('rules', rules, (r) => r.stop());
      const notifier = createNotifier({ db, logger, config: notifyConfig });
      notifier.start();
      started('notifier', notifier, (n) => n.stop());
      components.alerts = { rulesIntervalMs: config.rulesIntervalMs, channels: notifier.channels };

      const jobs = started(
        'jobs',
        createJobRunner({
          db,
          logger: logger.child({ component: 'jobs' }),
          runTimescaleJobs: !config.databaseUrl,
          timescaleCron: config.jobsCron,
        }),
        (j) => j.stop(),
      );
      jobs.schedule('expired-sessions', EXPIRED_SESSIONS_CRON, async () => {
        await deleteExpiredSessions(db);
      });
      components.jobs = { timescaleJobs: config.databaseUrl ? 'server scheduler' : 'in-process runner' };

      const demoUsers = config.demo ? await ensureDemoUsers(db, { password: config.demoPassword }) : [];
      const api = await buildApi({
        db,
        logger,
        components: () => ({ ...components }),
        events,
        metricsRegistries: [ingest.registry],
        auth: {
          secureCookies: config.auth.secureCookies,
          ...(config.auth.sessionTtlS ? { sessionTtlS: config.auth.sessionTtlS } : {}),
        },
      });
      await api.listen({ port: config.http.port, host: config.http.host });
      started('api', api, (a) => a.close());
      const { port } = api.server.address() as AddressInfo;
      const httpUrl = `http://localhost:${port}`;
      components.http = { url: httpUrl };
      if (demoUsers.length > 0) logger.info(`\n${formatDemoCredentials(demoUsers, httpUrl)}`);

      return { db, databaseUrl, mqttUrl, httpUrl, jobs, ingest, rules, components, stop: stopAll };
    } catch (err) {
      await stopAll();
      throw err;
    }
  }

  return { components, start };
}

/** Builds the system and starts it. */
export function startSystem(config: Config, logger: Logger): Promise<RunningSystem> {
  return buildSystem(config, logger).start();
}

/** What each start step gets: the settings, the log, the components to fill in, and `started` to register a part's stop. */
interface StartContext {
  config: Config;
  logger: Logger;
  components: SystemComponents;
  started: <T>(name: string, part: T, stop: (part: T) => Promise<unknown>) => T;
}

/** DATABASE_URL, or an embedded TimescaleDB in the data folder (or memory). */
async function startDatabase({ config, logger, components, started }: StartContext): Promise<string> {
  if (config.databaseUrl) {
    components.database = { mode: 'external' };
    return config.databaseUrl;
  }
  const embedded = started(
    'embedded-db',
    await startEmbeddedTimescale({
      dataDir: config.embeddedDb.memory ? undefined : config.dataDir,
      port: config.embeddedDb.port,
      logger: logger.child({ component: 'embedded-db' }),
    }),
    (e) => e.stop(),
  );
  components.database = { mode: 'embedded', dataDir: embedded.dataDir ?? ':memory:' };
  return embedded.url;
}

/** MQTT_URL, or an embedded broker. */
async function startBroker({ config, logger, components, started }: StartContext): Promise<string> {
  if (config.mqttUrl) {
    components.mqtt = { mode: 'external' };
    return config.mqttUrl;
  }
  const broker = started('embedded-mqtt', await startBrokerPreferringPort(config.embeddedMqttPort, logger), (b) =>
    b.stop(),
  );
  components.mqtt = { mode: 'embedded', url: broker.url };
  return broker.url;
}

/** The fleet file, loaded idempotently; none is an empty fleet. */
async function loadFleetFile(db: Db, fleetFile: string, logger: Logger): Promise<Fleet | undefined> {
  if (!existsSync(fleetFile)) {
    logger.warn({ fleetFile }, 'no fleet file; starting with an empty fleet');
    return undefined;
  }
  const fleet = readFleetFile(fleetFile);
  await loadFleet(db, fleet, logger.child({ component: 'fleet' }));
  return fleet;
}

/** Port 1883 is often taken by a local Mosquitto; fall back to a free port rather than fail. */
async function startBrokerPreferringPort(port: number, logger: Logger): Promise<EmbeddedBroker> {
  const log = logger.child({ component: 'embedded-mqtt' });
  try {
    return await startEmbeddedBroker({ port, logger: log });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || port === 0) throw err;
    log.warn({ port }, 'MQTT port in use; embedded broker takes a free port instead (set KAM_MQTT_PORT)');
    return startEmbeddedBroker({ port: 0, logger: log });
  }
}
