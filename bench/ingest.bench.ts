// `npm run bench:ingest` (tsx bench/ingest.bench.ts): ingest throughput against baselines
// measured in the same run, on the same machine:
//   1. the writer (queue → batched unnest insert, guarded connection, metrics) vs a raw bulk
//      insert of the same statement shape straight through the pool — target ≥ 0.9;
//   2. the Modbus poller (planner, gateway state machine, decode, pipeline) reading 500
//      simulated meters behind 16 gateways vs a bare modbus-serial loop issuing the same block
//      reads on the same connections' worth of parallelism — target ≥ 0.8.
// Each side runs several times, interleaved, and its best run counts (machines are noisy).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ModbusRTU from 'modbus-serial';
import pino from 'pino';
import { createPool, migrate, startEmbeddedTimescale, type Db } from '../lib/db/index.ts';
import { createManualClock, type Reading } from '../lib/domain/index.ts';
import { planReadBlocks } from '../lib/meter-maps/index.ts';
import { getMeterMap } from '../lib/meter-maps/maps/index.ts';
import { startSimFleet, type ModbusSimEndpoint, type SimMeterSpec } from '../simulators/index.ts';
import { createModbusPoller, createReadingWriter, insertReadings, type IngestMeter } from '../ingest/index.ts';
import { createMeterStatusTracker } from '../ingest/status/meter-status.ts';

const logger = pino({ level: 'silent' });
const WRITER_METERS = 20;
const WRITER_ROWS_PER_RUN = 40_000;
const MODBUS_METERS = 500;
const MODBUS_CYCLES = 8;
const MODBUS_CONCURRENCY = 32;

export interface IngestBenchResult {
  writer: { rows: number; rawRowsPerS: number; writerRowsPerS: number; ratio: number; target: number };
  modbus: {
    meters: number;
    gateways: number;
    cycles: number;
    bareReadingsPerS: number;
    pollerReadingsPerS: number;
    ratio: number;
    target: number;
  };
}

function makeRows(meterIds: number[], startMs: number, n: number): Reading[] {
  const rows: Reading[] = [];
  const perMeter = Math.ceil(n / meterIds.length);
  for (let i = 0; i < perMeter; i++) {
    for (const meterId of meterIds) {
      if (rows.length >= n) break;
      rows.push({
        meterId,
        ts: new Date(startMs + i * 15_000),
        quality: 0,
        values: {
          voltageAV: 230 + (i % 7),
          voltageBV: 231,
          voltageCV: 229,
          currentAA: 100 + (i % 13),
          currentBA: 101,
          currentCA: 99,
          powerKw: 500 + (i % 50),
          reactiveKvar: 120,
          pf: 0.95,
          frequencyHz: 50,
          importKwh: 10_000 + i * 2,
          exportKwh: 0,
        },
      });
    }
  }
  return rows;
}

