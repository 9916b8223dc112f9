// The meters ingest reads: active rows of `meters` (migrations/001_reference.sql).
import type { Db } from '../lib/db/index.ts';

export interface IngestMeter {
  id: number;
  code: string;
  protocol: 'modbus' | 'mqtt';
  host: string | null;
  port: number | null;
  unitId: number | null;
  mapName: string | null;
  topic: string | null;
  payloadFormat: 'json' | 'sparkplug' | null;
  ptRatio: number;
  ctRatio: number;
  ratedKw: number | null;
  pollIntervalS: number;
}

export async function loadIngestMeters(
  db: Db,
  filter: { protocols?: ReadonlyArray<'modbus' | 'mqtt'> } = {},
): Promise<IngestMeter[]> {
  const { rows } = await db.query<IngestMeter>(
    `SELECT id, code, protocol, host, port, unit_id AS "unitId", map_name AS "mapName", topic,
            payload_format AS "payloadFormat", pt_ratio::float8 AS "ptRatio", ct_ratio::float8 AS "ctRatio",
            rated_kw::float8 AS "ratedKw", poll_interval_s AS "pollIntervalS"
       FROM meters
      WHERE active AND ($1::text[] IS NULL OR protocol = ANY($1::text[]))
      ORDER BY id`,
    [filter.protocols ? [...filter.protocols] : null],
  );
  return rows;
}
