import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { join } from 'node:path';
import { createPool, type Db, migrate, MIGRATIONS_DIR, startEmbeddedTimescale } from '../../lib/db/index.ts';
import { loadFleet, readFleetFile } from '../../lib/fleet/index.ts';

/**
 * The database backends every database test runs against (conventions §14: one contract suite).
 * The embedded TimescaleDB always; a TimescaleDB server when KAM_TEST_TIMESCALE_URL names one
 * (an admin URL: the suite creates and drops its own database there).
 */
export interface TestDatabase {
  db: Db;
  url: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** the URL the pool connects to, given the server's (e.g. through a TCP proxy that can cut it) */
  connectVia?: (url: string) => string | Promise<string>;
}

export interface Backend {
  name: string;
  /** a new, empty database (no migrations) */
  open(options?: OpenOptions): Promise<TestDatabase>;
}

export const embeddedBackend: Backend = {
  name: 'embedded TimescaleDB (PGlite)',
  async open(options = {}) {
    const embedded = await startEmbeddedTimescale();
    const db = createPool(await connectUrl(embedded.url, options), { max: 1 });
    return {
      db,
      url: embedded.url,
      async close() {
        await db.end().catch(() => {});
        await embedded.stop();
      },
    };
  },
};

const externalUrl = process.env.KAM_TEST_TIMESCALE_URL;

export const externalBackend: Backend | undefined = externalUrl
  ? {
      name: 'TimescaleDB server (KAM_TEST_TIMESCALE_URL)',
      async open(options = {}) {
        const name = `kam_test_${randomBytes(4).toString('hex')}`;
        const admin = new pg.Client({ connectionString: externalUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const url = new URL(externalUrl);
        url.pathname = `/${name}`;
        // the fixture creates the extension until the migrations do (architecture.md)
        const setup = new pg.Client({ connectionString: url.toString() });
        await setup.connect();
        await setup.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
        await setup.end();
        const db = createPool(await connectUrl(url.toString(), options), { max: 4 });
        return {
          db,
          url: url.toString(),
          async close() {
            await db.end().catch(() => {});
            const cleanup = new pg.Client({ connectionString: externalUrl });
            await cleanup.connect();
            await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            await cleanup.end();
          },
        };
      },
    }
  : undefined;

if (!externalBackend) {
  console.info('[databases] KAM_TEST_TIMESCALE_URL not set: external TimescaleDB contract tests are skipped');
}

export const BACKENDS: Backend[] = [embeddedBackend, ...(externalBackend ? [externalBackend] : [])];

async function connectUrl(url: string, options: OpenOptions): Promise<string> {
  return options.connectVia ? options.connectVia(url) : url;
}

export const DEMO_FLEET_FILE = join(MIGRATIONS_DIR, '..', 'fleet', 'demo-fleet.json');

/**
 * The suite's one migrated-database fixture: a new database of `backend` with every migration
 * applied and, with `fleet`, the demo fleet loaded. Tests that touch SQL open their database
 * here, once per backend of BACKENDS (`describe.each(BACKENDS)`), so every SQL path runs on
 * the embedded TimescaleDB and, when KAM_TEST_TIMESCALE_URL is set, on a TimescaleDB server.
 */
export async function openMigratedDatabase(
  backend: Backend,
  options: OpenOptions & { fleet?: boolean } = {},
): Promise<TestDatabase> {
  const t = await backend.open(options);
  try {
    await migrate(t.db);
    if (options.fleet) await loadFleet(t.db, readFleetFile(DEMO_FLEET_FILE));
  } catch (err) {
    await t.close();
    throw err;
  }
  return t;
}
