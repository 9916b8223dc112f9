import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApi, ROLES, routeTableOf, type RouteEntry } from '../../../../services/api/index.ts';
import { type ApiFixture, bearer, PASSWORD, startApiFixture, type TestUser } from './fixture.ts';
import { BACKENDS } from '../../../support/databases.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  // Access control: the role matrix is generated from the app's own route table, so a new route is
  // covered the day it is added; scope (own accounts only) and login, session and token handling.

  let f: ApiFixture;
  let base: string;

  beforeAll(async () => {
    f = await startApiFixture({ withPasswords: true, backend });
    await f.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(f.app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => f?.close());

  const NO_SUCH_ID = 2_000_000_000;

  function concreteUrl(route: RouteEntry): string {
    // real ids of the customer's account (visible to admin, dispatcher, ops, manager wang-li and the
    // customer); DELETE gets an id that does not exist so the matrix destroys nothing
    const ids: Record<string, number> =
      route.method === 'DELETE'
        ? { accountId: NO_SUCH_ID, meterId: NO_SUCH_ID, alertId: NO_SUCH_ID, recordId: NO_SUCH_ID, tokenId: NO_SUCH_ID }
        : {
            accountId: f.ids.account,
            meterId: f.ids.meter,
            alertId: f.ids.alert,
            recordId: f.ids.serviceRecord,
            tokenId: NO_SUCH_ID,
          };
    return route.url.replace(/:(\w+)/g, (_m, name: string) => {
      if (!(name in ids)) throw new Error(`role matrix: no test id for :${name} in ${route.url}; add one`);
      return String(ids[name]);
    });
  }

  async function call(route: RouteEntry, user: TestUser | undefined): Promise<{ status: number; body: unknown }> {
    const hasBody = ['POST', 'PATCH', 'PUT'].includes(route.method);
    const res = await fetch(base + concreteUrl(route), {
      method: route.method,
      headers: { ...(user ? bearer(user) : {}), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      body: hasBody ? '{}' : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const type = res.headers.get('content-type') ?? '';
    // the live stream never ends by itself: read the status, then hang up
    const body = type.startsWith('application/json') ? await res.json() : await res.body?.cancel();
    return { status: res.status, body };
  }

  describe('role matrix generated from the route table', () => {
    it('has a role declaration on every route, and covers the API', () => {
      const table = routeTableOf(f.app);
      expect(table.length).toBeGreaterThan(20);
      for (const r of table) expect(r.roles, `${r.method} ${r.url}`).toBeDefined();
      const secured = table.filter((r) => r.roles !== 'public').map((r) => `${r.method} ${r.url}`);
      expect(secured).toEqual(
        expect.arrayContaining(['GET /api/accounts', 'POST /api/alerts/:alertId/acknowledge', 'GET /metrics']),
      );
    });

    it('answers 401 without credentials, 403 for roles not listed and lets listed roles through', async () => {
      const users: TestUser[] = [f.users.admin, f.users.dispatcher, f.users.ops, f.users.manager, f.users.customer];
      expect(new Set(users.map((u) => u.role))).toEqual(new Set(ROLES));
      const problems: string[] = [];
      for (const route of routeTableOf(f.app)) {
        if (route.roles === 'public' || route.roles === undefined) continue;
        const anonymous = await call(route, undefined);
        if (anonymous.status !== 401) problems.push(`${route.method} ${route.url} anonymous → ${anonymous.status}`);
        for (const user of users) {
          const { status, body } = await call(route, user);
          const allowed = route.roles.includes(user.role);
          if (allowed && (status === 401 || status === 403)) {
            problems.push(`${route.method} ${route.url} ${user.role} (allowed) → ${status}`);
          }
          if (!allowed && (status !== 403 || (body as { error?: string }).error !== 'forbidden')) {
            problems.push(`${route.method} ${route.url} ${user.role} (denied) → ${status}`);
          }
        }
      }
      expect(problems).toEqual([]);
    });

    it('guards the HEAD twins of GET routes the same way', async () => {
      for (const route of routeTableOf(f.app)) {
        if (route.method !== 'GET' || route.roles === 'public') continue;
        const res = await f.app.inject({ method: 'HEAD', url: concreteUrl(route) });
        expect(res.statusCode, route.url).toBe(401);
      }
    });

    it('logs every denied access', async () => {
      const before = f.logs.length;
      const res = await f.app.inject({ url: '/api/users', headers: bearer(f.users.dispatcher) });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toEqual({ error: 'forbidden', message: expect.stringContaining('dispatcher') });
      const denied = f.logs.slice(before).find((l) => l.msg === 'access denied');
      expect(denied).toMatchObject({
        level: 40,
        userId: f.users.dispatcher.userId,
        role: 'dispatcher',
        route: '/api/users',
      });
    });

    it('refuses to start with a route that declares no roles', async () => {
      const app = await buildApi({
        db: f.db,
        logger: pino({ level: 'silent' }),
        components: () => ({}),
        processMetrics: false,
      });
      app.get('/api/forgotten', async () => ({ secret: true }));
      await expect(app.ready()).rejects.toMatchObject({
        code: 'API_ROUTE_WITHOUT_ROLES',
        message: expect.stringContaining('/api/forgotten'),
      });
      await app.close().catch(() => {});
    });
  });

  describe('scope: own accounts only', () => {
    it('lists only the accounts of the manager, and only the own account for a customer', async () => {
      const codes = async (u: TestUser) =>
        (
          (await f.app.inject({ url: '/api/accounts', headers: bearer(u) })).json() as {
            items: Array<{ code: string }>;
          }
        ).items
          .map((a) => a.code)
          .sort();
      expect(await codes(f.users.manager)).toEqual(['donghai-chemical', 'huaxin-steel']);
      expect(await codes(f.users.otherManager)).toEqual(['city-hospital', 'cloudgate-dc', 'greenleaf-food']);
      expect(await codes(f.users.customer)).toEqual(['huaxin-steel']);
      expect(await codes(f.users.dispatcher)).toHaveLength(8);
    });

    it("answers another manager's resources exactly like ids that do not exist (404), and logs the attempt", async () => {
      const u = bearer(f.users.manager);
      const guesses = [
        [`/api/accounts/${f.ids.otherAccount}`, `/api/accounts/${NO_SUCH_ID}`],
        [`/api/accounts/${f.ids.otherAccount}/load?format=csv`, `/api/accounts/${NO_SUCH_ID}/load?format=csv`],
        [`/api/accounts/${f.ids.otherAccount}/service-records`, `/api/accounts/${NO_SUCH_ID}/service-records`],
        [`/api/meters/${f.ids.otherMeter}`, `/api/meters/${NO_SUCH_ID}`],
        [`/api/meters/${f.ids.otherMeter}/readings`, `/api/meters/${NO_SUCH_ID}/readings`],
        [`/api/alerts/${f.ids.otherAlert}`, `/api/alerts/${NO_SUCH_ID}`],
        [`/api/service-records/${f.ids.otherServiceRecord}`, `/api/service-records/${NO_SUCH_ID}`],
      ];
      const before = f.logs.length;
      for (const [other, missing] of guesses) {
        const a = await f.app.inject({ url: other!, headers: u });
        const b = await f.app.inject({ url: missing!, headers: u });
        expect([a.statusCode, b.statusCode], other).toEqual([404, 404]);
        const strip = (body: { message: string }) => ({ ...body, message: body.message.replace(/\d+/g, 'N') });
        expect(strip(a.json()), other).toEqual(strip(b.json()));
      }
      const denials = f.logs.slice(before).filter((l) => l.msg === 'access denied' && l.reason === 'out_of_scope');
      expect(denials).toHaveLength(guesses.length);
      expect(denials[0]).toMatchObject({
        userId: f.users.manager.userId,
        resource: 'account',
        resourceId: f.ids.otherAccount,
      });
    });

    it("cannot change another manager's alert or see it in lists", async () => {
      const u = bearer(f.users.manager);
      const ack = await f.app.inject({
        method: 'POST',
        url: `/api/alerts/${f.ids.otherAlert}/acknowledge`,
        headers: u,
        payload: {},
      });
      expect(ack.statusCode).toBe(404);
      const { rows } = await f.db.query('SELECT state FROM alerts WHERE id = $1', [f.ids.otherAlert]);
      expect(rows[0]).toEqual({ state: 'open' });
      const list = await f.app.inject({ url: `/api/alerts?accountId=${f.ids.otherAccount}`, headers: u });
      expect(list.json()).toEqual({ items: [], nextCursor: null });
      const overview = await f.app.inject({ url: '/api/fleet/overview', headers: bearer(f.users.customer) });
      expect((overview.json() as { accounts: Array<{ id: number }> }).accounts.map((a) => a.id)).toEqual([
        f.ids.account,
      ]);
    });
  });

  describe('login, sessions and API tokens', () => {
    const login = (username: string, password: string) =>
      f.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

    it('sets an HttpOnly SameSite=Lax session cookie whose id is stored only hashed', async () => {
      const res = await login(f.users.manager.username, PASSWORD);
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ user: { username: f.users.manager.username, role: 'account_manager' } });
      const cookie = String(res.headers['set-cookie']);
      expect(cookie).toMatch(/^kam_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=\d+$/);
      const sessionId = /^kam_session=([^;]+)/.exec(cookie)![1]!;
      const stored = await f.db.query<{ id_hash: Buffer }>('SELECT id_hash FROM sessions WHERE user_id = $1', [
        f.users.manager.userId,
      ]);
      expect(
        stored.rows.some((r) => r.id_hash.toString('base64url') === sessionId || r.id_hash.toString() === sessionId),
      ).toBe(false);

      const me = await f.app.inject({ url: '/api/me', headers: { cookie: `kam_session=${sessionId}` } });
      expect(me.json()).toMatchObject({ username: f.users.manager.username, via: 'session' });

      // a cookie-authenticated change from another origin is refused
      const cross = await f.app.inject({
        method: 'POST',
        url: `/api/alerts/${f.ids.alert}/comments`,
        headers: { cookie: `kam_session=${sessionId}`, origin: 'https://evil.example', host: 'kam.example' },
        payload: { note: 'hi' },
      });
      expect(cross.statusCode).toBe(403);

      const out = await f.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie: `kam_session=${sessionId}` },
      });
      expect(out.statusCode).toBe(204);
      expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
      expect((await f.app.inject({ url: '/api/me', headers: { cookie: `kam_session=${sessionId}` } })).statusCode).toBe(
        401,
      );
    });

    it('answers a wrong password and an unknown user alike, and throttles repeated failures', async () => {
      const wrong = await login(f.users.ops.username, 'not the password');
      const unknown = await login('nobody-here', 'not the password');
      expect([wrong.statusCode, unknown.statusCode]).toEqual([401, 401]);
      expect(wrong.json()).toEqual(unknown.json());
      expect(wrong.json()).toEqual({ error: 'invalid_credentials', message: 'wrong username or password' });
      for (let i = 0; i < 4; i++) await login(f.users.ops.username, 'still wrong');
      const blocked = await login(f.users.ops.username, PASSWORD);
      expect(blocked.statusCode).toBe(429);
      expect(blocked.json()).toMatchObject({ error: 'too_many_requests' });
    });

    it('shows an API token once, stores only its hash, and stops accepting it once revoked', async () => {
      const created = await f.app.inject({
        method: 'POST',
        url: '/api/tokens',
        headers: bearer(f.users.dispatcher),
        payload: { name: 'scada bridge' },
      });
      expect(created.statusCode).toBe(201);
      const { token, id, prefix } = created.json() as { token: string; id: number; prefix: string };
      expect(token).toMatch(/^kam_[A-Za-z0-9_-]{43}$/);
      expect(token.startsWith(prefix)).toBe(true);
      const row = await f.db.query<{ token_hash: Buffer }>('SELECT token_hash FROM api_tokens WHERE id = $1', [id]);
      expect(row.rows[0]!.token_hash).toHaveLength(32);
      expect(row.rows[0]!.token_hash.toString()).not.toContain(token.slice(4));

      const list = await f.app.inject({ url: '/api/tokens', headers: bearer(f.users.dispatcher) });
      expect(JSON.stringify(list.json())).not.toContain(token);
      const auth = { authorization: `Bearer ${token}` };
      expect((await f.app.inject({ url: '/api/me', headers: auth })).json()).toMatchObject({
        role: 'dispatcher',
        via: 'token',
      });

      // another staff user cannot revoke it; its owner can
      expect(
        (await f.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: bearer(f.users.ops) })).statusCode,
      ).toBe(404);
      expect((await f.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: auth })).statusCode).toBe(204);
      expect((await f.app.inject({ url: '/api/me', headers: auth })).statusCode).toBe(401);
    });

    it('rejects malformed credentials without looking them up', async () => {
      for (const authorization of ['Bearer', 'Bearer nope', 'Basic dXNlcjpwdw==', `Bearer kam_${'x'.repeat(10)}`]) {
        const res = await f.app.inject({ url: '/api/me', headers: { authorization } });
        expect(res.statusCode, authorization).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="kam"');
      }
      expect((await f.app.inject({ url: '/api/me', headers: { cookie: 'kam_session=short' } })).statusCode).toBe(401);
    });

    it('lets an admin create users with the links their role needs', async () => {
      const admin = bearer(f.users.admin);
      const missing = await f.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: admin,
        payload: { username: 'new-manager', role: 'account_manager', password: 'long enough pw' },
      });
      expect(missing.statusCode).toBe(400);
      expect(missing.json()).toMatchObject({ error: 'validation_failed', field: 'managerId' });
      const ok = await f.app.inject({
        method: 'POST',
        url: '/api/users',
        headers: admin,
        payload: {
          username: 'new-customer',
          role: 'customer',
          password: 'long enough pw',
          accountId: f.ids.otherAccount,
        },
      });
      expect(ok.statusCode).toBe(201);
      expect(JSON.stringify(ok.json())).not.toContain('scrypt');
      const again = await login('new-customer', 'long enough pw');
      expect(again.json()).toMatchObject({ user: { role: 'customer', accountId: f.ids.otherAccount } });
    });
  });
});
