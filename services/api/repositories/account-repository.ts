import type { Db } from '../../../lib/db/index.ts';
import { type AccountScope, scopeSql } from '../auth/roles.ts';

export interface AccountSummary {
  id: number;
  code: string;
  name: string;
  industry: string;
  tier: string;
  isKeyAccount: boolean;
  classificationReason: string;
  contractedCapacityKva: number;
  annualConsumptionKwh: number;
  dualSupply: boolean;
  supplyVoltageKv: number;
  importanceGrade: string;
  pfTarget: number;
  manager: { id: number; code: string; name: string; email: string; phone: string | null };
  meterCount: number;
  openAlerts: number;
}

const ACCOUNT_SELECT = `
  SELECT a.id, a.code, a.name, a.industry, a.tier, a.is_key_account AS "isKeyAccount",
         a.classification_reason AS "classificationReason", a.contracted_capacity_kva AS "contractedCapacityKva",
         a.annual_consumption_kwh AS "annualConsumptionKwh", a.dual_supply AS "dualSupply",
         a.supply_voltage_kv AS "supplyVoltageKv", a.importance_grade AS "importanceGrade", a.pf_target AS "pfTarget",
         a.voltage_upper_pct AS "voltageUpperPct", a.voltage_lower_pct AS "voltageLowerPct",
         json_build_object('id', g.id, 'code', g.code, 'name', g.name, 'email', g.email, 'phone', g.phone) AS manager,
         (SELECT count(*) FROM meters m WHERE m.account_id = a.id AND m.active)::int AS "meterCount",
         (SELECT count(*) FROM alerts al WHERE al.account_id = a.id AND al.state <> 'resolved')::int AS "openAlerts"
    FROM accounts a JOIN managers g ON g.id = a.manager_id`;

export async function listAccounts(
  db: Db,
  scope: AccountScope,
  filter: { afterId?: number; limit: number; tier?: string; keyOnly?: boolean },
): Promise<AccountSummary[]> {
  const { rows } = await db.query<AccountSummary>(
    `${ACCOUNT_SELECT}
      WHERE ${scopeSql('a', 1, 2)}
        AND ($3::int IS NULL OR a.id > $3)
        AND ($4::text IS NULL OR a.tier = $4)
        AND (NOT $5::boolean OR a.is_key_account)
      ORDER BY a.id
      LIMIT $6`,
    [
      scope.managerId,
      scope.accountId,
      filter.afterId ?? null,
      filter.tier ?? null,
      filter.keyOnly ?? false,
      filter.limit + 1,
    ],
  );
  return rows;
}

export async function getAccount(
  db: Db,
  accountId: number,
): Promise<AccountSummary & { voltageUpperPct: number | null; voltageLowerPct: number | null }> {
  const { rows } = await db.query<AccountSummary & { voltageUpperPct: number | null; voltageLowerPct: number | null }>(
    `${ACCOUNT_SELECT} WHERE a.id = $1`,
    [accountId],
  );
  return rows[0]!;
}

export async function visibleAccountIds(db: Db, scope: AccountScope): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(`SELECT a.id FROM accounts a WHERE ${scopeSql('a', 1, 2)}`, [
    scope.managerId,
    scope.accountId,
  ]);
  return rows.map((r) => r.id);
}

export interface FleetAccountLive {
  id: number;
  code: string;
  name: string;
  tier: string;
  industry: string;
  contractedCapacityKva: number;
  pfTarget: number;
  managerName: string;
  meters: Array<{
    id: number;
    code: string;
    name: string;
    powerKw: number | null;
    ts: string | null;
    inAccountTotal: boolean;
  }>;
  alerts: { critical: number; major: number; minor: number; info: number };
}

/** Every visible account with each meter's newest power reading (last 24 h) and open alerts by severity. */
export async function fleetLive(db: Db, scope: AccountScope, since: Date): Promise<FleetAccountLive[]> {
  const { rows } = await db.query<FleetAccountLive>(
    `SELECT a.id, a.code, a.name, a.tier, a.industry, a.contracted_capacity_kva AS "contractedCapacityKva",
            a.pf_target AS "pfTarget", g.name AS "managerName",
            coalesce((SELECT json_agg(json_build_object('id', m.id, 'code', m.code, 'name', m.name,
                                                        'powerKw', r.power_kw, 'ts', r.ts, 'inAccountTotal', m.in_account_total) ORDER BY m.id)
                        FROM meters m
                        LEFT JOIN LATERAL (
                          SELECT ts, power_kw FROM readings
                           WHERE meter_id = m.id AND ts >= $3 AND power_kw IS NOT NULL
                           ORDER BY ts DESC LIMIT 1) r ON true
                       WHERE m.account_id = a.id AND m.active), '[]'::json) AS meters,
            (SELECT json_build_object(
                      'critical', count(*) FILTER (WHERE severity = 'critical'),
                      'major', count(*) FILTER (WHERE severity = 'major'),
                      'minor', count(*) FILTER (WHERE severity = 'minor'),
                      'info', count(*) FILTER (WHERE severity = 'info'))
               FROM alerts al WHERE al.account_id = a.id AND al.state <> 'resolved') AS alerts
       FROM accounts a JOIN managers g ON g.id = a.manager_id
      WHERE ${scopeSql('a', 1, 2)}
      ORDER BY a.tier, a.contracted_capacity_kva DESC, a.id`,
    [scope.managerId, scope.accountId, since],
  );
  return rows;
}
