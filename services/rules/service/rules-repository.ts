import { type Db } from '../../../lib/db/index.ts';
import { READING_QUANTITIES, type Reading, type ReadingValues } from '../../../lib/domain/index.ts';
import type { MeterRulesState } from '../core/index.ts';
import type { RulesState } from '../core/index.ts';
import { type MeterRuleContext, parseMeterRuleContext } from '../core/index.ts';

// SQL of the rules service (conventions.md §3, §17): reference data → MeterRuleContext, readings
// after the checkpoint, the checkpoint itself. Set-based statements only; no loops of queries.

export type Queryable = Pick<Db, 'query'>;

export interface MeterContextLoad {
  contexts: Map<number, MeterRuleContext>;
  /** meters whose rows do not make a valid context (logged, not evaluated) */
  invalid: { meterId: number; error: string }[];
}

/** One query over meters ⋈ accounts for every active meter. */
export async function loadMeterContexts(q: Queryable): Promise<MeterContextLoad> {
  const { rows } = await q.query<{
    meter_id: number;
    account_id: number;
    nominal_voltage_v: number;
    wiring: '3P4W' | '3P3W' | '1P2W';
    rated_kw: number | null;
    poll_interval_s: number;
    supply_voltage_kv: number;
    contracted_capacity_kva: number;
    pf_target: number;
    tier: MeterRuleContext['tier'];
    voltage_upper_pct: number | null;
    voltage_lower_pct: number | null;
  }>(
    `SELECT m.id AS meter_id, m.account_id, m.nominal_voltage_v, m.wiring, m.rated_kw, m.poll_interval_s,
            a.supply_voltage_kv, a.contracted_capacity_kva, a.pf_target, a.tier, a.voltage_upper_pct, a.voltage_lower_pct
       FROM meters m
       JOIN accounts a ON a.id = m.account_id
      WHERE m.active
      ORDER BY m.id`,
  );
  const contexts = new Map<number, MeterRuleContext>();
  const invalid: MeterContextLoad['invalid'] = [];
  for (const r of rows) {
    try {
      contexts.set(
        r.meter_id,
        parseMeterRuleContext({
          meterId: r.meter_id,
          accountId: r.account_id,
          nominalVoltageV: r.nominal_voltage_v,
          wiring: r.wiring,
          supplyVoltageKv: r.supply_voltage_kv,
          contractedCapacityKva: r.contracted_capacity_kva,
          pfTarget: r.pf_target,
          tier: r.tier,
          ...(r.voltage_upper_pct !== null && r.voltage_lower_pct !== null
            ? { voltageLimitsPct: { upper: r.voltage_upper_pct, lower: r.voltage_lower_pct } }
            : {}),
          ...(r.rated_kw !== null ? { ratedKw: r.rated_kw } : {}),
          pollIntervalS: r.poll_interval_s,
        }),
      );
    } catch (err) {
      invalid.push({ meterId: r.meter_id, error: (err as Error).message });
    }
  }
  return { contexts, invalid };
}

export interface StoredRulesState {
  state: RulesState;
  /** committed cycles of this service; a mismatch at commit means another instance wrote */
  cycles: number;
  evaluationTime: Date | null;
}

export async function loadRulesState(q: Queryable, service: string): Promise<StoredRulesState> {
  // checkpoint first: a commit between the two reads then fails the next optimistic check
  const checkpoint = await q.query<{ cycles: number; evaluation_time: Date }>(
    'SELECT cycles, evaluation_time FROM rules_checkpoints WHERE service = $1',
    [service],
  );
  const meters = await q.query<{ meter_id: number; state: MeterRulesState }>(
    'SELECT meter_id, state FROM rules_meter_state WHERE service = $1 ORDER BY meter_id',
    [service],
  );
  const state: RulesState = { version: 1, meters: {} };
  for (const r of meters.rows) state.meters[String(r.meter_id)] = r.state;
  return {
    state,
    cycles: checkpoint.rows[0]?.cycles ?? 0,
    evaluationTime: checkpoint.rows[0]?.evaluation_time ?? null,
  };
}

