// Collection completeness (采集成功率) from migrations/005_ingest.sql.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertMeters, openIngestDb, type IngestTestDb } from './ingest-fixtures.ts';
import { BACKENDS } from '../../support/databases.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  describe('collection_completeness()', () => {
    let t: IngestTestDb;
    let ids: Record<string, number>;
    beforeAll(async () => {
      t = await openIngestDb({ backend });
      ids = await insertMeters(t.db, t.accountId, [
        {
          code: 'c-15s',
          protocol: 'mqtt',
          topic: 'kam/v1/meters/c-15s/reading',
          payloadFormat: 'json',
          pollIntervalS: 15,
        },
        {
          code: 'c-60s',
          protocol: 'mqtt',
          topic: 'kam/v1/meters/c-60s/reading',
          payloadFormat: 'json',
          pollIntervalS: 60,
        },
      ]);
      // 15 s meter: 10:00–10:15 complete (60), 10:15–10:30 only the first 45 (a 3.75 min gap),
      // plus one off-grid duplicate-ish reading that must not push the rate above 100 %
      await t.db.query(
        `INSERT INTO readings (meter_id, ts, power_kw)
       SELECT $1, '2026-03-10T10:00:00Z'::timestamptz + make_interval(secs => 15 * i), 1 FROM generate_series(0, 104) i`,
        [ids['c-15s']],
      );
      await t.db.query(`INSERT INTO readings (meter_id, ts, power_kw) VALUES ($1, '2026-03-10T10:00:07Z', 1)`, [
        ids['c-15s'],
      ]);
      // 60 s meter: nothing at all
    });
    afterAll(async () => t?.close());

    it('gives expected vs received readings per meter and 15-minute period', async () => {
      const { rows } = await t.db.query(
        `SELECT meter_id, bucket, expected, received, success_rate FROM collection_completeness('2026-03-10T10:00:00Z', '2026-03-10T10:30:00Z', INTERVAL '15 minutes')`,
      );
      expect(rows).toEqual([
        {
          meter_id: ids['c-15s'],
          bucket: new Date('2026-03-10T10:00:00Z'),
          expected: 60,
          received: 60,
          success_rate: 1,
        },
        {
          meter_id: ids['c-15s'],
          bucket: new Date('2026-03-10T10:15:00Z'),
          expected: 60,
          received: 45,
          success_rate: 0.75,
        },
        {
          meter_id: ids['c-60s'],
          bucket: new Date('2026-03-10T10:00:00Z'),
          expected: 15,
          received: 0,
          success_rate: 0,
        },
        {
          meter_id: ids['c-60s'],
          bucket: new Date('2026-03-10T10:15:00Z'),
          expected: 15,
          received: 0,
          success_rate: 0,
        },
      ]);
    });

    it('clips periods to the requested window (a day bucket over two hours counts two hours)', async () => {
      const { rows } = await t.db.query<{ expected: number; received: number }>(
        `SELECT expected, received FROM collection_completeness('2026-03-10T10:00:00Z', '2026-03-10T12:00:00Z') WHERE meter_id = $1`,
        [ids['c-15s']],
      );
      expect(rows).toEqual([{ expected: 480, received: 105 }]);
    });

    it('has a meter_status table for comm state and backoff', async () => {
      await t.db.query(`INSERT INTO meter_status (meter_id, comm_state, backoff_until) VALUES ($1, 'lost', now())`, [
        ids['c-60s'],
      ]);
      await expect(
        t.db.query(`INSERT INTO meter_status (meter_id, comm_state) VALUES ($1, 'sleepy')`, [ids['c-15s']]),
      ).rejects.toMatchObject({ code: '23514' });
    });
  });
});
