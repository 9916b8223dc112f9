// One connection per gateway (host:port), requests serialised on it: Modbus TCP gateways to
// RS-485 buses answer one request at a time, and many refuse a second connection.
// The connection's lifecycle is the state machine of connection-state.ts; a failed connect or a
// lost connection waits out a backoff, checked lazily on the next request (no timers).
import type { Logger } from '../../lib/log/index.ts';
import type { ReadFunctionCode } from '../../lib/meter-maps/index.ts';
import type { Clock } from '../../lib/domain/index.ts';
import { IngestError } from '../errors.ts';
import { computeBackoffMs, type BackoffPolicy } from './backoff.ts';
import { nextConnectionState, type ConnectionEvent, type ConnectionState } from './connection-state.ts';
import type { ModbusEndpoint, ModbusTransport, ModbusTransportFactory } from './modbus-transport.ts';

export interface GatewayConnectionOptions {
  endpoint: ModbusEndpoint;
  factory: ModbusTransportFactory;
  clock: Clock;
  logger: Logger;
  connectTimeoutMs: number;
  backoff: BackoffPolicy;
  random?: () => number;
  /**
   * Consecutive timeouts (any unit) after which the connection is presumed half-open and
   * rebuilt. One dead unit among live ones never gets there: a success resets the count.
   */
  reconnectAfterTimeouts: number;
}

/** The transport's read, serialised on the gateway's one connection and subject to its backoff. */
export interface GatewayConnection extends Pick<ModbusTransport, 'read'> {
  readonly key: string;
  readonly state: ConnectionState;
  /** when a connection in backoff may be tried again (epoch ms) */
  readonly retryAt: number;
  /** true when a request now would fail at once because the connection waits out its backoff */
  isBackingOff(): boolean;
  stop(): Promise<void>;
}

export function createGatewayConnection(options: GatewayConnectionOptions): GatewayConnection {
  const key = `${options.endpoint.host}:${options.endpoint.port}`;
  const log = options.logger.child({ component: 'modbus-gateway', gateway: key });
  let state: ConnectionState = 'idle';
  let transport: ModbusTransport | undefined;
  let failures = 0;
  let retryAt = 0;
  let consecutiveTimeouts = 0;
  let chain: Promise<unknown> = Promise.resolve();

  const fire = (event: ConnectionEvent) => {
    const from = state;
    state = nextConnectionState(state, event);
    log.debug({ from, event, to: state }, 'gateway connection transition');
  };

  const enterBackoff = (event: 'failed' | 'lost', err: unknown) => {
    failures++;
    const delay = computeBackoffMs(failures, options.backoff, options.random);
    retryAt = options.clock.now() + delay;
    fire(event);
    const old = transport;
    transport = undefined;
    void old?.close().catch(() => {});
    log.warn(
      { err, failures, retryInMs: Math.round(delay) },
      event === 'failed' ? 'gateway connect failed' : 'gateway connection lost',
    );
  };

  async function ensureConnected(): Promise<ModbusTransport> {
    if (state === 'connected' && transport) return transport;
    if (state === 'stopped') throw new IngestError('INGEST_MODBUS_NOT_CONNECTED', `gateway ${key} is stopped`);
    if (state === 'backoff') {
      if (options.clock.now() < retryAt) {
        throw new IngestError(
          'INGEST_MODBUS_NOT_CONNECTED',
          `gateway ${key} in backoff until ${new Date(retryAt).toISOString()}`,
        );
      }
      fire('retry');
    } else {
      fire('connect');
    }
    const t = options.factory(options.endpoint);
    try {
      await t.connect(options.connectTimeoutMs);
    } catch (err) {
      if ((state as ConnectionState) === 'stopped') throw err;
      transport = t;
      enterBackoff('failed', err);
      throw err instanceof IngestError
        ? err
        : new IngestError('INGEST_MODBUS_CONNECTION', `cannot connect to ${key}`, { cause: err });
    }
    if ((state as ConnectionState) === 'stopped') {
      await t.close();
      throw new IngestError('INGEST_MODBUS_NOT_CONNECTED', `gateway ${key} is stopped`);
    }
    transport = t;
    t.onClose(() => {
      if (transport === t && state === 'connected') enterBackoff('lost', new Error('connection closed by peer'));
    });
    fire('connected');
    failures = 0;
    consecutiveTimeouts = 0;
    log.info('gateway connected');
    return t;
  }

  async function readNow(
    unitId: number,
    fc: ReadFunctionCode,
    start: number,
    count: number,
    timeoutMs: number,
  ): Promise<ArrayLike<number>> {
    const t = await ensureConnected();
    try {
      const words = await t.read(unitId, fc, start, count, timeoutMs);
      consecutiveTimeouts = 0;
      return words;
    } catch (err) {
      const code = (err as IngestError).code;
      if (code === 'INGEST_MODBUS_EXCEPTION') {
        consecutiveTimeouts = 0; // the gateway answered
      } else if (code === 'INGEST_MODBUS_TIMEOUT') {
        if (++consecutiveTimeouts >= options.reconnectAfterTimeouts && state === 'connected') enterBackoff('lost', err);
      } else if (state === 'connected' && transport === t) {
        enterBackoff('lost', err);
      }
      throw err;
    }
  }

  return {
    key,
    get state() {
      return state;
    },
    get retryAt() {
      return retryAt;
    },
    isBackingOff: () => state === 'backoff' && options.clock.now() < retryAt,
    read(unitId, fc, start, count, timeoutMs) {
      // Serialised: each request starts after the previous one settled.
      const run = () => readNow(unitId, fc, start, count, timeoutMs);
      const next = chain.then(run, run);
      chain = next.catch(() => {});
      return next;
    },
    async stop() {
      if (state === 'stopped') return;
      fire('stop');
      const t = transport;
      transport = undefined;
      await chain;
      await t?.close().catch(() => {});
    },
  };
}
