// `kam ingest`: ingest alone, as its own process (architecture.md "Scale beyond one machine").
import { join } from 'node:path';
import { createPool } from '../lib/db/index.ts';
import { type Config } from '../lib/config/index.ts';
import { type Logger } from '../lib/log/index.ts';
import { runUntilSignal } from '../lib/process/index.ts';
import { IngestError } from './errors.ts';
import { startIngest } from './ingest-service.ts';

/**
 * Runs ingest until SIGINT/SIGTERM; resolves with the exit code. Needs DATABASE_URL: the
 * embedded database takes one connection and lives inside `kam start`, which runs ingest
 * itself. Without MQTT_URL only Modbus meters are read.
 */
export async function runIngestCommand(config: Config, logger: Logger): Promise<number> {
  if (!config.databaseUrl) {
    throw new IngestError(
      'INGEST_CONFIG',
      'kam ingest needs DATABASE_URL (a TimescaleDB server); in embedded mode `kam start` runs ingest in-process',
    );
  }
  const db = createPool(config.databaseUrl, { max: 4, logger, applicationName: 'kam-ingest' });
  if (!config.mqttUrl) logger.warn('MQTT_URL not set: MQTT meters are not read by this process');
  let ingest;
  try {
    ingest = await startIngest({
      db,
      logger,
      spoolDir: join(config.dataDir, 'spool'),
      mqttUrl: config.mqttUrl,
      instanceId: config.instanceId,
    });
  } catch (err) {
    await db.end();
    throw err;
  }
  const running = ingest;
  return runUntilSignal(
    logger,
    async () => {
      await running.stop();
      await db.end();
    },
    'stopping ingest',
  );
}
