import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, type Db, startEmbeddedTimescale } from '../../lib/db/index.ts';

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

export interface Backend {
  name: string;
  open(): Promise<TestDatabase>;
}

export const embeddedBackend: Backend = {
  name: 'embedded TimescaleDB (PGlite)',
  async open() {
    const embedded = await startEmbeddedTimescale();
    const db = createPool(embedded.url, { max: 1 });
    return {
      db,
      url: embedded.url,
      async close() {
        await db.end();
        await embedded.stop();
      },
    };
  },
};

const externalUrl = process.env.KAM_TEST_TIMESCALE_URL;

export const externalBackend: Backend | undefined = externalUrl
  ? {
      name: 'TimescaleDB server (KAM_TEST_TIMESCALE_URL)',
      async open() {
        const name = `kam_test_${randomBytes(4).toString('hex')}`;
        const admin = new pg.Client({ connectionString: externalUrl });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const url = new URL(externalUrl);
        url.pathname = `/${name}`;
        const db = createPool(url.toString(), { max: 4 });
        await db.query('CREATE EXTENSION IF NOT EXISTS timescaledb');
        return {
          db,
          url: url.toString(),
          async close() {
            await db.end();
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
