import type { AlertChange } from '../alerts/index.ts';
import type { Clock } from '../../lib/domain/index.ts';
import type { ServerResponse } from 'node:http';
import type { Db } from '../../lib/db/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import type { ReadingValues } from '../../lib/domain/index.ts';
import type { Principal } from './auth/roles.ts';
import { scopeOf } from './auth/roles.ts';
import { visibleAccountIds } from './repositories/account-repository.ts';
import { meterAccounts } from './repositories/meter-repository.ts';

// Live stream (Server-Sent Events) of new readings and alert changes, each client getting only
// the accounts it may see. The source is an in-process event bus: the embedded database takes
// one connection, so there is no LISTEN/NOTIFY. Architecture rule: the stream never carries state
// the database does not also have — publishers emit a reading only after its write committed and
// an alert change only after its transaction committed (the API itself does so for
// acknowledge/comment/resolve).

/** A reading as ingest wrote it (lib's Reading; ts may also come as an ISO string). */
export interface LiveReading {
  meterId: number;
  ts: Date | string;
  values: ReadingValues;
  quality?: number;
}

/** An alert whose row changed (opened, acknowledged, commented, cleared, resolved, ...). */
/** An alert change on the bus: services/alerts' AlertChange (action: opened, acknowledged, commented, resolved, cleared). */
export type LiveAlertChange = AlertChange;

/** EventEmitter-like: a node EventEmitter fits. `emit` is optional; without it the API publishes nothing. */
export interface LiveEventBus {
  on(event: 'reading', listener: (r: LiveReading | readonly LiveReading[]) => void): unknown;
  on(event: 'alert', listener: (a: LiveAlertChange) => void): unknown;
  off(event: 'reading', listener: (r: LiveReading | readonly LiveReading[]) => void): unknown;
  off(event: 'alert', listener: (a: LiveAlertChange) => void): unknown;
  emit?(event: 'alert', change: LiveAlertChange): unknown;
}

const HEARTBEAT_MS = 15_000;
// a client that does not read falls this far behind, then is dropped (it reconnects and reloads)
const MAX_BUFFERED_BYTES = 1_000_000;
const METER_MAP_REFRESH_MS = 5_000;

interface Client {
  res: ServerResponse;
  /** null = the whole fleet */
  accounts: Set<number> | null;
  userId: number;
}

export interface StreamStats {
  onClientsChanged(n: number): void;
  onEvent(type: 'reading' | 'alert', clients: number): void;
}

