import type { Config, Logger } from '../../lib/index.ts';
import { startSystem } from '../../services/system/index.ts';

const REPEATED_SIGNAL_GRACE_MS = 1000;

export async function runStart({ config, logger }: { config: Config; logger: Logger }): Promise<number> {
  const system = await startSystem(config, logger);
  logger.info(
    { http: system.httpUrl, mqtt: system.mqttUrl, database: config.databaseUrl ? 'external' : 'embedded' },
    `Key-Account Monitor is up: dashboard ${system.httpUrl}, MQTT ${system.mqttUrl}`,
  );

  return new Promise<number>((resolve) => {
    let firstSignalAt: number | undefined;
    const shutdown = (signal: NodeJS.Signals) => {
      if (firstSignalAt !== undefined) {
        // The same Ctrl-C can arrive twice within milliseconds (from the terminal and relayed by
        // npm); only a later one means the operator insists.
        if (Date.now() - firstSignalAt < REPEATED_SIGNAL_GRACE_MS) return;
        logger.warn({ signal }, 'forced exit');
        process.exit(1);
      }
      firstSignalAt = Date.now();
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
