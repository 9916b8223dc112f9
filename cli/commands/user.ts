import { parseArgs } from 'node:util';
import { type Config } from '../../lib/config/index.ts';
import { KamError } from '../../lib/domain/index.ts';
import { type Logger } from '../../lib/log/index.ts';
import { migrate } from '../../lib/db/index.ts';
import {
  generatePassword,
  hashPassword,
  PASSWORD_MIN_LENGTH,
  ROLES,
  type Role,
  upsertUser,
} from '../../services/api/index.ts';
import { openDatabase } from './open-database.ts';

const USAGE = `kam user add <username> --role <${ROLES.join('|')}> [--manager <code>] [--account <code>] [--name <display name>]

Creates the user (or resets its role, links and password). The password is read from
KAM_NEW_PASSWORD (≥ ${PASSWORD_MIN_LENGTH} characters) or generated and printed once.
An account_manager needs --manager, a customer needs --account.`;

/** `kam user add`: the first admin of a production install, and any later user from the shell. */
export async function runUser({
  config,
  logger,
  args,
  env = process.env,
}: {
  config: Config;
  logger: Logger;
  args: string[];
  env?: Record<string, string | undefined>;
}): Promise<number> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      manager: { type: 'string' },
      account: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  const [verb, username] = positionals;
  if (values.help || verb !== 'add' || !username) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  const role = values.role as Role | undefined;
  if (!role || !ROLES.includes(role))
    throw new KamError('CLI_INVALID_ARGUMENT', `--role must be one of ${ROLES.join(', ')}`);
  const given = env.KAM_NEW_PASSWORD;
  if (given !== undefined && given.length < PASSWORD_MIN_LENGTH) {
    throw new KamError('CLI_INVALID_ARGUMENT', `KAM_NEW_PASSWORD must have at least ${PASSWORD_MIN_LENGTH} characters`);
  }
  const password = given ?? generatePassword();

  const { db, close } = await openDatabase(config, logger.child({}, { level: 'warn' }));
  try {
    await migrate(db);
    const lookup = async (table: 'managers' | 'accounts', code: string | undefined) => {
      if (!code) return null;
      const { rows } = await db.query<{ id: number }>(`SELECT id FROM ${table} WHERE code = $1`, [code]);
      if (!rows[0]) throw new KamError('CLI_INVALID_ARGUMENT', `no ${table.slice(0, -1)} with code "${code}"`);
      return rows[0].id;
    };
    const user = await upsertUser(db, {
      username,
      displayName: values.name ?? username,
      role,
      managerId: await lookup('managers', values.manager),
      accountId: await lookup('accounts', values.account),
      passwordHash: await hashPassword(password),
    });
    console.log(`user ${user.username} (${user.role}) saved`);
    if (given === undefined) console.log(`password: ${password}`);
    return 0;
  } finally {
    await close();
  }
}
