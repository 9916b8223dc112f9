import pg from 'pg';
import type { Logger } from '../log/index.ts';

// Timestamps come back as JS Dates (timestamptz) and bigints/numerics as numbers: counters in
// kWh fit comfortably in a double; ids are int4/int8 well below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

export type DbClient = pg.PoolClient;

/** The narrow database surface the project uses; `pg` underneath, against any server. */
export interface Db {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  connect(): Promise<DbClient>;
  end(): Promise<void>;
}

/**
 * What a repository function takes: the pool, or the one client of a transaction (with the
 * embedded database's single connection, code inside withTransaction must use only its client).
 */
export type Queryable = Pick<Db, 'query'>;

export interface PoolOptions {
  /** The embedded database accepts one connection at a time (architecture.md): use 1. */
  max: number;
  logger?: Logger;
  applicationName?: string;
}

const CONNECT_ATTEMPTS = 5;
const CONNECT_RETRY_MS = 50;

class KamPool implements Db {
  readonly #pool: pg.Pool;
  readonly #logger: Logger | undefined;

  constructor(url: string, options: PoolOptions) {
    this.#logger = options.logger;
    this.#pool = new pg.Pool({
      connectionString: url,
      max: options.max,
      application_name: options.applicationName ?? 'key-account-monitor',
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 0,
    });
    // An idle client losing its server (database restart) must not crash the process; the
    // pool replaces it on the next query.
    this.#pool.on('error', (err) => options.logger?.warn({ err }, 'idle database connection lost'));
  }

  /**
   * Unlike pg.Pool#query, an SQL error (constraint violation, bad input) does not destroy the
   * connection: the embedded server takes one connection at a time and refuses a new one
   * until it has noticed the old one closing. Broken connections are still discarded by pg-pool
   * (it checks the client's state on release).
   */
  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    const client = await this.connect();
    let failure: Error | undefined;
    try {
      return await client.query<R>(text, values);
    } catch (err) {
      // An SQL error leaves the connection usable (keep it: see above); anything else means the
      // connection is gone and the client must not go back to the pool.
      if (!isSqlError(err)) failure = err as Error;
      throw err;
    } finally {
      client.release(failure);
    }
  }

  /**
   * Checks out a client that cannot crash the process: a connection lost while the client is
   * checked out emits 'error' on it, which pg leaves unhandled. The client is then destroyed on
   * release instead of going back to the pool.
   */
  async connect(): Promise<DbClient> {
    const client = await this.#connectWithRetry();
    let lost: Error | undefined;
    const onError = (err: Error) => {
      lost = err;
      this.#logger?.warn({ err }, 'database connection lost during use');
    };
    client.on('error', onError);
    const release = client.release.bind(client);
    client.release = (err?: Error | boolean) => {
      client.off('error', onError);
      return release(err ?? lost);
    };
    return client;
  }

  /** Retries a refused connection briefly: the server may still be closing the previous one. */
  async #connectWithRetry(): Promise<DbClient> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#pool.connect();
      } catch (err) {
        if (attempt >= CONNECT_ATTEMPTS || !isRefusedConnection(err)) throw err;
        await new Promise((r) => setTimeout(r, CONNECT_RETRY_MS * attempt));
      }
    }
  }

  end(): Promise<void> {
    return this.#pool.end();
  }
}

function isSqlError(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  // SQLSTATE: five characters; class 08 is "connection exception", 57 "operator intervention"
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57');
}

function isRefusedConnection(err: unknown): boolean {
  const message = (err as Error).message ?? '';
  return message.includes('Connection terminated unexpectedly') || (err as NodeJS.ErrnoException).code === 'ECONNRESET';
}

export function createPool(url: string, options: PoolOptions): Db {
  return new KamPool(url, options);
}

/**
 * Runs fn inside a transaction on one client. With pool size 1, fn must use the given client
 * only: awaiting another pool query inside would deadlock.
 */
export async function withTransaction<T>(db: Db, fn: (client: DbClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
