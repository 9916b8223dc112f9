import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { Db } from '../../../lib/db/index.ts';
import { type Backend, embeddedBackend, openMigratedDatabase, type OpenOptions } from '../../support/databases.ts';

export const silentLogger = pino({ level: process.env.KAM_TEST_LOG ?? 'silent' });

export interface IngestTestDb {
  db: Db;
  accountId: number;
  close(): Promise<void>;
}

/** A migrated database (the shared fixture) with one manager + account to hang meters on. */
export async function openIngestDb(options: OpenOptions & { backend?: Backend } = {}): Promise<IngestTestDb> {
  const t = await openMigratedDatabase(options.backend ?? embeddedBackend, options);
  const { db } = t;
  await db.query(`INSERT INTO managers (code, name, email) VALUES ('mgr', 'Manager', 'mgr@grid.example')`);
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO accounts (code, name, industry, contracted_capacity_kva, supply_voltage_kv, is_key_account, tier, classification_reason, manager_id)
     SELECT 'acct', 'Account', 'steel', 5000, 10, true, 'B', 'test', id FROM managers WHERE code = 'mgr' RETURNING id`,
  );
  return { db, accountId: rows[0]!.id, close: () => t.close() };
}

export interface TestMeter {
  code: string;
  protocol: 'modbus' | 'mqtt';
  host?: string;
  port?: number;
  unitId?: number;
  mapName?: string;
  topic?: string;
  payloadFormat?: 'json' | 'sparkplug';
  ptRatio?: number;
  ctRatio?: number;
  ratedKw?: number;
  pollIntervalS?: number;
}

/** Inserts meters; returns their ids by code. */
export async function insertMeters(db: Db, accountId: number, meters: TestMeter[]): Promise<Record<string, number>> {
  const ids: Record<string, number> = {};
  for (const m of meters) {
    const { rows } = await db.query<{ id: number }>(
      `INSERT INTO meters (code, account_id, protocol, host, port, unit_id, map_name, topic, payload_format, pt_ratio, ct_ratio,
                           nominal_voltage_v, rated_kw, poll_interval_s)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 10000, $12, $13) RETURNING id`,
      [
        m.code,
        accountId,
        m.protocol,
        m.host ?? null,
        m.port ?? null,
        m.unitId ?? null,
        m.mapName ?? null,
        m.topic ?? null,
        m.payloadFormat ?? null,
        m.ptRatio ?? 1,
        m.ctRatio ?? 1,
        m.ratedKw ?? null,
        m.pollIntervalS ?? 15,
      ],
    );
    ids[m.code] = rows[0]!.id;
  }
  return ids;
}

export function makeTempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
