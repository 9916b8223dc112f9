import { type Config } from '../../lib/config/index.ts';
import { createPool, type Db, startEmbeddedTimescale } from '../../lib/db/index.ts';
import { type Logger } from '../../lib/log/index.ts';

/** A database for one-shot commands: DATABASE_URL, or the embedded one in the data folder. */
export async function openDatabase(config: Config, logger: Logger): Promise<{ db: Db; close: () => Promise<void> }> {
  if (config.databaseUrl) {
    const db = createPool(config.databaseUrl, { max: 2, logger });
    return { db, close: () => db.end() };
  }
  const embedded = await startEmbeddedTimescale({
    dataDir: config.embeddedDb.memory ? undefined : config.dataDir,
    logger: logger.child({ component: 'embedded-db' }),
  });
  const db = createPool(embedded.url, { max: 1, logger });
  return {
    db,
    close: async () => {
      await db.end();
      await embedded.stop();
    },
  };
}
