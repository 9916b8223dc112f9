// `npx tsx bench/api.bench.ts` (or `npm run bench api` once listed in bench/run.ts): HTTP API
// latency against the embedded TimescaleDB with one account of 200 meters and a month of data,
// and the delay from a reading's write to its arrival on the live stream.
//   1. p50/p99 of GET /api/accounts/:id/load for one day at 15 minutes (96 points × 200 meters);
//   2. the same for 30 days (auto resolution: the 15-minute curve, 2 880 points);
//   3. write → live stream: INSERT the reading, emit it on the bus after commit (as ingest does),
//      time until the SSE client has parsed it.
// Data: one set-based INSERT ... SELECT generate_series (a reading every KAM_BENCH_STEP_S
// seconds, default 900), aggregates refreshed before measuring. Prints figures, asserts nothing.
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { createPool, type Db, migrate, startEmbeddedTimescale } from '../lib/db/index.ts';
import { buildApi } from '../services/api/index.ts';
import { insertApiToken, upsertUser } from '../services/api/auth/auth-repository.ts';
import { newApiToken } from '../services/api/auth/secrets.ts';

const METERS = 200;
const DAYS = 30;
const STEP_S = Number(process.env.KAM_BENCH_STEP_S ?? 900);
const REQUESTS = 30;
const STREAM_EVENTS = 200;

export interface ApiBenchResult {
  meters: number;
  days: number;
  readings: number;
  loadSeconds: number;
  refreshSeconds: number;
  curve1Day15m: { points: number; p50Ms: number; p99Ms: number };
  curve30Days: { points: number; resolution: string; p50Ms: number; p99Ms: number };
  streamDelay: { events: number; writeToClientP50Ms: number; writeToClientP99Ms: number; emitToClientP50Ms: number };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
};
const round = (v: number) => Math.round(v * 100) / 100;

async function seed(
  db: Db,
  now: Date,
): Promise<{ accountId: number; meterIds: number[]; readings: number; loadS: number }> {
  await db.query(
    `INSERT INTO managers (code, name, email) VALUES ('bench-mgr', 'Bench Manager', 'bench@grid.example')`,
  );
  const account = await db.query<{ id: number }>(
    `INSERT INTO accounts (code, name, industry, contracted_capacity_kva, supply_voltage_kv, is_key_account, tier,
                           classification_reason, manager_id)
     SELECT 'bench-plant', 'Bench Plant', 'steel', 200000, 110, true, 'A', 'bench', id FROM managers WHERE code = 'bench-mgr'
     RETURNING id`,
  );
  const accountId = account.rows[0]!.id;
  const meters = await db.query<{ id: number }>(
    `INSERT INTO meters (code, account_id, protocol, topic, payload_format, nominal_voltage_v, poll_interval_s)
     SELECT 'bench-m' || i, $1, 'mqtt', 'bench/' || i, 'json', 10000, $2 FROM generate_series(1, $3) AS i
     RETURNING id`,
    [accountId, STEP_S, METERS],
  );
  const meterIds = meters.rows.map((r) => r.id);
  const start = Date.now();
  // one set-based statement: every meter, every step, a daily load shape and a rising counter
  const { rowCount } = await db.query(
    `INSERT INTO readings (meter_id, ts, power_kw, reactive_kvar, pf, voltage_a_v, voltage_b_v, voltage_c_v, import_kwh)
     SELECT m, ts, p, p * 0.3, 0.95, 5800, 5790, 5810, extract(epoch FROM ts - $2::timestamptz) / 3600 * 500
       FROM unnest($1::int[]) AS m,
            generate_series($2::timestamptz, $3::timestamptz, make_interval(secs => $4)) AS ts,
            LATERAL (SELECT 500 * (1 + 0.3 * sin(extract(epoch FROM ts) / 86400 * 2 * pi()))) AS l(p)`,
    [meterIds, new Date(now.getTime() - DAYS * 86_400_000), now, STEP_S],
  );
  return { accountId, meterIds, readings: rowCount ?? 0, loadS: (Date.now() - start) / 1000 };
}

async function timeRequests(
  url: string,
  token: string,
): Promise<{ p50: number; p99: number; points: number; resolution: string }> {
  const headers = { authorization: `Bearer ${token}` };
  let points = 0;
  let resolution = '';
  for (let i = 0; i < 3; i++) await (await fetch(url, { headers })).arrayBuffer(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    const body = (await res.json()) as { points: unknown[]; resolution: string };
    times.push(performance.now() - t0);
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    points = body.points.length;
    resolution = body.resolution;
  }
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99), points, resolution };
}

