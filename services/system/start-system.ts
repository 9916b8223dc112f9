import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type Config } from '../../lib/config/index.ts';
import { createPool, type Db, migrate, startEmbeddedTimescale } from '../../lib/db/index.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../lib/mqtt/index.ts';
import { type Logger } from '../../lib/log/index.ts';
import { loadFleet, readFleetFile } from '../../lib/fleet/index.ts';
import { startIngest, type RunningIngest } from '../../ingest/index.ts';
import { EventEmitter } from 'node:events';
import { loadAlertChanges } from '../alerts/index.ts';
import { buildApi, ensureDemoUsers, formatDemoCredentials } from '../api/index.ts';
import { createJobRunner, type JobRunner } from '../jobs/index.ts';
import { createNotifier, notifyConfigFromEnv } from '../notify/index.ts';
import { startRulesService, type RulesService } from '../rules/index.ts';
import { startDemoSimulators } from './demo-simulators.ts';

export interface RunningSystem {
  readonly db: Db;
  readonly databaseUrl: string;
  readonly mqttUrl: string;
  readonly httpUrl: string;
  readonly jobs: JobRunner;
  readonly ingest: RunningIngest;
  readonly rules: RulesService;
  stop(): Promise<void>;
}

/** Both ways to run (architecture.md): embedded pieces stand in for whatever is not configured. */
export async function startSystem(config: Config, logger: Logger): Promise<RunningSystem> {
  const stack: Array<{ name: string; stop: () => Promise<unknown> }> = [];
  const components: Record<string, unknown> = {};
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

  // Validate the notifier settings before anything starts: a bad value names its variable.
  const notifyConfig = notifyConfigFromEnv(config.notifyEnv);
  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const embedded = await startEmbeddedTimescale({
        dataDir: config.embeddedDb.memory ? undefined : config.dataDir,
        port: config.embeddedDb.port,
        logger: logger.child({ component: 'embedded-db' }),
      });
      stack.push({ name: 'embedded-db', stop: () => embedded.stop() });
      databaseUrl = embedded.url;
      components.database = { mode: 'embedded', dataDir: embedded.dataDir ?? ':memory:' };
    } else {
      components.database = { mode: 'external' };
    }

    // One connection at a time is all the embedded server takes (architecture.md).
    const db = createPool(databaseUrl, { max: config.databaseUrl ? 10 : 1, logger });
    stack.push({ name: 'db-pool', stop: () => db.end() });

    await migrate(db, { logger: logger.child({ component: 'migrate' }) });
    const fleet = existsSync(config.fleetFile) ? readFleetFile(config.fleetFile) : undefined;
    if (fleet) {
      await loadFleet(db, fleet, logger.child({ component: 'fleet' }));
    } else {
      logger.warn({ fleetFile: config.fleetFile }, 'no fleet file; starting with an empty fleet');
    }

    let mqttUrl = config.mqttUrl;
    if (!mqttUrl) {
      const broker = await startBrokerPreferringPort(config.embeddedMqttPort, logger);
      stack.push({ name: 'embedded-mqtt', stop: () => broker.stop() });
      mqttUrl = broker.url;
      components.mqtt = { mode: 'embedded', url: broker.url };
    } else {
      components.mqtt = { mode: 'external' };
    }

    if (config.demo && fleet) {
      const sim = await startDemoSimulators({
        db,
        fleet,
        mqttUrl,
        scenarioFile: config.demoScenarioFile,
        logger: logger.child({ component: 'demo-simulators' }),
      });
      stack.push({ name: 'demo-simulators', stop: () => sim.stop() });
      components.simulators = { meters: sim.meters.length };
    }

    // In-process bus for the live stream (embedded mode has one database connection, so no
    // LISTEN/NOTIFY): ingest and the rules publish only what they have committed.
    const events = new EventEmitter();
    events.setMaxListeners(0);
    const ingest = await startIngest({
      db,
      logger: logger.child({ component: 'ingest' }),
      spoolDir: join(config.dataDir, 'spool'),
      mqttUrl,
      instanceId: config.instanceId,
      writer: { onCommitted: (readings) => events.emit('reading', readings) },
    });
    stack.push({ name: 'ingest', stop: () => ingest.stop() });
    components.ingest = { meters: ingest.meters().length };

    const rules = startRulesService({
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
    stack.push({ name: 'rules', stop: () => rules.stop() });
    const notifier = createNotifier({ db, logger, config: notifyConfig });
    notifier.start();
    stack.push({ name: 'notifier', stop: () => notifier.stop() });
    components.alerts = { rulesIntervalMs: config.rulesIntervalMs, channels: notifier.channels };

    const jobs = createJobRunner({
      db,
      logger: logger.child({ component: 'jobs' }),
      runTimescaleJobs: !config.databaseUrl,
      timescaleCron: config.jobsCron,
    });
    stack.push({ name: 'jobs', stop: () => jobs.stop() });
    components.jobs = { timescaleJobs: config.databaseUrl ? 'server scheduler' : 'in-process runner' };

    const demoUsers = config.demo ? await ensureDemoUsers(db, { password: config.demoPassword }) : [];
    const api = await buildApi({
      db,
      logger,
      components: () => components,
      events,
      metricsRegistries: [ingest.registry],
      auth: {
        secureCookies: config.auth.secureCookies,
        ...(config.auth.sessionTtlS ? { sessionTtlS: config.auth.sessionTtlS } : {}),
      },
    });
    await api.listen({ port: config.http.port, host: config.http.host });
    stack.push({ name: 'api', stop: () => api.close() });
    const { port } = api.server.address() as AddressInfo;
    const httpUrl = `http://localhost:${port}`;
    components.http = { url: httpUrl };
    if (demoUsers.length > 0) logger.info(`\n${formatDemoCredentials(demoUsers, httpUrl)}`);

    return {
      db,
      databaseUrl,
      mqttUrl,
      httpUrl,
      jobs,
      ingest,
      rules,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
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
