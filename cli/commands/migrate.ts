import { type Config } from '../../lib/config/index.ts';
import { type Logger } from '../../lib/log/index.ts';
import { migrate } from '../../lib/db/index.ts';
import { openDatabase } from './open-database.ts';

export async function runMigrate({ config, logger }: { config: Config; logger: Logger }): Promise<number> {
  const { db, close } = await openDatabase(config, logger);
  try {
    const result = await migrate(db, { logger });
    console.log(`applied ${result.applied.length} migration(s), ${result.skipped.length} already applied`);
    for (const name of result.applied) console.log(`  + ${name}`);
    return 0;
  } finally {
    await close();
  }
}