async function measureStream(db: Db, bus: EventEmitter, base: string, token: string, meterId: number) {
  const controller = new AbortController();
  const deadline = setTimeout(() => controller.abort(), 120_000); // bounded: never hang the bench
  const res = await fetch(`${base}/api/stream`, {
    headers: { authorization: `Bearer ${token}` },
    signal: controller.signal,
  });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const nextEvent = async (type: string): Promise<Record<string, unknown>> => {
    for (;;) {
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        // a frame may start with `retry:`; match its event line wherever it is
        if (/^event: (\w+)$/m.exec(frame)?.[1] === type) {
          return JSON.parse(/^data: (.+)$/m.exec(frame)![1]!) as Record<string, unknown>;
        }
      }
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended');
      buffer += value;
    }
  };
  await nextEvent('ready');
  const writeToClient: number[] = [];
  const emitToClient: number[] = [];
  const t = Date.now() + 60_000;
  for (let i = 0; i < STREAM_EVENTS; i++) {
    const ts = new Date(t + i * 1000);
    const values = { powerKw: 400 + i };
    const t0 = performance.now();
    await db.query('INSERT INTO readings (meter_id, ts, power_kw) VALUES ($1, $2, $3)', [meterId, ts, values.powerKw]);
    const t1 = performance.now();
    bus.emit('reading', { meterId, ts, values });
    const got = await nextEvent('reading');
    const t2 = performance.now();
    if (got.powerKw !== values.powerKw) throw new Error('stream delivered the wrong reading');
    writeToClient.push(t2 - t0);
    emitToClient.push(t2 - t1);
  }
  clearTimeout(deadline);
  controller.abort();
  return { writeToClient, emitToClient };
}

export async function runApiBench(): Promise<ApiBenchResult> {
  const logger = pino({ level: 'silent' });
  const embedded = await startEmbeddedTimescale();
  const db = createPool(embedded.url, { max: 1 });
  const bus = new EventEmitter();
  const app = await buildApi({ db, logger, components: () => ({}), events: bus, processMetrics: false });
  try {
    await migrate(db);
    const now = new Date(Math.floor(Date.now() / 900_000) * 900_000);
    console.log(`seeding ${METERS} meters × ${DAYS} days, a reading every ${STEP_S} s ...`);
    const seeded = await seed(db, now);
    console.log(`  ${seeded.readings.toLocaleString('en')} readings in ${seeded.loadS.toFixed(1)} s`);
    const refreshStart = Date.now();
    for (const view of ['load_15m', 'energy_daily']) {
      await db.query(`CALL refresh_continuous_aggregate('${view}', NULL, $1::timestamptz)`, [now]);
    }
    const refreshS = (Date.now() - refreshStart) / 1000;
    console.log(`  load_15m and energy_daily refreshed in ${refreshS.toFixed(1)} s`);

    const user = await upsertUser(db, { username: 'bench', role: 'dispatcher', passwordHash: null });
    const token = newApiToken();
    await insertApiToken(db, { userId: user.id, name: 'bench', token, expiresInDays: 1 });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

    const day = `from=${new Date(now.getTime() - 86_400_000).toISOString()}&to=${now.toISOString()}&resolution=15m`;
    const month = `from=${new Date(now.getTime() - DAYS * 86_400_000).toISOString()}&to=${now.toISOString()}`;
    const oneDay = await timeRequests(`${base}/api/accounts/${seeded.accountId}/load?${day}`, token);
    console.log(
      `1-day 15-min curve (${oneDay.points} points, ${METERS} meters): p50 ${oneDay.p50} ms, p99 ${oneDay.p99} ms`,
    );
    const thirty = await timeRequests(`${base}/api/accounts/${seeded.accountId}/load?${month}`, token);
    console.log(
      `30-day curve (${thirty.resolution}, ${thirty.points} points, ${METERS} meters): p50 ${thirty.p50} ms, p99 ${thirty.p99} ms`,
    );
    const stream = await measureStream(db, bus, base, token, seeded.meterIds[0]!);
    const result: ApiBenchResult = {
      meters: METERS,
      days: DAYS,
      readings: seeded.readings,
      loadSeconds: round(seeded.loadS),
      refreshSeconds: round(refreshS),
      curve1Day15m: { points: oneDay.points, p50Ms: oneDay.p50, p99Ms: oneDay.p99 },
      curve30Days: { points: thirty.points, resolution: thirty.resolution, p50Ms: thirty.p50, p99Ms: thirty.p99 },
      streamDelay: {
        events: STREAM_EVENTS,
        writeToClientP50Ms: quantile(stream.writeToClient, 0.5),
        writeToClientP99Ms: quantile(stream.writeToClient, 0.99),
        emitToClientP50Ms: quantile(stream.emitToClient, 0.5),
      },
    };
    console.log(
      `reading write → live stream client: p50 ${result.streamDelay.writeToClientP50Ms} ms, p99 ${result.streamDelay.writeToClientP99Ms} ms ` +
        `(bus emit → client p50 ${result.streamDelay.emitToClientP50Ms} ms)`,
    );
    return result;
  } finally {
    await app.close();
    await db.end();
    await embedded.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runApiBench();
  console.log(JSON.stringify(result, null, 2));
}
