import { parseArgs } from 'node:util';
import { type Config } from '../../lib/config/index.ts';
import { DatabaseError, type FleetStatus, migrate, readFleetStatus } from '../../lib/db/index.ts';
import { type Logger } from '../../lib/log/index.ts';
import { openDatabase } from './open-database.ts';

interface StatusReport {
  running: boolean;
  source: string;
  components?: Record<string, unknown>;
  fleet: FleetStatus;
}

/** Asks a running `kam start` first (it owns the embedded database), else opens the database. */
export async function runStatus({
  config,
  logger,
  args,
}: {
  config: Config;
  logger: Logger;
  args: string[];
}): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
  const report = (await askRunningInstance(config)) ?? (await readDatabaseDirectly(config, logger));
  if (!report) return 1;
  if (values.json) {
    console.log(JSON.stringify(report, null, 2));
    return 0;
  }
  const f = report.fleet;
  console.log(`Key-Account Monitor — ${report.running ? 'running' : 'not running'} (${report.source})`);
  if (report.components) {
    for (const [name, info] of Object.entries(report.components))
      console.log(`  ${name.padEnd(10)} ${JSON.stringify(info)}`);
  }
  console.log(`  schema      version ${f.schemaVersion ?? 'none'}`);
  console.log(`  managers    ${f.managers}`);
  console.log(`  accounts    ${f.accounts} (${f.keyAccounts} key accounts)`);
  console.log(`  meters      ${f.meters}`);
  console.log(`  readings    ${f.readings}${f.lastReadingAt ? `, last at ${f.lastReadingAt}` : ''}`);
  console.log(`  alerts      ${f.openAlerts} open`);
  console.log(`  dead letters ${f.deadLetters}`);
  return 0;
}

async function askRunningInstance(config: Config): Promise<StatusReport | undefined> {
  const url = `http://127.0.0.1:${config.http.port}/status`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(1500) });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { components: Record<string, unknown>; fleet: FleetStatus };
    return { running: true, source: url, components: body.components, fleet: body.fleet };
  } catch {
    return undefined;
  }
}

async function readDatabaseDirectly(config: Config, logger: Logger): Promise<StatusReport | undefined> {
  try {
    const { db, close } = await openDatabase(config, logger.child({}, { level: 'warn' }));
    try {
      await migrate(db);
      return {
        running: false,
        source: config.databaseUrl ? 'DATABASE_URL' : `data folder ${config.dataDir}`,
        fleet: await readFleetStatus(db),
      };
    } finally {
      await close();
    }
  } catch (err) {
    if (err instanceof DatabaseError && err.code === 'DB_DATA_DIR_LOCKED') {
      console.error(
        `${err.message}\nA kam process holds the data folder but does not answer on port ${config.http.port}; set PORT to its port.`,
      );
      return undefined;
    }
    throw err;
  }
}
