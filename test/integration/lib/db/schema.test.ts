import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadFleet, readFleetFile } from '../../../../lib/fleet/index.ts';
import { migrate, MIGRATIONS_DIR } from '../../../../lib/db/index.ts';
import { READING_QUANTITIES } from '../../../../lib/domain/index.ts';
import { createJobRunner } from '../../../../services/jobs/index.ts';
import { BACKENDS, externalBackend, type TestDatabase } from '../../../support/databases.ts';
import pino from 'pino';

const silent = pino({ level: 'silent' });
const demoFleet = readFleetFile(join(MIGRATIONS_DIR, '..', 'fleet', 'demo-fleet.json'));

describe.each(BACKENDS)('schema and migrations on $name', (backend) => {
  let t: TestDatabase;
  let meterId: number;

  beforeAll(async () => {
    t = await backend.open();
    await migrate(t.db);
    await loadFleet(t.db, demoFleet);
    const { rows } = await t.db.query<{ id: number }>("SELECT id FROM meters WHERE code = 'greenleaf-main'");
    meterId = rows[0]!.id;
  });
  afterAll(async () => t?.close());

  it('applies every migration once and a second run changes nothing', async () => {
    const before = await t.db.query('SELECT version, checksum, applied_at FROM schema_migrations ORDER BY version');
    const again = await migrate(t.db);
    expect(again.applied).toEqual([]);
    expect(again.skipped.length).toBe(before.rowCount);
    const after = await t.db.query('SELECT version, checksum, applied_at FROM schema_migrations ORDER BY version');
    expect(after.rows).toEqual(before.rows);
  });

  it('refuses an applied migration whose file was changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kam-migrations-'));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      const file = join(dir, '001_reference.sql');
      writeFileSync(file, readFileSync(file, 'utf8') + '\n-- an innocent-looking edit\n');
      await expect(migrate(t.db, { dir })).rejects.toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rolls back a failing migration and records nothing for it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kam-migrations-'));
    try {
      cpSync(MIGRATIONS_DIR, dir, { recursive: true });
      writeFileSync(join(dir, '999_broken.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
      await expect(migrate(t.db, { dir })).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
      const { rows } = await t.db.query(
        "SELECT to_regclass('half_done') AS t, (SELECT count(*) FROM schema_migrations WHERE version = 999) AS n",
      );
      expect(rows[0]).toEqual({ t: null, n: 0 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes readings a hypertable compressed by meter with compression and retention policies', async () => {
    const ht = await t.db.query(
      "SELECT compression_enabled FROM timescaledb_information.hypertables WHERE hypertable_name = 'readings'",
    );
    expect(ht.rows).toEqual([{ compression_enabled: true }]);
    const seg = await t.db.query(
      "SELECT attname, segmentby_column_index FROM timescaledb_information.compression_settings WHERE hypertable_name = 'readings' AND segmentby_column_index IS NOT NULL",
    );
    expect(seg.rows).toEqual([{ attname: 'meter_id', segmentby_column_index: 1 }]);
    const jobs = await t.db.query<{ proc_name: string; config: Record<string, unknown> }>(
      "SELECT proc_name, config FROM timescaledb_information.jobs WHERE hypertable_name = 'readings' ORDER BY proc_name",
    );
    expect(jobs.rows.map((r) => r.proc_name)).toEqual(['policy_compression', 'policy_retention']);
    expect(jobs.rows[0]!.config).toMatchObject({ compress_after: '7 days' });
    expect(jobs.rows[1]!.config).toMatchObject({ drop_after: '730 days' });
  });

  it('has a readings column for every reading quantity', async () => {
    const { rows } = await t.db.query<{ column_name: string }>(
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'readings'",
    );
    const columns = new Set(rows.map((r) => r.column_name));
    for (const q of READING_QUANTITIES) expect(columns, q.column).toContain(q.column);
  });

  it('treats a replayed reading as a no-op through the (meter_id, ts) key', async () => {
    const ts = '2026-03-02T00:00:00Z';
    const insert =
      'INSERT INTO readings (meter_id, ts, power_kw) VALUES ($1, $2, $3) ON CONFLICT (meter_id, ts) DO NOTHING';
    const first = await t.db.query(insert, [meterId, ts, 10]);
    const second = await t.db.query(insert, [meterId, ts, 99]);
    expect([first.rowCount, second.rowCount]).toEqual([1, 0]);
    const { rows } = await t.db.query('SELECT power_kw FROM readings WHERE meter_id = $1 AND ts = $2', [meterId, ts]);
    expect(rows).toEqual([{ power_kw: 10 }]);
  });

  it.each([
    ['negative voltage', 'voltage_a_v', -1],
    ['power factor above 1', 'pf', 1.2],
    ['frequency of 0 Hz', 'frequency_hz', 0],
    ['negative energy counter', 'import_kwh', -5],
  ])('rejects a physically impossible reading: %s', async (_label, column, value) => {
    await expect(
      t.db.query(`INSERT INTO readings (meter_id, ts, ${column}) VALUES ($1, '2026-03-03T00:00:00Z', $2)`, [
        meterId,
        value,
      ]),
    ).rejects.toMatchObject({ code: '23514' });
  });

  it('gives the right 15-minute averages in load_15m, before and after materialisation', async () => {
    // 30 one-minute readings from 10:00 to 10:29: power ramps 100..129 kW, counter +2 kWh/min.
    await t.db.query(
      `INSERT INTO readings (meter_id, ts, power_kw, voltage_a_v, voltage_b_v, voltage_c_v, pf, import_kwh)
       SELECT $1, '2026-03-04T10:00:00Z'::timestamptz + make_interval(mins => i), 100 + i, 220 + i % 3, 221, 219 - i % 2, 0.9, 1000 + 2 * i
         FROM generate_series(0, 29) AS i`,
      [meterId],
    );
    const query = `SELECT bucket, samples, round(power_avg_kw::numeric, 3)::float8 AS avg, power_min_kw AS min, power_max_kw AS max,
                          voltage_min_v, voltage_max_v, import_kwh_first, import_kwh_last
                     FROM load_15m WHERE meter_id = $1 AND bucket >= '2026-03-04T10:00:00Z' AND bucket < '2026-03-04T11:00:00Z' ORDER BY bucket`;
    const expected = [
      {
        bucket: new Date('2026-03-04T10:00:00Z'),
        samples: 15,
        avg: 107,
        min: 100,
        max: 114,
        voltage_min_v: 218,
        voltage_max_v: 222,
        import_kwh_first: 1000,
        import_kwh_last: 1028,
      },
      {
        bucket: new Date('2026-03-04T10:15:00Z'),
        samples: 15,
        avg: 122,
        min: 115,
        max: 129,
        voltage_min_v: 218,
        voltage_max_v: 222,
        import_kwh_first: 1030,
        import_kwh_last: 1058,
      },
    ];
    // real-time aggregation: nothing materialised yet
    expect((await t.db.query(query, [meterId])).rows).toEqual(expected);
    await t.db.query("CALL refresh_continuous_aggregate('load_15m', '2026-03-04T00:00:00Z', '2026-03-05T00:00:00Z')");
    expect((await t.db.query(query, [meterId])).rows).toEqual(expected);
  });

  it('labels 15-minute interval energy with its time-of-use period and never gives a negative interval', async () => {
    // China Standard Time = UTC+8: 10:00Z is 18:00 local (peak), 15:00Z is 23:00 local (valley).
    await t.db.query(
      `INSERT INTO readings (meter_id, ts, import_kwh) VALUES
         ($1, '2026-03-05T09:59:00Z', 500), ($1, '2026-03-05T10:14:00Z', 520), ($1, '2026-03-05T10:29:00Z', 3),
         ($1, '2026-03-05T14:59:00Z', 10), ($1, '2026-03-05T15:14:00Z', 14)`,
      [meterId],
    );
    const { rows } = await t.db.query(
      `SELECT bucket, import_kwh, period FROM energy_by_tou_15m
        WHERE meter_id = $1 AND bucket BETWEEN '2026-03-05T10:00:00Z' AND '2026-03-05T15:00:00Z' ORDER BY bucket`,
      [meterId],
    );
    expect(rows).toEqual([
      { bucket: new Date('2026-03-05T10:00:00Z'), import_kwh: 20, period: 'peak' },
      { bucket: new Date('2026-03-05T10:15:00Z'), import_kwh: null, period: 'peak' }, // counter reset: no negative interval
      { bucket: new Date('2026-03-05T14:45:00Z'), import_kwh: 7, period: 'peak' }, // 22:45 local, counting resumes
      { bucket: new Date('2026-03-05T15:00:00Z'), import_kwh: 4, period: 'valley' },
    ]);
  });

  it('allows only one open alert per meter and kind', async () => {
    const { rows } = await t.db.query<{ account_id: number }>('SELECT account_id FROM meters WHERE id = $1', [meterId]);
    const open = `INSERT INTO alerts (meter_id, account_id, kind, severity, opened_at) VALUES ($1, $2, 'low_power_factor', 'minor', now()) RETURNING id`;
    const first = await t.db.query<{ id: number }>(open, [meterId, rows[0]!.account_id]);
    await expect(t.db.query(open, [meterId, rows[0]!.account_id])).rejects.toMatchObject({ code: '23505' });
    await t.db.query("UPDATE alerts SET state = 'resolved', resolved_at = now() WHERE id = $1", [first.rows[0]!.id]);
    await expect(t.db.query(open, [meterId, rows[0]!.account_id])).resolves.toMatchObject({ rowCount: 1 });
  });

  it('loads the demo fleet idempotently with computed tiers', async () => {
    const count = async () =>
      (
        await t.db.query(
          'SELECT (SELECT count(*) FROM managers) m, (SELECT count(*) FROM accounts) a, (SELECT count(*) FROM meters) r',
        )
      ).rows[0];
    const before = await count();
    await loadFleet(t.db, demoFleet);
    expect(await count()).toEqual(before);
    const tiers = await t.db.query('SELECT code, tier, is_key_account FROM accounts ORDER BY code');
    const byCode = Object.fromEntries(tiers.rows.map((r) => [r.code, [r.tier, r.is_key_account]]));
    expect(byCode['huaxin-steel']).toEqual(['A', true]);
    expect(byCode['riverside-tower']).toEqual(['B', true]);
    expect(byCode['polar-cold']).toEqual(['C', true]);
    expect(byCode['greenleaf-food']).toEqual(['potential', false]);
  });

  it('runs the TimescaleDB policy jobs on demand: old chunks get compressed', async () => {
    await t.db.query(
      `INSERT INTO readings (meter_id, ts, power_kw) SELECT $1, now() - interval '20 days' + make_interval(mins => i), 5 FROM generate_series(0, 9) i`,
      [meterId],
    );
    const runner = createJobRunner({ db: t.db, logger: silent, runTimescaleJobs: false });
    const ran = await runner.runDueTimescaleJobs();
    await runner.stop();
    const jobs = await t.db.query<{ job_id: number }>(
      "SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_compression'",
    );
    expect(ran).toContain(jobs.rows[0]!.job_id);
    const chunks = await t.db.query(
      `SELECT is_compressed FROM timescaledb_information.chunks WHERE hypertable_name = 'readings' AND range_end < now() - interval '8 days'`,
    );
    expect(chunks.rows.length).toBeGreaterThan(0);
    expect(chunks.rows.every((c) => c.is_compressed)).toBe(true);
    const { rows } = await t.db.query(
      "SELECT count(*)::int AS n FROM readings WHERE meter_id = $1 AND ts BETWEEN now() - interval '21 days' AND now() - interval '19 days'",
      [meterId],
    );
    expect(rows[0]!.n).toBe(10);
  });
});

if (!externalBackend) {
  // Listed as skipped in the run's counts so nobody mistakes the embedded run for both.
  it.skip('runs the same contract suite on a TimescaleDB server (set KAM_TEST_TIMESCALE_URL to an admin URL)', () => {});
}
