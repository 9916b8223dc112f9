// Simulators → ingest → TimescaleDB, end to end over real sockets: what lands in `readings` is
// what the simulated meters report (the simulator's own values are the reference), for both
// register maps over Modbus TCP, and for MQTT JSON and Sparkplug B; the 15-minute aggregate
// follows the simulated load curve.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, READING_QUANTITIES, type ReadingKey } from '../../../lib/domain/index.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../lib/mqtt/index.ts';
import { startIngest, type RunningIngest } from '../../../ingest/index.ts';
import { startSimFleet, type SimFleet } from '../../../simulators/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { insertMeters, makeTempDir, openIngestDb, silentLogger, type IngestTestDb } from './ingest-fixtures.ts';
import { BACKENDS } from '../../support/databases.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  const COLUMN = Object.fromEntries(READING_QUANTITIES.map((q) => [q.key, q.column])) as Record<ReadingKey, string>;

  /** |a − b| within rel × |b| or abs, whichever is larger (float32 columns, register resolution). */
  function expectClose(actual: number, expected: number, label: string, rel: number, abs = 0): void {
    const tolerance = Math.max(Math.abs(expected) * rel, abs);
    expect(Math.abs(actual - expected), `${label}: ${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
  }

  const run = randomBytes(3).toString('hex');

  describe('simulated Modbus meters read by the poller', () => {
    // The simulated clock is frozen, so every poll must return exactly the simulator's values.
    const FROZEN_AT = Date.parse('2026-03-09T10:00:00+08:00');
    let t: IngestTestDb;
    let sim: SimFleet;
    let ingest: RunningIngest;
    const spool = makeTempDir('kam-sim-ingest-');
    const codes = { sdm: `sdm-${run}`, acrel: `acrel-${run}` };
    let ids: Record<string, number>;

    beforeAll(async () => {
      t = await openIngestDb({ backend });
      sim = await startSimFleet({
        gateway: true,
        clock: createManualClock(FROZEN_AT),
        startTime: FROZEN_AT,
        meters: [
          {
            code: codes.sdm,
            protocol: 'modbus',
            mapName: 'sdm630',
            unitId: 3,
            nominalVoltageV: 380,
            ratedKw: 180,
            profile: 'office_tower',
            seed: 7,
          },
          {
            code: codes.acrel,
            protocol: 'modbus',
            mapName: 'acrel-dtsd1352',
            unitId: 9,
            ptRatio: 100,
            ctRatio: 40,
            nominalVoltageV: 10_000,
            ratedKw: 2_500,
            profile: 'steel_three_shift',
            seed: 11,
          },
        ],
      });
      const endpoint = (code: string) => sim.endpoints.find((e) => e.code === code)!;
      ids = await insertMeters(
        t.db,
        t.accountId,
        [codes.sdm, codes.acrel].map((code) => {
          const e = endpoint(code);
          if (e.protocol !== 'modbus') throw new Error('expected a Modbus endpoint');
          return {
            code,
            protocol: 'modbus',
            host: e.host,
            port: e.port,
            unitId: e.unitId,
            mapName: e.mapName,
            ptRatio: e.ptRatio,
            ctRatio: e.ctRatio,
            pollIntervalS: 1,
          };
        }),
      );
      ingest = await startIngest({
        db: t.db,
        logger: silentLogger,
        spoolDir: spool.dir,
        writer: { flushIntervalMs: 100 },
      });
    });

    afterAll(async () => {
      await ingest?.stop();
      await sim?.stop();
      await t?.close();
      spool.remove();
    });

    it('stores what each meter reports, decoded with its map, word order and PT/CT ratios', async () => {
      const rows = await waitFor(
        async () => {
          const r = await t.db.query<Record<string, number | Date> & { meter_id: number; ts: Date }>(
            'SELECT * FROM readings WHERE meter_id = ANY($1) ORDER BY ts, meter_id',
            [Object.values(ids)],
          );
          return r.rows.length >= 6 && r.rows;
        },
        { timeoutMs: 20_000, intervalMs: 100 },
      );

      // SDM630: float32 registers in W/VA/var → kW; Acrel: scaled integers × PT × CT.
      const resolution: Record<string, (key: ReadingKey) => { rel: number; abs: number }> = {
        [codes.sdm]: () => ({ rel: 2e-6, abs: 1e-6 }),
        [codes.acrel]: (key) => {
          if (key.startsWith('voltage')) return { rel: 0, abs: 0.05 * 100 };
          if (key.startsWith('current')) return { rel: 0, abs: 0.005 * 40 };
          if (key.startsWith('pf')) return { rel: 0, abs: 0.0005 };
          if (key === 'frequencyHz') return { rel: 0, abs: 0.005 };
          if (key.endsWith('Kwh') || key.endsWith('Kvarh')) return { rel: 0, abs: 0.005 * 100 * 40 };
          return { rel: 0, abs: 0.0005 * 100 * 40 };
        },
      };
      let compared = 0;
      for (const [code, id] of Object.entries(ids)) {
        const expected = sim.currentValues(code);
        const own = rows.filter((r) => r.meter_id === id);
        expect(own.length).toBeGreaterThanOrEqual(3);
        for (const row of own) {
          expect(row.quality).toBe(0);
          for (const [key, value] of Object.entries(expected) as Array<[ReadingKey, number]>) {
            const stored = row[COLUMN[key]];
            if (stored === null || stored === undefined) continue; // the map does not carry it
            const { rel, abs } = resolution[code]!(key);
            expectClose(stored as number, value, `${code} ${key}`, rel, abs);
            compared++;
          }
        }
      }
      // both maps carry voltages, currents, powers, PF, frequency and counters
      expect(compared).toBeGreaterThan(6 * 15);
    });

    it('stamps readings on the poll grid, shared by meters polled in the same round', async () => {
      const { rows } = await t.db.query<{ ts: Date; meters: number }>(
        'SELECT ts, count(*)::int AS meters FROM readings WHERE meter_id = ANY($1) GROUP BY ts ORDER BY ts',
        [Object.values(ids)],
      );
      for (const r of rows) expect(r.ts.getTime() % 1000).toBe(0);
      expect(rows.filter((r) => r.meters === 2).length).toBeGreaterThanOrEqual(2);
    });
  });

  describe('simulated MQTT meters (JSON and Sparkplug B) through the embedded broker', () => {
    // 02:00 to 09:00 local at 1800× speed: seven simulated hours in about fourteen seconds.
    const START = Date.parse('2026-03-09T02:00:00+08:00');
    const END = Date.parse('2026-03-09T09:00:00+08:00');
    const codes = { json: `office-json-${run}`, sparkplug: `factory-sp-${run}` };
    const group = `kam-test-${run}`;
    const edge = `edge-${run}`;
    let t: IngestTestDb;
    let broker: EmbeddedBroker;
    let sim: SimFleet;
    let ingest: RunningIngest;
    let ids: Record<string, number>;
    const spool = makeTempDir('kam-sim-mqtt-');

    beforeAll(async () => {
      t = await openIngestDb({ backend });
      broker = await startEmbeddedBroker();
      ids = await insertMeters(t.db, t.accountId, [
        {
          code: codes.json,
          protocol: 'mqtt',
          topic: `kam/v1/meters/${codes.json}/reading`,
          payloadFormat: 'json',
          ratedKw: 900,
        },
        {
          code: codes.sparkplug,
          protocol: 'mqtt',
          topic: `spBv1.0/${group}/DDATA/${edge}/${codes.sparkplug}`,
          payloadFormat: 'sparkplug',
          ratedKw: 400,
        },
      ]);
      ingest = await startIngest({
        db: t.db,
        logger: silentLogger,
        spoolDir: spool.dir,
        mqttUrl: broker.url,
        mqttClientId: `kam-test-ingest-${run}`,
        writer: { flushIntervalMs: 100 },
      });
      sim = await startSimFleet({
        mqttUrl: broker.url,
        sparkplugGroupId: group,
        sparkplugEdgeNodeId: edge,
        startTime: START,
        speed: 1800,
        tickMs: 10,
        mqttPublishIntervalS: 60,
        meters: [
          {
            code: codes.json,
            protocol: 'mqtt',
            mqttFormat: 'json',
            nominalVoltageV: 380,
            ratedKw: 900,
            profile: 'office_tower',
            seed: 5,
          },
          {
            code: codes.sparkplug,
            protocol: 'mqtt',
            mqttFormat: 'sparkplug',
            nominalVoltageV: 380,
            ratedKw: 400,
            profile: 'factory_day_shift',
            seed: 6,
          },
        ],
      });
      await waitFor(async () => sim.simNow() >= END, { timeoutMs: 30_000, intervalMs: 100 });
      await sim.stop();
      await waitFor(
        async () => {
          await ingest.writer.flush();
          const { rows } = await t.db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM readings WHERE meter_id = $1 AND ts >= $2',
            [ids[codes.sparkplug], new Date(END - 30 * 60_000)],
          );
          return rows[0]!.n > 0;
        },
        { timeoutMs: 10_000, intervalMs: 100 },
      );
    });

    afterAll(async () => {
      await ingest?.stop();
      await sim?.stop();
      await broker?.stop();
      await t?.close();
      spool.remove();
    });

    it('stores every reading at its simulated time with the values the meter published', async () => {
      for (const code of Object.values(codes)) {
        const { rows } = await t.db.query<Record<string, number> & { ts: Date; quality: number }>(
          'SELECT * FROM readings WHERE meter_id = $1 ORDER BY ts',
          [ids[code]],
        );
        // a reading per simulated minute, give or take what a busy event loop skipped
        expect(rows.length, code).toBeGreaterThan(7 * 60 * 0.5);
        // JSON readings are on the publish grid; Sparkplug also stores the values a (re)birth
        // certificate carries, at the birth's own time.
        const offGrid = rows.filter((r) => r.ts.getTime() % 60_000 !== 0).length;
        expect(offGrid, `${code} readings off the publish grid`).toBeLessThanOrEqual(code === codes.json ? 0 : 3);
        for (const row of rows) {
          const expected = sim.valuesAt(code, row.ts.getTime());
          for (const key of [
            'voltageAV',
            'currentBA',
            'powerKw',
            'reactiveKvar',
            'pf',
            'frequencyHz',
            'importKwh',
          ] as const) {
            expectClose(row[COLUMN[key]]!, expected[key], `${code} ${key} at ${row.ts.toISOString()}`, 1e-5, 1e-6);
          }
        }
      }
    });

    it('shows the simulated load curve in load_15m: bucket means of the meter values, rising into the working day', async () => {
      await t.db.query("CALL refresh_continuous_aggregate('load_15m', $1::timestamptz, $2::timestamptz)", [
        new Date(START),
        new Date(END),
      ]);
      const { rows } = await t.db.query<{ bucket: Date; power_avg_kw: number; samples: number }>(
        'SELECT bucket, power_avg_kw, samples FROM load_15m WHERE meter_id = $1 ORDER BY bucket',
        [ids[codes.json]],
      );
      const raw = await t.db.query<{ ts: Date }>('SELECT ts FROM readings WHERE meter_id = $1', [ids[codes.json]]);
      expect(rows.length).toBeGreaterThanOrEqual(26);
      for (const bucket of rows) {
        const times = raw.rows
          .map((r) => r.ts.getTime())
          .filter((ms) => ms >= bucket.bucket.getTime() && ms < bucket.bucket.getTime() + 900_000);
        expect(bucket.samples).toBe(times.length);
        const mean = times.reduce((sum, ms) => sum + sim.valuesAt(codes.json, ms).powerKw, 0) / times.length;
        expectClose(bucket.power_avg_kw, mean, `bucket ${bucket.bucket.toISOString()}`, 1e-5);
      }
      // office tower: night base load at 02:00–04:00 well below the 08:00–09:00 morning load
      const avgBetween = (fromH: number, toH: number) => {
        const inRange = rows.filter((r) => {
          const localHour = (r.bucket.getUTCHours() + 8) % 24;
          return localHour >= fromH && localHour < toH;
        });
        return inRange.reduce((s, r) => s + r.power_avg_kw, 0) / inRange.length;
      };
      expect(avgBetween(8, 9)).toBeGreaterThan(1.3 * avgBetween(2, 4));
    });
  });
});
