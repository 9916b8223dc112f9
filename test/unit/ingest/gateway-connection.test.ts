import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../lib/domain/index.ts';
import { IngestError } from '../../../ingest/errors.ts';
import { createGatewayConnection, type ModbusTransport } from '../../../ingest/modbus/index.ts';

const logger = pino({ level: 'silent' });

/** A scripted transport: `connectOk` and `reply` decide; records concurrency. */
function fakeFactory(script: {
  connectOk: () => boolean;
  reply: (unitId: number) => 'ok' | 'timeout' | 'exception' | 'drop';
}) {
  const stats = { connects: 0, inFlight: 0, maxInFlight: 0, closes: 0 };
  const factory = (): ModbusTransport => {
    const closeListeners: Array<() => void> = [];
    return {
      async connect() {
        stats.connects++;
        if (!script.connectOk()) throw new IngestError('INGEST_MODBUS_CONNECTION', 'refused');
      },
      async read(unitId, _fc, _start, count) {
        stats.inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
        await new Promise((r) => setTimeout(r, 2));
        stats.inFlight--;
        const r = script.reply(unitId);
        if (r === 'timeout') throw new IngestError('INGEST_MODBUS_TIMEOUT', 'no answer');
        if (r === 'exception') throw new IngestError('INGEST_MODBUS_EXCEPTION', 'exception 2');
        if (r === 'drop') {
          for (const l of closeListeners) l();
          throw new IngestError('INGEST_MODBUS_CONNECTION', 'reset');
        }
        return new Array(count).fill(unitId);
      },
      onClose: (l) => closeListeners.push(l),
      async close() {
        stats.closes++;
      },
    };
  };
  return { factory, stats };
}

const base = {
  logger,
  connectTimeoutMs: 100,
  backoff: { baseMs: 1000, maxMs: 8000 },
  random: () => 1,
  reconnectAfterTimeouts: 3,
  endpoint: { host: 'gw', port: 502 },
};

describe('gateway connection', () => {
  it('serialises requests on its one connection', async () => {
    const { factory, stats } = fakeFactory({ connectOk: () => true, reply: () => 'ok' });
    const g = createGatewayConnection({ ...base, factory, clock: createManualClock(0) });
    const results = await Promise.all([1, 2, 3, 4, 5].map((u) => g.read(u, 3, 0, 2, 100)));
    expect(results.map((r) => Array.from(r))).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    expect(stats).toMatchObject({ connects: 1, maxInFlight: 1 });
    expect(g.state).toBe('connected');
    await g.stop();
    expect(g.state).toBe('stopped');
  });

  it('backs off after a failed connect, fails fast meanwhile, and reconnects once the backoff is over', async () => {
    let up = false;
    const { factory, stats } = fakeFactory({ connectOk: () => up, reply: () => 'ok' });
    const clock = createManualClock(0);
    const g = createGatewayConnection({ ...base, factory, clock });
    await expect(g.read(1, 3, 0, 1, 100)).rejects.toMatchObject({ code: 'INGEST_MODBUS_CONNECTION' });
    expect(g.state).toBe('backoff');
    expect(g.retryAt).toBe(1000);
    await expect(g.read(1, 3, 0, 1, 100)).rejects.toMatchObject({ code: 'INGEST_MODBUS_NOT_CONNECTED' });
    expect(stats.connects).toBe(1); // no network attempt inside the backoff
    await clock.advance(1000);
    await expect(g.read(1, 3, 0, 1, 100)).rejects.toMatchObject({ code: 'INGEST_MODBUS_CONNECTION' });
    expect(g.retryAt).toBe(1000 + 2000); // doubled
    await clock.advance(2000);
    up = true;
    await expect(g.read(1, 3, 0, 1, 100)).resolves.toHaveLength(1);
    expect(g.state).toBe('connected');
  });

  it('treats a dropped connection as lost and a timeout of one unit as that unit’s problem', async () => {
    const replies: Record<number, 'ok' | 'timeout' | 'drop'> = { 1: 'ok', 2: 'timeout', 3: 'ok' };
    const { factory } = fakeFactory({ connectOk: () => true, reply: (u) => replies[u]! });
    const clock = createManualClock(0);
    const g = createGatewayConnection({ ...base, factory, clock });
    for (let i = 0; i < 5; i++) {
      await g.read(1, 3, 0, 1, 100);
      await expect(g.read(2, 3, 0, 1, 100)).rejects.toMatchObject({ code: 'INGEST_MODBUS_TIMEOUT' });
    }
    expect(g.state).toBe('connected'); // unit 1 keeps answering: the connection is fine
    replies[3] = 'drop';
    await expect(g.read(3, 3, 0, 1, 100)).rejects.toMatchObject({ code: 'INGEST_MODBUS_CONNECTION' });
    expect(g.state).toBe('backoff');
  });

  it('rebuilds a connection that only times out (half-open) after reconnectAfterTimeouts', async () => {
    const { factory, stats } = fakeFactory({ connectOk: () => true, reply: () => 'timeout' });
    const g = createGatewayConnection({ ...base, factory, clock: createManualClock(0) });
    for (let i = 0; i < 3; i++)
      await expect(g.read(i + 1, 3, 0, 1, 100)).rejects.toMatchObject({ code: 'INGEST_MODBUS_TIMEOUT' });
    expect(g.state).toBe('backoff');
    expect(stats.closes).toBe(1);
  });
});