async function benchWriter(): Promise<IngestBenchResult['writer']> {
  const embedded = await startEmbeddedTimescale();
  const db: Db = createPool(embedded.url, { max: 1 });
  const spool = mkdtempSync(join(tmpdir(), 'kam-bench-spool-'));
  try {
    await migrate(db);
    await db.query(`INSERT INTO managers (code, name, email) VALUES ('bench', 'Bench', 'bench@grid.example')`);
    const acct = await db.query<{ id: number }>(
      `INSERT INTO accounts (code, name, industry, contracted_capacity_kva, supply_voltage_kv, is_key_account, tier, classification_reason, manager_id)
       SELECT 'bench', 'Bench', 'steel', 5000, 10, true, 'B', 'bench', id FROM managers RETURNING id`,
    );
    const ids = (
      await db.query<{ id: number }>(
        `INSERT INTO meters (code, account_id, protocol, topic, payload_format, nominal_voltage_v)
         SELECT 'bench-' || i, $1, 'mqtt', 'kam/v1/meters/bench-' || i || '/reading', 'json', 400 FROM generate_series(1, $2) i RETURNING id`,
        [acct.rows[0]!.id, WRITER_METERS],
      )
    ).rows.map((r) => r.id);

    const BATCH = 1000;
    let start = Date.parse('2026-01-01T00:00:00Z');
    const nextRows = () => {
      const rows = makeRows(ids, start, WRITER_ROWS_PER_RUN);
      start += 30 * 24 * 3600_000; // a fresh month: both sides insert new rows into new chunks
      return rows;
    };
    const raw = async () => {
      const rows = nextRows();
      const t0 = performance.now();
      for (let i = 0; i < rows.length; i += BATCH) await insertReadings(db, rows.slice(i, i + BATCH));
      return rows.length / ((performance.now() - t0) / 1000);
    };
    const viaWriter = async () => {
      const rows = nextRows();
      const writer = createReadingWriter({
        db,
        logger,
        spoolDir: spool,
        batchSize: BATCH,
        maxQueue: 20_000,
        flushIntervalMs: 50,
      });
      const t0 = performance.now();
      // sources enqueue small groups (one poll cycle of a gateway); backpressure paces them
      for (let i = 0; i < rows.length; i += 100) await writer.enqueue(rows.slice(i, i + 100), 'modbus');
      await writer.flush();
      const rate = rows.length / ((performance.now() - t0) / 1000);
      if (writer.stats().written !== rows.length)
        throw new Error(`writer wrote ${writer.stats().written} of ${rows.length}`);
      await writer.close();
      return rate;
    };
    await raw(); // warm-up: first chunk creation, plan caching
    const rawRates = [await raw()];
    const writerRates = [await viaWriter()];
    rawRates.push(await raw());
    writerRates.push(await viaWriter());
    const rawRowsPerS = Math.max(...rawRates);
    const writerRowsPerS = Math.max(...writerRates);
    return {
      rows: WRITER_ROWS_PER_RUN,
      rawRowsPerS: Math.round(rawRowsPerS),
      writerRowsPerS: Math.round(writerRowsPerS),
      ratio: round(writerRowsPerS / rawRowsPerS),
      target: 0.9,
    };
  } finally {
    await db.end();
    await embedded.stop();
    rmSync(spool, { recursive: true, force: true });
  }
}

