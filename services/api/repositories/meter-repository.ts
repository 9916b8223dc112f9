import type { Db } from '../../../lib/db/index.ts';
import { type AccountScope, scopeSql } from '../auth/roles.ts';

export type CommState = 'ok' | 'failing' | 'lost' | 'unknown';

export interface MeterSummary {
  id: number;
  code: string;
  name: string;
  accountId: number;
  accountCode: string;
  protocol: 'modbus' | 'mqtt';
  active: boolean;
  wiring: '3P4W' | '3P3W' | '1P2W';
  nominalVoltageV: number;
  ratedKw: number | null;
  pollIntervalS: number;
  lastSeenAt: Date | null;
  commState: CommState;
  /** where commState comes from: ingest's meter_status row, or derived here from the reading age */
  commStateSource: 'ingest' | 'derived';
  completenessToday: { expected: number; received: number; rate: number | null };
}

// Without an ingest meter_status row for the meter the state is derived from the newest reading's age:
// within 3 poll intervals (at least 60 s) ok, within 15 min failing, older lost.
const DERIVED_OK_POLLS = 3;
const DERIVED_FAILING_S = 15 * 60;

/**
 * Meters with status, last seen and today's collection completeness (slots of the poll interval
 * since local midnight that received a reading, as in migration 005's collection_completeness).
 * The state is ingest's meter_status row (migration 005) where the meter has one.
 */
export async function listMeters(
  db: Db,
  scope: AccountScope,
  filter: { accountId?: number; meterId?: number; afterId?: number; limit: number; dayStart: Date; now: Date },
): Promise<MeterSummary[]> {
  const { rows } = await db.query<MeterSummary & { expected: number; received: number; msState: string | null }>(
    `SELECT m.id, m.code, m.name, m.account_id AS "accountId", a.code AS "accountCode", m.protocol, m.active, m.wiring,
            m.nominal_voltage_v AS "nominalVoltageV", m.rated_kw AS "ratedKw", m.poll_interval_s AS "pollIntervalS",
            coalesce(ms.last_seen_at,
                     (SELECT r.ts FROM readings r WHERE r.meter_id = m.id ORDER BY r.ts DESC LIMIT 1)) AS "lastSeenAt",
            ms.comm_state AS "msState",
            (ceil(extract(epoch FROM $6::timestamptz) / m.poll_interval_s)
             - ceil(extract(epoch FROM $5::timestamptz) / m.poll_interval_s))::int AS expected,
            (SELECT count(DISTINCT floor(extract(epoch FROM r.ts) / m.poll_interval_s))::int
               FROM readings r WHERE r.meter_id = m.id AND r.ts >= $5 AND r.ts < $6) AS received
       FROM meters m JOIN accounts a ON a.id = m.account_id LEFT JOIN meter_status ms ON ms.meter_id = m.id
      WHERE ${scopeSql('a', 1, 2)}
        AND ($3::int IS NULL OR m.account_id = $3)
        AND ($4::int IS NULL OR m.id > $4)
        AND ($8::int IS NULL OR m.id = $8)
      ORDER BY m.id
      LIMIT $7`,
    [
      scope.managerId,
      scope.accountId,
      filter.accountId ?? null,
      filter.afterId ?? null,
      filter.dayStart,
      filter.now,
      filter.limit + 1,
      filter.meterId ?? null,
    ],
  );
  return rows.map(({ expected, received, msState, ...m }) => {
    const capped = Math.min(received, expected);
    const derived = deriveCommState(m.lastSeenAt, m.pollIntervalS, filter.now);
    return {
      ...m,
      commState: (msState as CommState | null) ?? derived,
      commStateSource: msState ? 'ingest' : 'derived',
      completenessToday: { expected, received: capped, rate: expected > 0 ? round4(capped / expected) : null },
    };
  });
}

export function deriveCommState(lastSeenAt: Date | null, pollIntervalS: number, now: Date): CommState {
  if (!lastSeenAt) return 'unknown';
  const ageS = (now.getTime() - lastSeenAt.getTime()) / 1000;
  if (ageS <= Math.max(DERIVED_OK_POLLS * pollIntervalS, 60)) return 'ok';
  if (ageS <= DERIVED_FAILING_S) return 'failing';
  return 'lost';
}

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;

export interface MeterContextRow {
  id: number;
  accountId: number;
  code: string;
  nominalVoltageV: number;
  wiring: '3P4W' | '3P3W' | '1P2W';
  ratedKw: number | null;
  pollIntervalS: number;
  supplyVoltageKv: number;
  contractedCapacityKva: number;
  pfTarget: number;
  tier: 'A' | 'B' | 'C' | 'potential' | 'none';
  voltageUpperPct: number | null;
  voltageLowerPct: number | null;
}

export async function getMeterContext(db: Db, meterId: number): Promise<MeterContextRow> {
  const { rows } = await db.query<MeterContextRow>(
    `SELECT m.id, m.account_id AS "accountId", m.code, m.nominal_voltage_v AS "nominalVoltageV", m.wiring,
            m.rated_kw AS "ratedKw", m.poll_interval_s AS "pollIntervalS", a.supply_voltage_kv AS "supplyVoltageKv",
            a.contracted_capacity_kva AS "contractedCapacityKva", a.pf_target AS "pfTarget", a.tier,
            a.voltage_upper_pct AS "voltageUpperPct", a.voltage_lower_pct AS "voltageLowerPct"
       FROM meters m JOIN accounts a ON a.id = m.account_id WHERE m.id = $1`,
    [meterId],
  );
  return rows[0]!;
}

/** meter id → account id, for filtering the live stream. */
export async function meterAccounts(db: Db): Promise<Map<number, number>> {
  const { rows } = await db.query<{ id: number; account_id: number }>('SELECT id, account_id FROM meters');
  return new Map(rows.map((r) => [r.id, r.account_id]));
}