export class LiveStreamHub {
  readonly #clients = new Set<Client>();
  readonly #db: Db;
  readonly #log: Logger;
  readonly #bus: LiveEventBus | undefined;
  readonly #stats: StreamStats;
  readonly #clock: Clock;
  #meterAccount = new Map<number, number>();
  #meterMapLoadedAt = 0;
  #meterMapLoading: Promise<void> | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  readonly #onReading = (r: LiveReading | readonly LiveReading[]) => {
    for (const reading of Array.isArray(r) ? (r as readonly LiveReading[]) : [r as LiveReading])
      this.#publishReading(reading);
  };
  readonly #onAlert = (a: LiveAlertChange) => this.#broadcast('alert', a.accountId, serializeAlert(a));

  constructor(deps: { db: Db; logger: Logger; bus: LiveEventBus | undefined; stats: StreamStats; clock: Clock }) {
    this.#db = deps.db;
    this.#log = deps.logger;
    this.#bus = deps.bus;
    this.#stats = deps.stats;
    this.#clock = deps.clock;
  }

  start(): void {
    this.#bus?.on('reading', this.#onReading);
    this.#bus?.on('alert', this.#onAlert);
    this.#heartbeat = setInterval(() => this.#write(':hb\n\n'), HEARTBEAT_MS);
    this.#heartbeat.unref();
  }

  stop(): void {
    this.#bus?.off('reading', this.#onReading);
    this.#bus?.off('alert', this.#onAlert);
    clearInterval(this.#heartbeat);
    for (const c of this.#clients) c.res.end();
    this.#clients.clear();
    this.#stats.onClientsChanged(0);
  }

  get clientCount(): number {
    return this.#clients.size;
  }

  /** Publishes an alert change made by the API, after its transaction committed. */
  publishAlert(change: LiveAlertChange): void {
    if (this.#bus?.emit) this.#bus.emit('alert', change);
    else this.#onAlert(change);
  }

  /** What a principal may receive: null = the whole fleet. Loads the meter map on first use. */
  async subscriptionFor(principal: Principal): Promise<Set<number> | null> {
    const scope = scopeOf(principal);
    const accounts =
      scope.managerId === null && scope.accountId === null ? null : new Set(await visibleAccountIds(this.#db, scope));
    await this.#ensureMeterMap(false);
    return accounts;
  }

  /** Takes over the response: SSE headers, then a `ready` event once the client is subscribed. */
  open(res: ServerResponse, principal: Principal, accounts: Set<number> | null): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const client: Client = { res, accounts, userId: principal.userId };
    this.#clients.add(client);
    this.#stats.onClientsChanged(this.#clients.size);
    const drop = () => {
      if (this.#clients.delete(client)) this.#stats.onClientsChanged(this.#clients.size);
    };
    res.on('close', drop);
    res.on('error', drop);
    res.write(`retry: 3000\nevent: ready\ndata: ${JSON.stringify({ accounts: accounts ? [...accounts] : 'all' })}\n\n`);
  }

  #publishReading(r: LiveReading): void {
    const accountId = this.#meterAccount.get(r.meterId);
    if (accountId === undefined) {
      // a meter added after the map was loaded: refresh (rate-limited), then publish
      void this.#ensureMeterMap(true).then(() => {
        const later = this.#meterAccount.get(r.meterId);
        if (later !== undefined) this.#broadcast('reading', later, serializeReading(r, later));
      });
      return;
    }
    this.#broadcast('reading', accountId, serializeReading(r, accountId));
  }

  #broadcast(type: 'reading' | 'alert', accountId: number, data: string): void {
    const frame = `event: ${type}\ndata: ${data}\n\n`;
    let sent = 0;
    for (const c of this.#clients) {
      if (c.accounts && !c.accounts.has(accountId)) continue;
      this.#send(c, frame);
      sent++;
    }
    this.#stats.onEvent(type, sent);
  }

  #write(frame: string): void {
    for (const c of this.#clients) this.#send(c, frame);
  }

  #send(c: Client, frame: string): void {
    if (c.res.writableLength > MAX_BUFFERED_BYTES) {
      this.#log.warn({ userId: c.userId }, 'live stream client too slow; disconnecting');
      c.res.destroy();
      this.#clients.delete(c);
      this.#stats.onClientsChanged(this.#clients.size);
      return;
    }
    c.res.write(frame);
  }

  async #ensureMeterMap(force: boolean): Promise<void> {
    const fresh = this.#clock.now() - this.#meterMapLoadedAt < METER_MAP_REFRESH_MS;
    if (this.#meterMapLoadedAt > 0 && (!force || fresh)) return;
    this.#meterMapLoading ??= meterAccounts(this.#db)
      .then((map) => {
        this.#meterAccount = map;
        this.#meterMapLoadedAt = this.#clock.now();
      })
      .catch((err: unknown) => this.#log.warn({ err }, 'live stream: cannot load meters'))
      .finally(() => {
        this.#meterMapLoading = undefined;
      });
    await this.#meterMapLoading;
  }
}

function iso(t: Date | string | undefined): string | undefined {
  return t instanceof Date ? t.toISOString() : t;
}

function serializeReading(r: LiveReading, accountId: number): string {
  return JSON.stringify({ meterId: r.meterId, accountId, ts: iso(r.ts), quality: r.quality ?? 0, ...r.values });
}

function serializeAlert(a: LiveAlertChange): string {
  return JSON.stringify({ ...a, at: iso(a.at) });
}
