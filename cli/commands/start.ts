import type { Config, Logger } from '../../lib/index.ts';
import { startSystem } from '../../services/system/index.ts';

export async function runStart({ config, logger }: { config: Config; logger: Logger }): Promise<number> {
  const system = await startSystem(config, logger);
  logger.info(
    { http: system.httpUrl, mqtt: system.mqttUrl, database: config.databaseUrl ? 'external' : 'embedded' },
    `Key-Account Monitor is up: dashboard ${system.httpUrl}, MQTT ${system.mqttUrl}`,
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second Ctrl-C while stopping: the operator insists.
        logger.warn({ signal }, 'forced exit');
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, 'stopping');
      system.stop().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'unclean stop');
          resolve(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