async function benchModbus(): Promise<IngestBenchResult['modbus']> {
  const maps = ['acrel-dtsd1352', 'sdm630'];
  const specs: SimMeterSpec[] = Array.from({ length: MODBUS_METERS }, (_, i) => ({
    code: `bench-${i}`,
    protocol: 'modbus',
    mapName: maps[i % 2]!,
    ptRatio: i % 2 === 0 ? 100 : 1,
    ctRatio: i % 2 === 0 ? 40 : 1,
    nominalVoltageV: i % 2 === 0 ? 10_000 : 400,
    ratedKw: i % 2 === 0 ? 2000 : 50,
    profile: 'factory_day_shift',
  }));
  const fleet = await startSimFleet({ meters: specs, gateway: true, metersPerGateway: 32, logger });
  try {
    const endpoints = fleet.endpoints.filter((e): e is ModbusSimEndpoint => e.protocol === 'modbus');
    const gateways = new Map<string, ModbusSimEndpoint[]>();
    for (const e of endpoints) {
      const key = `${e.host}:${e.port}`;
      gateways.set(key, [...(gateways.get(key) ?? []), e]);
    }
    const plans = new Map(maps.map((m) => [m, planReadBlocks(getMeterMap(m))]));

    // Baseline: one modbus-serial client per gateway, units read one after another, every
    // gateway in parallel; the same block reads the poller plans.
    const clients = await Promise.all(
      [...gateways.entries()].map(async ([, units]) => {
        const c = new ModbusRTU.default();
        await c.connectTCP(units[0]!.host, { port: units[0]!.port });
        c.setTimeout(1000);
        return { c, units };
      }),
    );
    const bare = async () => {
      const t0 = performance.now();
      let readings = 0;
      for (let cycle = 0; cycle < MODBUS_CYCLES; cycle++) {
        await Promise.all(
          clients.map(async ({ c, units }) => {
            for (const u of units) {
              c.setID(u.unitId);
              for (const b of plans.get(u.mapName)!) {
                if (b.fc === 3) await c.readHoldingRegisters(b.start, b.count);
                else await c.readInputRegisters(b.start, b.count);
              }
              readings++;
            }
          }),
        );
      }
      return readings / ((performance.now() - t0) / 1000);
    };

    const meters: IngestMeter[] = endpoints.map((e, i) => ({
      id: i + 1,
      code: e.code,
      protocol: 'modbus',
      host: e.host,
      port: e.port,
      unitId: e.unitId,
      mapName: e.mapName,
      topic: null,
      payloadFormat: null,
      ptRatio: e.ptRatio,
      ctRatio: e.ctRatio,
      ratedKw: null,
      pollIntervalS: 15,
    }));
    let accepted = 0;
    const clock = createManualClock(Date.parse('2026-03-10T00:00:00Z'));
    const poller = createModbusPoller({
      meters,
      pipeline: {
        accept: async (readings) => {
          accepted += readings.length;
        },
      },
      status: createMeterStatusTracker({ commLostAfterMs: 300_000, startedAt: clock.now() }),
      logger,
      clock,
      concurrency: MODBUS_CONCURRENCY,
      requestTimeoutMs: 1000,
    });
    let tick = clock.now();
    const viaPoller = async () => {
      accepted = 0;
      const t0 = performance.now();
      for (let cycle = 0; cycle < MODBUS_CYCLES; cycle++) {
        tick += 15_000;
        await poller.pollTick(tick);
      }
      const rate = accepted / ((performance.now() - t0) / 1000);
      if (accepted !== MODBUS_METERS * MODBUS_CYCLES)
        throw new Error(`poller read ${accepted} of ${MODBUS_METERS * MODBUS_CYCLES}`);
      return rate;
    };
    await bare(); // warm-up
    await viaPoller(); // warm-up: connects
    const bareRates: number[] = [];
    const pollerRates: number[] = [];
    for (let round = 0; round < 3; round++) {
      bareRates.push(await bare());
      pollerRates.push(await viaPoller());
    }
    await poller.stop();
    await Promise.all(clients.map(({ c }) => new Promise<void>((r) => c.close(() => r()))));
    const bareReadingsPerS = Math.max(...bareRates);
    const pollerReadingsPerS = Math.max(...pollerRates);
    return {
      meters: MODBUS_METERS,
      gateways: gateways.size,
      cycles: MODBUS_CYCLES,
      bareReadingsPerS: Math.round(bareReadingsPerS),
      pollerReadingsPerS: Math.round(pollerReadingsPerS),
      ratio: round(pollerReadingsPerS / bareReadingsPerS),
      target: 0.8,
    };
  } finally {
    await fleet.stop();
  }
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export async function runIngestBench(): Promise<IngestBenchResult> {
  const writer = await benchWriter();
  console.log(
    `writer: ${writer.writerRowsPerS} rows/s vs raw bulk insert ${writer.rawRowsPerS} rows/s → ratio ${writer.ratio} (target ≥ ${writer.target}) [${writer.rows} rows per run]`,
  );
  const modbus = await benchModbus();
  console.log(
    `modbus: poller ${modbus.pollerReadingsPerS} readings/s vs bare modbus-serial loop ${modbus.bareReadingsPerS} readings/s → ratio ${modbus.ratio} (target ≥ ${modbus.target}) [${modbus.meters} meters, ${modbus.gateways} gateways, ${modbus.cycles} cycles]`,
  );
  return { writer, modbus };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const result = await runIngestBench();
  console.log(JSON.stringify(result));
}
