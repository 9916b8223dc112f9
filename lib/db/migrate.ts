import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationError } from '../domain/index.ts';
import type { Logger } from '../log/index.ts';
import type { Db, DbClient } from './pool.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

const FILE_PATTERN = /^(\d{3,})_([a-z0-9_]+)\.sql$/;
// A file may opt out of the wrapping transaction (some DDL refuses to run in one).
const NO_TRANSACTION = /^--\s*kam:no-transaction\b/m;
// Serialises migrators when several processes start at once against one server.
const ADVISORY_LOCK_KEY = 7_426_150_001;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  const files = readdirSync(dir).filter((f) => f.endsWith('.sql'));
  const migrations = files.map((file) => {
    const match = FILE_PATTERN.exec(file);
    if (!match) {
      throw new MigrationError('MIGRATION_BAD_NAME', `migration file ${file} must be named NNN_snake_name.sql`);
    }
    const sql = readFileSync(join(dir, file), 'utf8');
    return {
      version: Number(match[1]),
      name: file,
      sql,
      checksum: createHash('sha256').update(sql).digest('hex'),
    };
  });
  migrations.sort((a, b) => a.version - b.version);
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new MigrationError(
        'MIGRATION_DUPLICATE_VERSION',
        `migrations ${migrations[i - 1]!.name} and ${migrations[i]!.name} share version ${migrations[i]!.version}`,
      );
    }
  }
  return migrations;
}

/**
 * Applies pending migrations in order, each exactly once and inside its own transaction,
 * recording a checksum. An applied file whose content changed is refused: schema history is
 * append-only; write a new migration instead.
 */
export async function migrate(db: Db, options: { dir?: string; logger?: Logger } = {}): Promise<MigrationResult> {
  const migrations = readMigrations(options.dir);
  const client = await db.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [ADVISORY_LOCK_KEY]);
    try {
      return await applyPending(client, migrations, options.logger);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ADVISORY_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

async function applyPending(client: DbClient, migrations: MigrationFile[], logger?: Logger): Promise<MigrationResult> {
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      checksum   text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
    'SELECT version, name, checksum FROM schema_migrations ORDER BY version',
  );
  const applied = new Map(rows.map((r) => [r.version, r]));
  const result: MigrationResult = { applied: [], skipped: [] };

  for (const m of migrations) {
    const done = applied.get(m.version);
    if (done) {
      if (done.checksum !== m.checksum) {
        throw new MigrationError(
          'MIGRATION_CHECKSUM_MISMATCH',
          `migration ${m.name} was changed after it was applied (recorded ${done.checksum.slice(0, 12)}, ` +
            `file ${m.checksum.slice(0, 12)}); add a new migration instead of editing an applied one`,
        );
      }
      result.skipped.push(m.name);
      continue;
    }
    const inTransaction = !NO_TRANSACTION.test(m.sql);
    try {
      if (inTransaction) await client.query('BEGIN');
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
        m.version,
        m.name,
        m.checksum,
      ]);
      if (inTransaction) await client.query('COMMIT');
    } catch (err) {
      if (inTransaction) await client.query('ROLLBACK').catch(() => {});
      throw new MigrationError('MIGRATION_FAILED', `migration ${m.name} failed: ${(err as Error).message}`, {
        cause: err,
      });
    }
    logger?.info({ migration: m.name }, 'migration applied');
    result.applied.push(m.name);
  }
  const known = new Set(migrations.map((m) => m.version));
  const unknown = rows.filter((r) => !known.has(r.version));
  if (unknown.length > 0) {
    logger?.warn({ migrations: unknown.map((r) => r.name) }, 'database has migrations this build does not know');
  }
  return result;
}
