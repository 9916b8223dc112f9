import { type Config } from '../../lib/config/index.ts';
import { type Logger } from '../../lib/log/index.ts';
import { runUntilSignal } from '../../lib/process/index.ts';
import { startSystem } from '../../services/system/index.ts';

export async function runStart({ config, logger }: { config: Config; logger: Logger }): Promise<number> {
  const system = await startSystem(config, logger);
  logger.info(
    { http: system.httpUrl, mqtt: system.mqttUrl, database: config.databaseUrl ? 'external' : 'embedded' },
    `Key-Account Monitor is up: dashboard ${system.httpUrl}, MQTT ${system.mqttUrl}`,
  );
  return runUntilSignal(logger, () => system.stop());
}
