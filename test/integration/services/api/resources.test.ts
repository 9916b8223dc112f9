import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { Counter, Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi, ensureDemoUsers } from '../../../../services/api/index.ts';
import { type ApiFixture, bearer, startApiFixture } from './fixture.ts';
import { BACKENDS } from '../../../support/databases.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  let f: ApiFixture;

  beforeAll(async () => {
    f = await startApiFixture({ backend });
  });
  afterAll(async () => f?.close());

  const get = (url: string, user = f.users.dispatcher) => f.app.inject({ url, headers: bearer(user) });
  const post = (url: string, payload: unknown, user = f.users.dispatcher) =>
    f.app.inject({ method: 'POST', url, headers: bearer(user), payload: payload as object });

  describe('health and documentation', () => {
    it('keeps /healthz, /readyz and /status public', async () => {
      expect((await f.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
      expect((await f.app.inject({ url: '/readyz' })).json()).toEqual({ status: 'ready' });
      expect((await f.app.inject({ url: '/status' })).json()).toMatchObject({ fleet: { accounts: 8, meters: 15 } });
    });

    it('publishes an OpenAPI document with every API route and its roles, and the docs UI', async () => {
      const doc = (await f.app.inject({ url: '/docs/json' })).json() as {
        openapi: string;
        paths: Record<string, Record<string, { 'x-roles'?: unknown; parameters?: Array<{ name: string }> }>>;
      };
      expect(doc.openapi).toBe('3.0.3');
      expect(doc.paths['/api/alerts/{alertId}/acknowledge']!.post!['x-roles']).toEqual([
        'dispatcher',
        'account_manager',
        'ops',
        'admin',
      ]);
      expect(doc.paths['/api/alerts']!.get!.parameters!.map((p) => p.name)).toEqual(
        expect.arrayContaining(['state', 'kind', 'accountId', 'from', 'to', 'limit', 'cursor']),
      );
      expect((await f.app.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
      expect((await f.app.inject({ url: '/vendor/uplot/uPlot.esm.js' })).statusCode).toBe(200);
      const page = await f.app.inject({ url: '/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect((await f.app.inject({ url: '/vendor/uplot/package.json' })).statusCode).toBe(404);
    });

    it('answers unknown routes with the error shape', async () => {
      const res = await f.app.inject({ url: '/api/nope' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: 'not_found', message: 'no route GET /api/nope' });
    });
  });

  describe('validation', () => {
    it.each([
      ['/api/alerts?limit=0', 'limit'],
      ['/api/alerts?limit=abc', 'limit'],
      ['/api/alerts?state=closed', 'state.0'],
      ['/api/alerts?from=yesterday', 'from'],
      ['/api/alerts?cursor=garbage', 'cursor'],
      ['/api/accounts/abc', 'accountId'],
      ['/api/meters/1/load?resolution=5m', 'resolution'],
      ['/api/meters/1/load?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', 'from'],
      ['/api/meters/1/load?resolution=raw&from=2026-01-01T00:00:00Z&to=2026-01-10T00:00:00Z', 'to'],
    ])('GET %s → 400 naming %s', async (url, field) => {
      const res = await get(url);
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({
        error: 'validation_failed',
        field,
        message: expect.stringMatching(new RegExp(`^${field}: `)),
      });
    });

    it('names the body field, and the body itself when it is not JSON', async () => {
      const res = await post(`/api/alerts/${f.ids.alert}/comments`, { note: '' });
      expect(res.json()).toMatchObject({ error: 'validation_failed', field: 'note' });
      const bad = await f.app.inject({
        method: 'POST',
        url: `/api/alerts/${f.ids.alert}/comments`,
        headers: { ...bearer(f.users.dispatcher), 'content-type': 'application/json' },
        payload: '{"note": ',
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'validation_failed', field: 'body' });
    });
  });

  describe('pagination', () => {
    it('walks the readings of a meter page by page without gaps or repeats', async () => {
      const from = new Date(Date.now() - 3 * 3600_000).toISOString();
      const all = await get(`/api/meters/${f.ids.meter}/readings?from=${from}&limit=5000`);
      const expected = (all.json() as { items: Array<{ ts: string }> }).items.map((r) => r.ts);
      expect(expected.length).toBeGreaterThan(100);
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 100; page++) {
        const res = await get(
          `/api/meters/${f.ids.meter}/readings?from=${from}&limit=50${cursor ? `&cursor=${cursor}` : ''}`,
        );
        const body = res.json() as { items: Array<{ ts: string }>; nextCursor: string | null };
        expect(body.items.length).toBeLessThanOrEqual(50);
        seen.push(...body.items.map((r) => r.ts));
        cursor = body.nextCursor;
        if (!cursor) break;
      }
      expect(seen).toEqual(expected);
    });

    it('pages accounts and alerts with limit and cursor', async () => {
      const first = (await get('/api/accounts?limit=3')).json() as { items: Array<{ id: number }>; nextCursor: string };
      expect(first.items).toHaveLength(3);
      const second = (await get(`/api/accounts?limit=10&cursor=${first.nextCursor}`)).json() as {
        items: Array<{ id: number }>;
        nextCursor: null;
      };
      expect(second.items).toHaveLength(5);
      expect(second.nextCursor).toBeNull();
      expect(new Set([...first.items, ...second.items].map((a) => a.id)).size).toBe(8);

      const a1 = (await get('/api/alerts?limit=1')).json() as { items: Array<{ id: number }>; nextCursor: string };
      const a2 = (await get(`/api/alerts?limit=1&cursor=${a1.nextCursor}`)).json() as { items: Array<{ id: number }> };
      expect([a1.items[0]!.id, a2.items[0]!.id].sort()).toEqual([f.ids.alert, f.ids.otherAlert].sort());
    });

    it('filters alerts by state, kind, severity and time', async () => {
      const ids = async (q: string) =>
        ((await get(`/api/alerts?${q}`)).json() as { items: Array<{ id: number }> }).items.map((a) => a.id);
      expect(await ids('kind=under_voltage')).toEqual([f.ids.otherAlert]);
      expect(await ids('severity=major,critical')).toHaveLength(2);
      expect(await ids(`accountId=${f.ids.account}`)).toEqual([f.ids.alert]);
      expect(await ids(`from=${new Date(Date.now() - 90 * 60_000).toISOString()}`)).toEqual([f.ids.otherAlert]);
    });
  });

  describe('load curves', () => {
    it('chooses the aggregate for the range, and takes an override', async () => {
      const to = new Date();
      const span = (h: number) => `from=${new Date(to.getTime() - h * 3600_000).toISOString()}&to=${to.toISOString()}`;
      const res = async (q: string) =>
        ((await get(`/api/meters/${f.ids.meter}/load?${q}`)).json() as { resolution: string }).resolution;
      expect(await res(span(1))).toBe('raw');
      expect(await res(span(6))).toBe('1m');
      expect(await res(span(24))).toBe('15m');
      expect(await res(`${span(24)}&resolution=1d`)).toBe('1d');
      const account = await get(`/api/accounts/${f.ids.account}/load?${span(1)}`);
      expect(account.json()).toMatchObject({ resolution: '1m' });
    });

    it('gives 15-minute points with interval energy from counter differences, starting on a bucket', async () => {
      const from = new Date(Math.floor(Date.now() / 900_000) * 900_000 - 4 * 900_000 + 60_000); // inside a bucket
      const res = await get(`/api/meters/${f.ids.meter}/load?resolution=15m&from=${from.toISOString()}`);
      const body = res.json() as {
        points: Array<{ ts: string; samples: number; energyKwh: number; powerAvgKw: number }>;
      };
      expect(Date.parse(body.points[0]!.ts) % 900_000).toBe(0);
      const full = body.points.slice(0, 3);
      // fixture: one reading a minute, counter rises by power 30 000 kW × time → 7 500 kWh per 15 minutes
      for (const p of full) {
        expect(p.samples).toBe(15);
        expect(p.energyKwh).toBeCloseTo(7500, 6);
      }
    });

    it('downloads a load curve as CSV that matches the JSON', async () => {
      const from = new Date(Date.now() - 6 * 3600_000).toISOString();
      const q = `/api/accounts/${f.ids.account}/load?resolution=15m&from=${from}`;
      const json = (await get(q)).json() as { columns: string[]; points: Array<Record<string, unknown>> };
      const csv = await get(`${q}&format=csv`);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).toMatch(
        /^attachment; filename="huaxin-steel_15m_\d{8}T\d{6}Z_\d{8}T\d{6}Z\.csv"$/,
      );
      const lines = csv.body.split('\r\n');
      expect(lines.at(-1)).toBe('');
      expect(lines[0]).toBe('ts,powerKw,energyKwh,meters');
      const rows = lines.slice(1, -1).map((l) => l.split(','));
      expect(rows).toHaveLength(json.points.length);
      rows.forEach((cells, i) => {
        const p = json.points[i]!;
        expect(cells[0]).toBe(p.ts);
        expect(Number(cells[1])).toBe(p.powerKw);
        expect(cells[2] === '' ? null : Number(cells[2])).toBe(p.energyKwh);
        expect(Number(cells[3])).toBe(p.meters);
      });
      const viaAccept = await f.app.inject({ url: q, headers: { ...bearer(f.users.dispatcher), accept: 'text/csv' } });
      expect(viaAccept.body).toBe(csv.body);
    });

    it('refuses raw readings for a whole account', async () => {
      const res = await get(`/api/accounts/${f.ids.account}/load?resolution=raw`);
      expect(res.json()).toMatchObject({ error: 'validation_failed', field: 'resolution' });
    });

    it('sums energy by time-of-use period', async () => {
      const from = new Date(Date.now() - 24 * 3600_000);
      const res = await get(`/api/accounts/${f.ids.account}/energy-tou?from=${from.toISOString()}`);
      const periods = (res.json() as { periods: Array<{ period: string; energyKwh: number }> }).periods;
      expect(periods.map((p) => p.period)).toEqual(expect.arrayContaining(['peak', 'flat', 'valley']));
      const total = periods.reduce((s, p) => s + p.energyKwh, 0);
      expect(total).toBeGreaterThan(30_000 * 22);
      expect(total).toBeLessThanOrEqual(30_000 * 24.01);
    });

    it('reports meter status, last seen, completeness and voltage limits', async () => {
      const res = await get(`/api/meters/${f.ids.meter}`);
      const m = res.json() as Record<string, unknown>;
      expect(m).toMatchObject({
        code: 'huaxin-main-110kv',
        commStateSource: expect.any(String),
        completenessToday: { expected: expect.any(Number), received: expect.any(Number) },
        // GB/T 12325 ≥35 kV sum rule: ±5 % band around 110 kV / √3
        voltageLimits: {
          method: 'gbt12325_sum_35kv_up',
          basis: 'phase',
          nominalV: 63508.53,
          upperPct: 5,
          lowerPct: 5,
          sumPct: 10,
        },
      });
      expect(Date.now() - Date.parse(String(m.lastSeenAt))).toBeLessThan(3 * 60_000);
      const eaf = (await get(`/api/accounts/${f.ids.account}`)).json() as {
        meters: Array<{ code: string; commState: string; lastSeenAt: null }>;
      };
      expect(eaf.meters.find((x) => x.code === 'huaxin-eaf-10kv')).toMatchObject({
        commState: 'unknown',
        lastSeenAt: null,
      });
    });

    it('gives the fleet view live load, today and yesterday', async () => {
      const res = await get('/api/fleet/overview');
      const huaxin = (res.json() as { accounts: Array<Record<string, unknown>> }).accounts.find(
        (a) => a.id === f.ids.account,
      )!;
      expect(huaxin.liveLoadKw).toBeGreaterThan(0);
      expect((huaxin.yesterday as unknown[]).length).toBe(96);
      expect(huaxin.todayMaxKw as number).toBeGreaterThanOrEqual(huaxin.todayMinKw as number);
      expect(huaxin.alerts).toEqual({ critical: 0, major: 1, minor: 0, info: 0 });
    });
    it('adds up only the meters that make the account total, not a sub-meter behind them', async () => {
      // cloudgate-dc: two incomers make the total; the UPS output is downstream of them
      const latest = await f.db.query<{ code: string; power_kw: number; in_account_total: boolean }>(
        `SELECT m.code, r.power_kw, m.in_account_total FROM meters m
         JOIN LATERAL (SELECT power_kw FROM readings WHERE meter_id = m.id ORDER BY ts DESC LIMIT 1) r ON true
        WHERE m.account_id = $1`,
        [f.ids.otherAccount],
      );
      expect(latest.rows.map((r) => [r.code, r.in_account_total]).sort()).toEqual([
        ['cloudgate-in-a', true],
        ['cloudgate-in-b', true],
        ['cloudgate-ups', false],
      ]);
      const incomers = latest.rows.filter((r) => r.in_account_total).reduce((s, r) => s + r.power_kw, 0);
      const overview = (await get('/api/fleet/overview')).json() as {
        accounts: Array<{ id: number; liveLoadKw: number }>;
      };
      const cloudgate = overview.accounts.find((a) => a.id === f.ids.otherAccount)!;
      expect(cloudgate.liveLoadKw).toBeCloseTo(incomers, 3);

      const curve = (await get(`/api/accounts/${f.ids.otherAccount}/load?resolution=15m`)).json() as {
        points: Array<{ ts: string; powerKw: number; meters: number }>;
      };
      const point = curve.points.at(-2)!;
      const { rows } = await f.db.query<{ kw: number }>(
        `SELECT sum(l.power_avg_kw)::float8 AS kw FROM load_15m l JOIN meters m ON m.id = l.meter_id
        WHERE m.account_id = $1 AND m.in_account_total AND l.bucket = $2`,
        [f.ids.otherAccount, new Date(point.ts)],
      );
      expect(point.meters).toBe(2);
      expect(point.powerKw).toBeCloseTo(rows[0]!.kw, 3);
    });
  });

  describe('alerts', () => {
    it('acknowledges, comments and resolves, with an audit trail and a live event each', async () => {
      const events: unknown[] = [];
      f.bus.on('alert', (e) => events.push(e));
      const url = `/api/alerts/${f.ids.alert}`;
      const ack = await post(`${url}/acknowledge`, { note: 'on it' }, f.users.manager);
      expect(ack.json()).toMatchObject({ state: 'acknowledged', acknowledgedBy: `user:${f.users.manager.username}` });
      expect((await post(`${url}/acknowledge`, {}, f.users.manager)).statusCode).toBe(200); // idempotent
      expect((await post(`${url}/comments`, { note: 'capacitor bank 2 tripped' })).statusCode).toBe(201);
      const resolved = await post(`${url}/resolve`, { note: 'bank replaced' }, f.users.manager);
      expect(resolved.json()).toMatchObject({ state: 'resolved', resolutionNote: 'bank replaced' });
      expect((await post(`${url}/resolve`, { note: 'again' })).json()).toMatchObject({ error: 'conflict' });
      expect((await post(`${url}/acknowledge`, {})).statusCode).toBe(409);

      const detail = (await get(url)).json() as {
        events: Array<{ action: string; actor: string; note: string | null }>;
      };
      expect(detail.events.map((e) => [e.action, e.note])).toEqual([
        ['acknowledged', 'on it'],
        ['commented', 'capacitor bank 2 tripped'],
        ['resolved', 'bank replaced'],
      ]);
      const { rows } = await f.db.query('SELECT state, resolved_by FROM alerts WHERE id = $1', [f.ids.alert]);
      expect(rows[0]).toEqual({ state: 'resolved', resolved_by: `user:${f.users.manager.username}` });
      expect(events).toEqual([
        expect.objectContaining({
          alertId: f.ids.alert,
          accountId: f.ids.account,
          state: 'acknowledged',
          action: 'acknowledged',
        }),
        expect.objectContaining({ action: 'acknowledged' }),
        expect.objectContaining({ action: 'commented' }),
        expect.objectContaining({ state: 'resolved', action: 'resolved' }),
      ]);
    });
  });

  describe('service records', () => {
    it('creates, reads, changes and deletes records within the manager’s accounts', async () => {
      const base = `/api/accounts/${f.ids.account}/service-records`;
      const visit = await post(
        base,
        { kind: 'visit', occurredAt: '2026-03-01T10:00:00+08:00', summary: 'Checked PF' },
        f.users.manager,
      );
      expect(visit.statusCode).toBe(201);
      const { id } = visit.json() as { id: number };
      const noParent = await post(
        base,
        { kind: 'revisit', occurredAt: '2026-03-08T10:00:00+08:00', summary: 'x' },
        f.users.manager,
      );
      expect(noParent.json()).toMatchObject({ error: 'validation_failed', field: 'followUpOf' });
      const foreign = await post(
        base,
        {
          kind: 'revisit',
          occurredAt: '2026-03-08T10:00:00+08:00',
          summary: 'x',
          followUpOf: f.ids.otherServiceRecord,
        },
        f.users.manager,
      );
      expect(foreign.json()).toMatchObject({ field: 'followUpOf' });
      const revisit = await post(
        base,
        { kind: 'revisit', occurredAt: '2026-03-08T10:00:00+08:00', summary: 'Customer satisfied', followUpOf: id },
        f.users.manager,
      );
      expect(revisit.json()).toMatchObject({
        kind: 'revisit',
        followUpOf: id,
        createdBy: `user:${f.users.manager.username}`,
      });

      const patched = await f.app.inject({
        method: 'PATCH',
        url: `/api/service-records/${id}`,
        headers: bearer(f.users.manager),
        payload: { summary: 'Checked PF and capacitor banks' },
      });
      expect(patched.json()).toMatchObject({ id, summary: 'Checked PF and capacitor banks', kind: 'visit' });
      const list = (await get(`${base}?kind=revisit`, f.users.customer)).json() as {
        items: Array<{ summary: string }>;
      };
      expect(list.items.map((r) => r.summary)).toEqual(['Customer satisfied']);

      const other = await f.app.inject({
        method: 'DELETE',
        url: `/api/service-records/${id}`,
        headers: bearer(f.users.otherManager),
      });
      expect(other.statusCode).toBe(404);
      const remove = (recordId: number) =>
        f.app.inject({ method: 'DELETE', url: `/api/service-records/${recordId}`, headers: bearer(f.users.manager) });
      expect((await remove(id)).json()).toMatchObject({ error: 'conflict' }); // its revisit would be orphaned
      expect((await remove((revisit.json() as { id: number }).id)).statusCode).toBe(204);
      expect((await remove(id)).statusCode).toBe(204);
      expect((await get(`/api/service-records/${id}`)).statusCode).toBe(404);
    });
  });

  describe('live stream', () => {
    it('delivers readings and alert changes of visible accounts only', async () => {
      await f.app.listen({ port: 0, host: '127.0.0.1' });
      const base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
      const open = async (token: string) => {
        const controller = new AbortController();
        const res = await fetch(`${base}/api/stream`, {
          headers: { authorization: `Bearer ${token}` },
          signal: controller.signal,
        });
        expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
        const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        const frames: Array<{ event: string; data: Record<string, unknown> }> = [];
        const next = async (event: string) => {
          for (let i = 0; i < 200; i++) {
            const found = frames.findIndex((fr) => fr.event === event);
            if (found >= 0) return frames.splice(found, 1)[0]!;
            const { value, done } = await reader.read();
            if (done) throw new Error('stream ended');
            buffer += value;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const raw = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const ev = /^event: (.+)$/m.exec(raw)?.[1];
              const data = /^data: (.+)$/m.exec(raw)?.[1];
              if (ev && data) frames.push({ event: ev, data: JSON.parse(data) as Record<string, unknown> });
            }
          }
          throw new Error(`no ${event} event`);
        };
        await next('ready');
        return { next, frames, close: () => controller.abort() };
      };
      const customer = await open(f.users.customer.token);
      const dispatcher = await open(f.users.dispatcher.token);

      f.bus.emit('reading', {
        meterId: f.ids.otherMeter,
        ts: new Date('2026-03-01T00:00:00Z'),
        values: { powerKw: 1 },
      });
      f.bus.emit('reading', [{ meterId: f.ids.meter, ts: '2026-03-01T00:00:15Z', values: { powerKw: 2, pf: 0.93 } }]);
      f.bus.emit('alert', {
        alertId: f.ids.otherAlert,
        accountId: f.ids.otherAccount,
        state: 'open',
        action: 'opened',
      });

      expect((await dispatcher.next('reading')).data).toMatchObject({
        meterId: f.ids.otherMeter,
        accountId: f.ids.otherAccount,
        powerKw: 1,
      });
      expect((await dispatcher.next('reading')).data).toMatchObject({ meterId: f.ids.meter, powerKw: 2, pf: 0.93 });
      expect((await dispatcher.next('alert')).data).toMatchObject({ alertId: f.ids.otherAlert });
      // the customer's stream skips the other account: the first reading it sees is its own
      expect((await customer.next('reading')).data).toEqual({
        meterId: f.ids.meter,
        accountId: f.ids.account,
        ts: '2026-03-01T00:00:15Z',
        quality: 0,
        powerKw: 2,
        pf: 0.93,
      });
      f.bus.emit('alert', { alertId: f.ids.alert, accountId: f.ids.account, state: 'acknowledged' });
      expect((await customer.next('alert')).data).toMatchObject({ alertId: f.ids.alert });
      expect(customer.frames).toEqual([]);

      const metrics = await f.app.inject({ url: '/metrics', headers: bearer(f.users.ops) });
      expect(metrics.body).toMatch(/^kam_live_stream_clients 2$/m);
      customer.close();
      dispatcher.close();
    });
  });

  describe('metrics', () => {
    it('serves HTTP figures and merges the registries of other components', async () => {
      const ingest = new Registry();
      new Counter({ name: 'kam_ingest_readings_total', help: 'readings written', registers: [ingest] }).inc(42);
      const app = await buildApi({
        db: f.db,
        logger: pino({ level: 'silent' }),
        components: () => ({}),
        metricsRegistries: [ingest],
      });
      await app.inject({ url: '/healthz' });
      const res = await app.inject({ url: '/metrics', headers: bearer(f.users.ops) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain/);
      expect(res.body).toMatch(/^kam_ingest_readings_total 42$/m);
      expect(res.body).toMatch(
        /^kam_http_request_duration_seconds_count\{method="GET",route="\/healthz",status_code="200"\} 1$/m,
      );
      expect(res.body).toMatch(/^process_cpu_user_seconds_total /m);
      await app.close();
    });

    it('refuses registries whose metric names collide', async () => {
      const a = new Registry();
      new Counter({ name: 'kam_http_request_duration_seconds', help: 'clash', registers: [a] });
      await expect(
        buildApi({
          db: f.db,
          logger: pino({ level: 'silent' }),
          components: () => ({}),
          metricsRegistries: [a],
          processMetrics: false,
        }),
      ).rejects.toMatchObject({ code: 'API_METRICS_CONFLICT' });
    });
  });

  describe('errors', () => {
    it('never leaks internals in a 5xx', async () => {
      const broken = await buildApi({
        db: {
          query: () => Promise.reject(new Error('relation "secret_table" does not exist at 10.0.0.5')),
          connect: f.db.connect,
          end: f.db.end,
        },
        logger: pino({ level: 'silent' }),
        components: () => ({}),
        processMetrics: false,
      });
      const res = await broken.inject({ url: '/status' });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ error: 'internal_error', message: 'internal server error' });
      await broken.close();
    });
  });

  describe('demo users', () => {
    it('creates one user per role and manager with generated passwords, replaced at every start', async () => {
      const first = await ensureDemoUsers(f.db);
      expect(first.map((c) => c.username)).toEqual([
        'admin',
        'dispatcher',
        'ops',
        'wang-li',
        'chen-jing',
        'emma-clark',
        'customer-huaxin-steel',
      ]);
      expect(new Set(first.map((c) => c.password)).size).toBe(first.length);
      const second = await ensureDemoUsers(f.db);
      expect(second[0]!.password).not.toBe(first[0]!.password);
      const login = await f.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'wang-li', password: second.find((c) => c.username === 'wang-li')!.password },
      });
      expect(login.json()).toMatchObject({ user: { role: 'account_manager' } });
      const fixed = await ensureDemoUsers(f.db, { password: 'demo-password-1' });
      expect(fixed.every((c) => c.password === 'demo-password-1')).toBe(true);
      await expect(ensureDemoUsers(f.db, { password: 'short' })).rejects.toMatchObject({ code: 'validation_failed' });
    });
  });
});