/**
 * The fleet watermark: the newest reading timestamp not after `now`. The service evaluates up
 * to it, not up to the clock, so a stalled or backlogged ingest (database down, spool not yet
 * replayed) does not make every meter look silent.
 */
export async function readFleetWatermark(q: Queryable, now: Date): Promise<Date | null> {
  const { rows } = await q.query<{ ts: Date | null }>('SELECT max(ts) AS ts FROM readings WHERE ts <= $1', [now]);
  return rows[0]?.ts ?? null;
}

const VALUE_COLUMNS = READING_QUANTITIES.map((q) => `r.${q.column}`).join(', ');

/**
 * Readings after each meter's position, up to `upTo`, oldest first across the fleet, at most
 * `limit` rows: one statement. Ordering by (ts, meter) makes a truncated batch a prefix in time,
 * so the batch's last timestamp is a safe evaluation time for it.
 */
export async function readReadingsAfter(
  q: Queryable,
  positions: readonly { meterId: number; after: Date }[],
  upTo: Date,
  limit: number,
): Promise<Reading[]> {
  if (positions.length === 0) return [];
  const earliest = new Date(Math.min(...positions.map((p) => p.after.getTime())));
  const { rows } = await q.query<Record<string, unknown> & { meter_id: number; ts: Date; quality: number }>(
    `SELECT r.meter_id, r.ts, r.quality, ${VALUE_COLUMNS}
       FROM readings r
       JOIN unnest($1::int[], $2::timestamptz[]) AS p(meter_id, after_ts) ON p.meter_id = r.meter_id
      WHERE r.ts > p.after_ts AND r.ts <= $3 AND r.ts > $4
      ORDER BY r.ts, r.meter_id
      LIMIT $5`,
    [positions.map((p) => p.meterId), positions.map((p) => p.after), upTo, earliest, limit],
  );
  return rows.map((row) => {
    const values: ReadingValues = {};
    for (const { key, column } of READING_QUANTITIES) {
      const v = row[column];
      if (typeof v === 'number') values[key] = v;
    }
    return { meterId: row.meter_id, ts: row.ts, values, quality: row.quality };
  });
}

/**
 * Save the per-meter state of the meters that changed (one statement) and bump the service's
 * checkpoint row, refusing if another instance committed since this one loaded (optimistic
 * concurrency on `cycles`). Call inside the cycle's transaction.
 */
export async function saveRulesState(
  q: Queryable,
  service: string,
  changed: Record<string, MeterRulesState>,
  expectedCycles: number,
  evaluationTime: Date,
  now: Date,
): Promise<boolean> {
  const bumped = await q.query(
    `INSERT INTO rules_checkpoints AS c (service, state_version, evaluation_time, cycles, updated_at)
     VALUES ($1, 1, $2, 1, $3)
     ON CONFLICT (service) DO UPDATE
       SET evaluation_time = EXCLUDED.evaluation_time, state_version = EXCLUDED.state_version,
           cycles = c.cycles + 1, updated_at = EXCLUDED.updated_at
     WHERE c.cycles = $4`,
    [service, evaluationTime, now, expectedCycles],
  );
  // a first cycle inserts the row; a later one updates it only if nobody else committed meanwhile
  if ((bumped.rowCount ?? 0) !== 1) return false;
  if (Object.keys(changed).length === 0) return true;
  await q.query(
    `INSERT INTO rules_meter_state (service, meter_id, last_ts, state, updated_at)
     SELECT $1, e.key::int,
            CASE WHEN jsonb_typeof(e.value -> 'lastTs') = 'number'
                 THEN to_timestamp((e.value ->> 'lastTs')::float8 / 1000) END,
            e.value, $3
       FROM jsonb_each($2::jsonb) AS e
     ON CONFLICT (service, meter_id) DO UPDATE
       SET last_ts = EXCLUDED.last_ts, state = EXCLUDED.state, updated_at = EXCLUDED.updated_at`,
    [service, JSON.stringify(changed), now],
  );
  return true;
}
