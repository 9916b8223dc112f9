import { appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALITY, type Reading } from '../../../lib/domain/index.ts';
import { createManualClock } from '../../../lib/domain/index.ts';
import { createIngestMetrics } from '../../../ingest/metrics.ts';
import { createReadingWriter, openSpool } from '../../../ingest/writer/index.ts';
import { insertMeters, makeTempDir, openIngestDb, silentLogger, type IngestTestDb } from './ingest-fixtures.ts';
import { startTcpProxyFor, type TcpProxy } from '../../support/tcp-proxy.ts';
import { BACKENDS } from '../../support/databases.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  describe('reading writer (embedded TimescaleDB behind a cuttable TCP proxy)', () => {
    let t: IngestTestDb;
    let proxy: TcpProxy;
    let meterA: number;
    let meterB: number;
    const temp = makeTempDir('kam-writer-');
    let caseNo = 0;
    const spoolDir = () => join(temp.dir, `spool-${++caseNo}`);
    const T0 = Date.parse('2026-03-10T00:00:00Z');

    const reading = (
      meterId: number,
      i: number,
      values: Reading['values'] = { powerKw: 100 + i, importKwh: 1000 + i },
    ): Reading => ({
      meterId,
      ts: new Date(T0 + i * 15_000),
      values,
      quality: 0,
    });
    const countRows = async (meterId: number) =>
      (
        await t.db.query<{ n: number; d: number }>(
          'SELECT count(*)::int n, count(DISTINCT ts)::int d FROM readings WHERE meter_id = $1',
          [meterId],
        )
      ).rows[0]!;

    beforeAll(async () => {
      t = await openIngestDb({
        backend,
        connectVia: async (url) => (proxy = await startTcpProxyFor(url)).url(url),
      });
      const ids = await insertMeters(t.db, t.accountId, [
        { code: 'w-a', protocol: 'modbus', host: '127.0.0.1', port: 502, unitId: 1, mapName: 'sdm630' },
        { code: 'w-b', protocol: 'modbus', host: '127.0.0.1', port: 502, unitId: 2, mapName: 'sdm630' },
      ]);
      meterA = ids['w-a']!;
      meterB = ids['w-b']!;
    });
    afterAll(async () => {
      await t?.close();
      await proxy?.close();
      temp.remove();
    });

    it('writes a batch once: replaying the same readings adds no row, absent values stay NULL', async () => {
      const writer = createReadingWriter({ db: t.db, logger: silentLogger, spoolDir: spoolDir() });
      const batch = [0, 1, 2].map((i) => reading(meterA, i));
      batch.push({ ...reading(meterA, 3), values: { powerKw: 7 }, quality: QUALITY.PARTIAL });
      await writer.enqueue(batch, 'modbus');
      await writer.flush();
      await writer.enqueue(batch, 'modbus');
      await writer.flush();
      expect(await countRows(meterA)).toEqual({ n: 4, d: 4 });
      const { rows } = await t.db.query(
        'SELECT power_kw, import_kwh, voltage_a_v, quality FROM readings WHERE meter_id = $1 AND ts = $2',
        [meterA, new Date(T0 + 3 * 15_000)],
      );
      expect(rows).toEqual([{ power_kw: 7, import_kwh: null, voltage_a_v: null, quality: QUALITY.PARTIAL }]);
      expect(writer.stats().written).toBe(4);
      await writer.close();
    });

    it('keeps a row the database refuses as a dead letter and writes the rest of its batch', async () => {
      const writer = createReadingWriter({ db: t.db, logger: silentLogger, spoolDir: spoolDir() });
      const batch = [10, 11, 12, 13].map((i) => reading(meterB, i));
      batch[2] = reading(meterB, 12, { pf: 1.5 }); // violates CHECK (pf BETWEEN -1 AND 1)
      await writer.enqueue(batch, 'mqtt');
      await writer.flush();
      await writer.flush(); // the dead letter is written on the next pass
      expect((await countRows(meterB)).n).toBe(3);
      const { rows } = await t.db.query<{ source: string; reason: string; details: { sqlstate: string } }>(
        "SELECT source, reason, details FROM dead_letters WHERE reason LIKE 'database refused%'",
      );
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ source: 'mqtt', details: { sqlstate: '23514' } });
      await writer.close();
    });

    it('spools to disk while the database is unreachable and replays every reading exactly once when it returns', async () => {
      const clock = createManualClock(T0);
      const metrics = createIngestMetrics();
      const dir = spoolDir();
      const writer = createReadingWriter({
        db: t.db,
        logger: silentLogger,
        spoolDir: dir,
        clock,
        metrics,
        batchSize: 50,
        flushIntervalMs: 1000,
        retryIntervalMs: 5000,
      });
      const before = (await countRows(meterA)).n;
      await proxy.cut();
      // 120 readings over 60 simulated seconds, flushed every second
      for (let s = 0; s < 60; s++) {
        await writer.enqueue([reading(meterA, 100 + 2 * s), reading(meterA, 101 + 2 * s)], 'modbus');
        await clock.advance(1000);
      }
      await writer.flush();
      const during = writer.stats();
      expect(during.outage).toBe(true);
      expect(during.queued).toBe(0);
      expect(during.spool.records).toBe(120);
      expect(readdirSync(dir).length).toBeGreaterThan(0);
      expect((await metrics.registry.getSingleMetric('kam_ingest_spool_readings')!.get()).values[0]!.value).toBe(120);

      await proxy.restore();
      await clock.advance(5000); // the retry timer fires and replays the spool
      await writer.flush();
      expect(writer.stats()).toMatchObject({ outage: false, spool: { records: 0, segments: 0 } });
      expect(readdirSync(dir)).toEqual([]);
      const after = await countRows(meterA);
      expect(after.n - before).toBe(120);
      expect(after.n).toBe(after.d); // none twice
      await writer.close();
    });

    it('applies backpressure: enqueue waits while the queue is full and resumes when it drains', async () => {
      const clock = createManualClock(T0);
      // a spool that is "full" from the start, so nothing leaves the queue during the outage
      const writer = createReadingWriter({
        db: t.db,
        logger: silentLogger,
        spoolDir: spoolDir(),
        clock,
        batchSize: 5,
        maxQueue: 10,
        maxSpoolBytes: 1,
        retryIntervalMs: 5000,
      });
      await proxy.cut();
      const first = [0, 1, 2, 3, 4].map((i) => reading(meterB, 1000 + i));
      const second = [5, 6, 7, 8, 9].map((i) => reading(meterB, 1000 + i));
      await writer.enqueue(first, 'modbus');
      await writer.enqueue(second, 'modbus');
      await writer.flush(); // DB down: first batch goes to the (tiny) spool, which is then full
      let resolved = false;
      const third = writer
        .enqueue(
          [
            reading(meterB, 1010),
            reading(meterB, 1011),
            reading(meterB, 1012),
            reading(meterB, 1013),
            reading(meterB, 1014),
            reading(meterB, 1015),
          ],
          'modbus',
        )
        .then(() => {
          resolved = true;
        });
      await writer.flush();
      // the third enqueue is parked by backpressure: the writer holds it, the caller waits
      expect(writer.stats()).toMatchObject({ waitingForSpace: 1, outage: true });
      expect(resolved).toBe(false);
      expect(writer.stats().queued).toBeGreaterThanOrEqual(5);
      await proxy.restore();
      await writer.flush({ retry: true });
      await third;
      await writer.flush({ retry: true });
      expect(resolved).toBe(true);
      expect(writer.stats().waitingForSpace).toBe(0);
      const { rows } = await t.db.query<{ n: number }>(
        'SELECT count(*)::int n FROM readings WHERE meter_id = $1 AND ts >= $2',
        [meterB, new Date(T0 + 1000 * 15_000)],
      );
      expect(rows[0]!.n).toBe(16);
      await writer.close();
    });

    it('replays a spool left by a crashed run on start; a torn last line becomes a dead letter', async () => {
      const dir = spoolDir();
      const spool = openSpool({ dir });
      await spool.append([0, 1, 2].map((i) => ({ reading: reading(meterB, 5000 + i), source: 'modbus' as const })));
      await spool.close();
      const [segment] = readdirSync(dir);
      appendFileSync(join(dir, segment!), '{"m":1,"t":17'); // crash in the middle of a write
      const writer = createReadingWriter({ db: t.db, logger: silentLogger, spoolDir: dir });
      await writer.flush();
      await writer.flush();
      const { rows } = await t.db.query<{ n: number }>(
        'SELECT count(*)::int n FROM readings WHERE meter_id = $1 AND ts >= $2',
        [meterB, new Date(T0 + 5000 * 15_000)],
      );
      expect(rows[0]!.n).toBe(3);
      const dl = await t.db.query("SELECT source, topic FROM dead_letters WHERE source = 'spool'");
      expect(dl.rows).toEqual([{ source: 'spool', topic: segment }]);
      expect(readdirSync(dir)).toEqual([]);
      await writer.close();
    });

    it('validates its options eagerly', () => {
      expect(() => createReadingWriter({ db: t.db, logger: silentLogger, spoolDir: spoolDir(), batchSize: 0 })).toThrow(
        expect.objectContaining({ code: 'INGEST_BAD_OPTION' }),
      );
    });
  });
});
