#!/usr/bin/env -S npx tsx
import { parseArgs } from 'node:util';
import { ConfigError, KamError } from '../lib/domain/index.ts';
import { loadConfig, type Config } from '../lib/config/index.ts';
import { createLogger, type Logger } from '../lib/log/index.ts';
import { runMigrate } from './commands/migrate.ts';
import { runStart } from './commands/start.ts';
import { runStatus } from './commands/status.ts';
import { runIngestCommand } from '../ingest/index.ts';
import { runSimCommand } from '../simulators/index.ts';
import { runAlerts, runRules } from './commands/alerts.ts';
import { runUser } from './commands/user.ts';

const USAGE = `kam — Key-Account Monitor

Usage: kam <command> [options]

Commands:
  start            run the whole system (embedded database and broker unless
                   DATABASE_URL / MQTT_URL are set), with the demo fleet
  migrate          apply pending database migrations and exit
  status [--json]  what is running, the database, fleet counts
  rules            rules service and notifier alone
  alerts           list open alerts
  user add <name> --role <role>
                   create a user (the first admin of a production install)
  ingest           ingest alone (Modbus poller + MQTT subscriber) against DATABASE_URL
  sim [options]    a simulated meter fleet (kam sim --help)
  help             this text

Configuration comes from environment variables (see README): DATABASE_URL, MQTT_URL,
PORT, KAM_DATA_DIR, LOG_LEVEL, ...`;

type Command = (ctx: { config: Config; logger: Logger; args: string[] }) => Promise<number | void>;

const COMMANDS: Record<string, Command> = {
  start: runStart,
  migrate: runMigrate,
  status: runStatus,
  ingest: ({ config, logger }) => runIngestCommand(config, logger),
  rules: runRules,
  alerts: runAlerts,
  user: runUser,
  sim: async ({ logger, args }) => {
    await runSimCommand(args, { logger });
  },
};

async function main(argv: string[]): Promise<number> {
  const { positionals } = parseArgs({ args: argv.slice(0, 1), allowPositionals: true, strict: false });
  const name = positionals[0] ?? 'help';
  if (name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`kam: unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  return (await command({ config, logger, args: argv.slice(1) })) ?? 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exitCode = 2;
    } else if (err instanceof KamError) {
      console.error(`kam: ${err.message} [${err.code}]`);
      process.exitCode = 1;
    } else {
      console.error(err);
      process.exitCode = 1;
    }
  },
);
