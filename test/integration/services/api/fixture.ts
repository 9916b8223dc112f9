import { EventEmitter } from 'node:events';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import type { Db } from '../../../../lib/db/index.ts';
import { buildApi, type Role } from '../../../../services/api/index.ts';
import { insertApiToken, upsertUser } from '../../../../services/api/auth/auth-repository.ts';
import { hashPassword } from '../../../../services/api/auth/password.ts';
import { newApiToken } from '../../../../services/api/auth/secrets.ts';
import { type Backend, embeddedBackend, openMigratedDatabase, type TestDatabase } from '../../../support/databases.ts';

// One embedded TimescaleDB with the demo fleet, a user and an API token per role, readings for
// yesterday and today, and a few alerts — shared by the API tests and the browser test.

export const PASSWORD = 'correct horse battery staple';

export interface TestUser {
  username: string;
  role: Role;
  token: string;
  userId: number;
}

export interface ApiFixture {
  t: TestDatabase;
  db: Db;
  app: FastifyInstance;
  bus: EventEmitter;
  users: Record<'admin' | 'dispatcher' | 'ops' | 'manager' | 'otherManager' | 'customer', TestUser>;
  ids: {
    /** huaxin-steel, managed by wang-li; the customer's account */
    account: number;
    /** cloudgate-dc, managed by chen-jing */
    otherAccount: number;
    meter: number;
    otherMeter: number;
    alert: number;
    otherAlert: number;
    serviceRecord: number;
    otherServiceRecord: number;
  };
  logs: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export async function idOf(db: Db, table: 'accounts' | 'meters' | 'managers', code: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(`SELECT id FROM ${table} WHERE code = $1`, [code]);
  return rows[0]!.id;
}

/** Readings of one meter every `stepS` over [from, to): a smooth daily load shape around `baseKw`, phase voltages near nominal. */
export async function insertReadings(
  db: Db,
  meterId: number,
  from: Date,
  to: Date,
  baseKw: number,
  stepS = 60,
): Promise<void> {
  await db.query(
    `INSERT INTO readings (meter_id, ts, power_kw, reactive_kvar, pf, voltage_a_v, voltage_b_v, voltage_c_v, frequency_hz, import_kwh)
     SELECT $1, ts,
            $4 * (1 + 0.3 * sin(extract(epoch FROM ts) / 86400 * 2 * pi())),
            $4 * 0.3, 0.94 + 0.03 * sin(extract(epoch FROM ts) / 7200),
            un * (1.01 + 0.02 * sin(extract(epoch FROM ts) / 3600)), un * 1.005, un * (0.995 - 0.01 * cos(extract(epoch FROM ts) / 5400)),
            50, 1000 + $4 * extract(epoch FROM ts - $2::timestamptz) / 3600
       FROM generate_series($2::timestamptz, $3::timestamptz - interval '1 second', make_interval(secs => $5)) AS ts,
            (SELECT nominal_voltage_v / sqrt(3) AS un FROM meters WHERE id = $1) AS m
     ON CONFLICT DO NOTHING`,
    [meterId, from, to, baseKw, stepS],
  );
}

export async function startApiFixture(
  options: { withPasswords?: boolean; logLevel?: string; backend?: Backend } = {},
): Promise<ApiFixture> {
  const t = await openMigratedDatabase(options.backend ?? embeddedBackend, { fleet: true });
  const { db } = t;

  const account = await idOf(db, 'accounts', 'huaxin-steel');
  const otherAccount = await idOf(db, 'accounts', 'cloudgate-dc');
  const meter = await idOf(db, 'meters', 'huaxin-main-110kv');
  const otherMeter = await idOf(db, 'meters', 'cloudgate-in-a');
  const wangLi = await idOf(db, 'managers', 'wang-li');
  const chenJing = await idOf(db, 'managers', 'chen-jing');

  const passwordHash = options.withPasswords ? await hashPassword(PASSWORD) : null;
  const make = async (username: string, role: Role, links: { managerId?: number; accountId?: number } = {}) => {
    const user = await upsertUser(db, { username, role, passwordHash, displayName: username, ...links });
    const token = newApiToken();
    await insertApiToken(db, { userId: user.id, name: 'test', token, expiresInDays: 1 });
    return { username, role, token, userId: user.id };
  };
  const users = {
    admin: await make('t-admin', 'admin'),
    dispatcher: await make('t-dispatcher', 'dispatcher'),
    ops: await make('t-ops', 'ops'),
    manager: await make('t-wang', 'account_manager', { managerId: wangLi }),
    otherManager: await make('t-chen', 'account_manager', { managerId: chenJing }),
    customer: await make('t-huaxin', 'customer', { accountId: account }),
  };

  // readings: yesterday 00:00 local (UTC+8) until now, one a minute, for two meters per side
  const now = Date.now();
  const dayMs = 86_400_000;
  const todayStart = Math.floor((now + 8 * 3600_000) / dayMs) * dayMs - 8 * 3600_000;
  const from = new Date(todayStart - dayMs);
  const to = new Date(Math.floor(now / 60_000) * 60_000);
  await insertReadings(db, meter, from, to, 30_000);
  await insertReadings(db, otherMeter, from, to, 4_000);
  // every other meter except the arc-furnace feeder: one reading per 5 minutes, half the capacity
  const rest = await db.query<{ id: number; kva: number }>(
    `SELECT m.id, a.contracted_capacity_kva AS kva FROM meters m JOIN accounts a ON a.id = m.account_id
      WHERE m.id <> ALL ($1::int[]) AND m.code <> 'huaxin-eaf-10kv'`,
    [[meter, otherMeter]],
  );
  for (const m of rest.rows) await insertReadings(db, m.id, from, to, m.kva * 0.25, 300);

  const alert = await db.query<{ id: number }>(
    `INSERT INTO alerts (meter_id, account_id, kind, severity, opened_at, evidence)
     VALUES ($1, $2, 'low_power_factor', 'major', now() - interval '2 hours', '{"pf": 0.82}'),
            ($3, $4, 'under_voltage', 'critical', now() - interval '1 hour', '{"phase": "A"}')
     RETURNING id`,
    [meter, account, otherMeter, otherAccount],
  );
  const records = await db.query<{ id: number }>(
    `INSERT INTO service_records (account_id, kind, occurred_at, summary, created_by)
     VALUES ($1, 'visit', now() - interval '3 days', 'Quarterly visit', 'fixture'),
            ($2, 'call', now() - interval '2 days', 'Called about UPS', 'fixture')
     RETURNING id`,
    [account, otherAccount],
  );

  const logs: Array<Record<string, unknown>> = [];
  const sink = { write: (line: string) => logs.push(JSON.parse(line) as Record<string, unknown>) };
  const logger = pino({ level: options.logLevel ?? 'warn' }, sink);
  const bus = new EventEmitter();
  const app = await buildApi({ db, logger, components: () => ({ test: true }), events: bus, processMetrics: false });
  await app.ready();

  return {
    t,
    db,
    app,
    bus,
    users,
    ids: {
      account,
      otherAccount,
      meter,
      otherMeter,
      alert: alert.rows[0]!.id,
      otherAlert: alert.rows[1]!.id,
      serviceRecord: records.rows[0]!.id,
      otherServiceRecord: records.rows[1]!.id,
    },
    logs,
    async close() {
      await app.close();
      await t.close();
    },
  };
}

export const bearer = (u: TestUser) => ({ authorization: `Bearer ${u.token}` });
