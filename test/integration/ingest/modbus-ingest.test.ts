// Modbus ingest end to end over real TCP: test Modbus servers → poller → pipeline → writer →
// embedded TimescaleDB (behind a cuttable proxy). Time is a manual clock: a minute of polling
// on a 1-second grid runs in a few wall seconds; per-request timeouts are real (150 ms).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALITY, type ReadingValues } from '../../../lib/domain/index.ts';
import { getMeterMap } from '../../../lib/meter-maps/maps/index.ts';
import { createManualClock, type ManualClock } from '../../../lib/domain/index.ts';
import { startIngest, type RunningIngest } from '../../../ingest/index.ts';
import { insertMeters, makeTempDir, openIngestDb, silentLogger, type IngestTestDb } from './ingest-fixtures.ts';
import { startModbusTestServer, type ModbusTestServer } from '../../support/modbus-test-server.ts';
import { startTcpProxyFor, type TcpProxy } from '../../support/tcp-proxy.ts';
import { BACKENDS } from '../../support/databases.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  const T0 = Date.parse('2026-03-10T02:00:00Z'); // on every grid
  const acrel = getMeterMap('acrel-dtsd1352');
  const sdm = getMeterMap('sdm630');
  const ACREL_RATIOS = { pt: 100, ct: 40 };

  // Values chosen on the registers' resolution, so decoding gives them back exactly.
  const acrelValues = (s: number): ReadingValues => ({
    voltageAV: 5800,
    voltageBV: 5810,
    voltageCV: 5790,
    currentAA: 120,
    currentBA: 121,
    currentCA: 119,
    powerKw: 1000 + 4 * s,
    pf: 0.95,
    frequencyHz: 50.01,
    importKwh: 120_000 + 40 * s,
    exportKwh: 0,
  });
  const sdmValues = (s: number): ReadingValues => ({
    voltageAV: 230.5,
    voltageBV: 231,
    voltageCV: 229.5,
    currentAA: 10.25,
    powerKw: 12.5 + s,
    pf: 0.5,
    frequencyHz: 50,
    importKwh: 5000 + s,
  });

  describe('Modbus ingest over TCP into TimescaleDB', () => {
    let t: IngestTestDb;
    let proxy: TcpProxy;
    let gateway: ModbusTestServer; // RS-485 gateway: units 1..3 behind one endpoint
    let single: ModbusTestServer; // a meter with its own TCP endpoint
    let ingest: RunningIngest;
    let clock: ManualClock;
    let ids: Record<string, number>;
    const temp = makeTempDir('kam-modbus-ingest-');
    let second = 0; // simulated seconds since T0

    /** One simulated second: meters change, the grid tick fires, the cycle completes. */
    async function step(): Promise<void> {
      second = (clock.now() - T0) / 1000 + 1; // the tick this step fires
      gateway.setValues(1, acrelValues(second));
      gateway.setValues(2, sdmValues(second));
      single.setValues(1, sdmValues(second));
      await clock.advance(1000);
      await ingest.poller!.idle();
    }
    const rowsOf = async (code: string) =>
      (
        await t.db.query<{ ts: Date; power_kw: number; import_kwh: number; quality: number }>(
          'SELECT ts, power_kw, import_kwh, quality FROM readings WHERE meter_id = $1 ORDER BY ts',
          [ids[code]],
        )
      ).rows;

    beforeAll(async () => {
      t = await openIngestDb({
        backend,
        connectVia: async (url) => (proxy = await startTcpProxyFor(url)).url(url),
      });
      gateway = await startModbusTestServer({
        1: { map: acrel, ratios: ACREL_RATIOS, values: acrelValues(0) },
        2: { map: sdm, ratios: { pt: 1, ct: 1 }, values: sdmValues(0) },
        3: { map: acrel, ratios: ACREL_RATIOS, values: acrelValues(0) },
      });
      single = await startModbusTestServer({ 1: { map: sdm, ratios: { pt: 1, ct: 1 }, values: sdmValues(0) } });
      ids = await insertMeters(t.db, t.accountId, [
        {
          code: 'gw-acrel',
          protocol: 'modbus',
          host: '127.0.0.1',
          port: gateway.port,
          unitId: 1,
          mapName: 'acrel-dtsd1352',
          ...ACREL_RATIOS,
          ptRatio: 100,
          ctRatio: 40,
          ratedKw: 2000,
          pollIntervalS: 1,
        },
        {
          code: 'gw-sdm',
          protocol: 'modbus',
          host: '127.0.0.1',
          port: gateway.port,
          unitId: 2,
          mapName: 'sdm630',
          pollIntervalS: 1,
        },
        {
          code: 'gw-dying',
          protocol: 'modbus',
          host: '127.0.0.1',
          port: gateway.port,
          unitId: 3,
          mapName: 'acrel-dtsd1352',
          ptRatio: 100,
          ctRatio: 40,
          pollIntervalS: 1,
        },
        {
          code: 'solo-sdm',
          protocol: 'modbus',
          host: '127.0.0.1',
          port: single.port,
          unitId: 1,
          mapName: 'sdm630',
          pollIntervalS: 1,
        },
      ]);
      clock = createManualClock(T0);
      ingest = await startIngest({
        db: t.db,
        logger: silentLogger,
        spoolDir: temp.dir,
        clock,
        modbus: {
          requestTimeoutMs: 150,
          meterBackoff: { baseMs: 4000, maxMs: 8000 },
          random: () => 0.5,
          concurrency: 4,
        },
        writer: { flushIntervalMs: 1000, retryIntervalMs: 5000 },
        commLostAfterMs: 6000,
        statusIntervalMs: 5000,
        meterReloadIntervalMs: 0,
      });
    });
    afterAll(async () => {
      await ingest?.stop();
      await gateway?.close();
      await single?.close();
      await t?.close();
      await proxy?.close();
      temp.remove();
    });

    it('stores readings on the shared grid with the values the meters show, PT/CT applied', async () => {
      for (let i = 0; i < 3; i++) await step();
      await ingest.writer.flush();
      const rows = await rowsOf('gw-acrel');
      expect(rows.map((r) => r.ts.getTime())).toEqual([T0 + 1000, T0 + 2000, T0 + 3000]);
      const { rows: full } = await t.db.query(
        'SELECT voltage_a_v, current_a_a, power_kw, pf, frequency_hz, import_kwh, quality FROM readings WHERE meter_id = $1 AND ts = $2',
        [ids['gw-acrel'], new Date(T0 + 2000)],
      );
      const expected = acrelValues(2);
      expect(full[0]!.voltage_a_v).toBeCloseTo(expected.voltageAV!, 3);
      expect(full[0]!.current_a_a).toBeCloseTo(expected.currentAA!, 3);
      expect(full[0]!.power_kw).toBeCloseTo(expected.powerKw!, 3);
      expect(full[0]!.pf).toBeCloseTo(expected.pf!, 3);
      expect(full[0]!.frequency_hz).toBeCloseTo(expected.frequencyHz!, 3);
      expect(full[0]!.import_kwh).toBeCloseTo(expected.importKwh!, 6);
      // every meter shares the same timestamps (grid-aligned)
      for (const code of ['gw-sdm', 'solo-sdm', 'gw-dying']) {
        expect((await rowsOf(code)).map((r) => r.ts.getTime())).toEqual([T0 + 1000, T0 + 2000, T0 + 3000]);
      }
      const sdmRow = (await rowsOf('solo-sdm'))[2]!;
      expect(sdmRow.power_kw).toBeCloseTo(sdmValues(3).powerKw!, 4);
      // the SDM map has no reactive/PF per phase values set → they are absent (NULL), not zero
      const { rows: nulls } = await t.db.query('SELECT voltage_ab_v FROM readings WHERE meter_id = $1 LIMIT 1', [
        ids['solo-sdm'],
      ]);
      expect(nulls[0]!.voltage_ab_v === null || typeof nulls[0]!.voltage_ab_v === 'number').toBe(true);
    });

    it('shows the load curve in load_15m', async () => {
      const { rows } = await t.db.query<{ samples: number; power_avg_kw: number; power_max_kw: number }>(
        'SELECT samples::int, power_avg_kw, power_max_kw FROM load_15m WHERE meter_id = $1 AND bucket = $2',
        [ids['gw-acrel'], new Date(T0)],
      );
      expect(rows[0]!.samples).toBe(3);
      expect(rows[0]!.power_avg_kw).toBeCloseTo(1008, 3); // 1004, 1008, 1012
      expect(rows[0]!.power_max_kw).toBeCloseTo(1012, 3);
    });

    it('rides out a database outage during 60 simulated seconds: every reading arrives once, none twice', async () => {
      const from = second;
      await proxy.cut();
      for (let i = 0; i < 60; i++) await step();
      await ingest.writer.flush();
      const during = ingest.writer.stats();
      expect(during.outage).toBe(true);
      expect(during.spool.records).toBeGreaterThanOrEqual(4 * 60);

      await proxy.restore();
      await clock.advance(5000); // writer retry: spool replayed (the grid keeps ticking meanwhile)
      await ingest.poller!.idle();
      second += 5;
      await ingest.writer.flush({ retry: true });
      expect(ingest.writer.stats()).toMatchObject({ outage: false, queued: 0, spool: { records: 0 } });

      const { rows } = await t.db.query<{ meter_id: number; n: number; d: number }>(
        `SELECT meter_id, count(*)::int n, count(DISTINCT ts)::int d FROM readings
        WHERE ts > $1 AND ts <= $2 GROUP BY meter_id ORDER BY meter_id`,
        [new Date(T0 + from * 1000), new Date(T0 + (from + 60) * 1000)],
      );
      expect(rows).toEqual(Object.values(ids).map((id) => ({ meter_id: id, n: 60, d: 60 })));
      // and the values are the ones the meter showed at each tick
      const acrelRows = (await rowsOf('gw-acrel')).filter(
        (r) => r.ts.getTime() > T0 + from * 1000 && r.ts.getTime() <= T0 + (from + 60) * 1000,
      );
      for (const r of acrelRows) {
        const s = (r.ts.getTime() - T0) / 1000;
        expect(r.power_kw).toBeCloseTo(acrelValues(s).powerKw!, 3);
      }
    });

    it('backs off a meter that stops answering without slowing the others, and recovers it', async () => {
      const from = second;
      gateway.setSilent(3, true);
      const dyingId = ids['gw-dying']!;
      await step(); // times out once (150 ms), goes into backoff (4 s × jitter 0.75 = 3 s)
      expect(ingest.poller!.meterState(dyingId)).toMatchObject({ failures: 1, lastErrorCode: 'INGEST_MODBUS_TIMEOUT' });
      const requestsAfterFirstFailure = gateway.requests(3);
      await step();
      await step(); // inside the backoff: not asked at all
      expect(gateway.requests(3)).toBe(requestsAfterFirstFailure);
      for (let i = 0; i < 8; i++) await step(); // retried on the grid after each backoff, fails again
      expect(ingest.poller!.meterState(dyingId)!.failures).toBeGreaterThanOrEqual(2);
      // far fewer requests than ticks: the backoff keeps it off the shared connection
      expect(gateway.requests(3) - requestsAfterFirstFailure).toBeLessThan(5);

      await ingest.writeStatus();
      const lost = await t.db.query(
        'SELECT comm_state, last_error_code, consecutive_failures FROM meter_status WHERE meter_id = $1',
        [dyingId],
      );
      expect(lost.rows[0]).toMatchObject({ comm_state: 'lost', last_error_code: 'INGEST_MODBUS_TIMEOUT' });

      gateway.setSilent(3, false);
      for (let i = 0; i < 9; i++) await step(); // at most one backoff cap (8 s) to notice
      expect(ingest.poller!.meterState(dyingId)).toMatchObject({ failures: 0, nextAttemptAt: 0 });
      await ingest.writer.flush();
      await ingest.writeStatus();
      const back = await t.db.query('SELECT comm_state, consecutive_failures FROM meter_status WHERE meter_id = $1', [
        dyingId,
      ]);
      expect(back.rows[0]).toMatchObject({ comm_state: 'ok', consecutive_failures: 0 });

      // the other meters on the same gateway got a reading at every tick throughout
      const { rows } = await t.db.query<{ meter_id: number; n: number }>(
        'SELECT meter_id, count(*)::int n FROM readings WHERE ts > $1 AND ts <= $2 GROUP BY meter_id',
        [new Date(T0 + from * 1000), new Date(T0 + second * 1000)],
      );
      const byId = Object.fromEntries(rows.map((r) => [r.meter_id, r.n]));
      expect(byId[ids['gw-acrel']!]).toBe(second - from);
      expect(byId[ids['gw-sdm']!]).toBe(second - from);
      expect(byId[ids['solo-sdm']!]).toBe(second - from);
      expect(byId[dyingId]).toBeLessThan(second - from); // gaps, not zeros
    });

    it('flags a counter going backwards and an implausible jump instead of billing them', async () => {
      // acrel import counter wraps at 100,000,000 raw × 0.01 × PT × CT = 4,000,000,000 kWh
      const wrap = 4_000_000_000;
      const set = async (importKwh: number) => {
        second = (clock.now() - T0) / 1000 + 1;
        gateway.setValues(1, { ...acrelValues(second), importKwh });
        await clock.advance(1000);
        await ingest.poller!.idle();
      };
      await set(wrap - 400);
      await set(400); // backwards: a wrap of 800 kWh in 1 s is beyond the 2000 kW rating → replacement (COUNTER_RESET)
      await set(440); // +40 kWh in 1 s = 144,000 kW ≫ 2000 kW × 1.2: implausible
      await ingest.writer.flush();
      const rows = (await rowsOf('gw-acrel')).slice(-3);
      expect(rows[0]!.import_kwh).toBeCloseTo(wrap - 400, 0);
      expect(rows[1]!.quality & QUALITY.COUNTER_RESET).toBe(QUALITY.COUNTER_RESET);
      expect(rows[2]!.quality & QUALITY.IMPLAUSIBLE).toBe(QUALITY.IMPLAUSIBLE);
    });

    it('exposes metrics: readings counted, queue depth, last seen per meter', async () => {
      const text = await ingest.registry.metrics();
      expect(text).toMatch(/kam_ingest_readings_total\{source="modbus"\} \d+/);
      expect(text).toContain('kam_ingest_queue_depth');
      expect(text).toMatch(/kam_ingest_meter_last_seen_timestamp_seconds\{meter="gw-acrel"\}/);
      expect(text).toMatch(/kam_ingest_modbus_requests_total\{outcome="timeout"\}/);
    });
  });
});
