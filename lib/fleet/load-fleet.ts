import { readFileSync } from 'node:fs';
import { classifyAccount, DEFAULT_KEY_ACCOUNT_POLICY } from '../domain/index.ts';
import { FleetError } from '../domain/index.ts';
import type { Logger } from '../log/index.ts';
import { type Db, withTransaction } from '../db/index.ts';
import { type Fleet, fleetSchema } from './fleet-schema.ts';

export function parseFleet(input: unknown, source = 'fleet'): Fleet {
  const result = fleetSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new FleetError('FLEET_INVALID', `${source} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  return result.data;
}

export function readFleetFile(path: string): Fleet {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new FleetError('FLEET_UNREADABLE', `cannot read fleet file ${path}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return parseFleet(json, path);
}

export interface FleetLoadResult {
  managers: number;
  accounts: number;
  meters: number;
}

/**
 * Upserts managers, accounts (with computed qualification and tier) and meters by their codes,
 * in one transaction, so loading the same file again changes nothing and a partly bad file
 * changes nothing either.
 */
export async function loadFleet(db: Db, fleet: Fleet, logger?: Logger): Promise<FleetLoadResult> {
  const policy = fleet.policy ?? DEFAULT_KEY_ACCOUNT_POLICY;
  return withTransaction(db, async (client) => {
    const managerIds = new Map<string, number>();
    for (const m of fleet.managers) {
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO managers (code, name, email, phone, locale, escalation_name, escalation_email, escalation_phone)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (code) DO UPDATE SET
           name = EXCLUDED.name, email = EXCLUDED.email, phone = EXCLUDED.phone, locale = EXCLUDED.locale,
           escalation_name = EXCLUDED.escalation_name, escalation_email = EXCLUDED.escalation_email,
           escalation_phone = EXCLUDED.escalation_phone, updated_at = now()
         RETURNING id`,
        [
          m.code,
          m.name,
          m.email,
          m.phone ?? null,
          m.locale,
          m.escalation?.name ?? null,
          m.escalation?.email ?? null,
          m.escalation?.phone ?? null,
        ],
      );
      managerIds.set(m.code, rows[0]!.id);
    }

    let meters = 0;
    for (const a of fleet.accounts) {
      const cls = classifyAccount(
        {
          contractedCapacityKva: a.contractedCapacityKva,
          annualConsumptionKwh: a.annualConsumptionKwh,
          dualSupply: a.dualSupply,
          importanceGrade: a.importanceGrade,
        },
        policy,
      );
      const { rows } = await client.query<{ id: number }>(
        `INSERT INTO accounts (code, name, industry, contracted_capacity_kva, annual_consumption_kwh, dual_supply,
           supply_voltage_kv, importance_grade, is_key_account, tier, classification_reason, pf_target,
           voltage_upper_pct, voltage_lower_pct, notify_customer, customer_contact_email, customer_contact_phone, manager_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (code) DO UPDATE SET
           updated_at = now(), name = EXCLUDED.name, industry = EXCLUDED.industry, contracted_capacity_kva = EXCLUDED.contracted_capacity_kva,
           annual_consumption_kwh = EXCLUDED.annual_consumption_kwh, dual_supply = EXCLUDED.dual_supply,
           supply_voltage_kv = EXCLUDED.supply_voltage_kv, importance_grade = EXCLUDED.importance_grade,
           is_key_account = EXCLUDED.is_key_account, tier = EXCLUDED.tier, classification_reason = EXCLUDED.classification_reason,
           pf_target = EXCLUDED.pf_target, voltage_upper_pct = EXCLUDED.voltage_upper_pct,
           voltage_lower_pct = EXCLUDED.voltage_lower_pct, notify_customer = EXCLUDED.notify_customer,
           customer_contact_email = EXCLUDED.customer_contact_email, customer_contact_phone = EXCLUDED.customer_contact_phone,
           manager_id = EXCLUDED.manager_id
         RETURNING id`,
        [
          a.code,
          a.name,
          a.industry,
          a.contractedCapacityKva,
          a.annualConsumptionKwh,
          a.dualSupply,
          a.supplyVoltageKv,
          a.importanceGrade,
          cls.isKeyAccount,
          cls.tier,
          cls.reason,
          a.pfTarget,
          a.voltageLimitsPct?.upper ?? null,
          a.voltageLimitsPct?.lower ?? null,
          a.notifyCustomer,
          a.customerContact?.email ?? null,
          a.customerContact?.phone ?? null,
          managerIds.get(a.manager),
        ],
      );
      const accountId = rows[0]!.id;
      for (const m of a.meters) {
        await client.query(
          `INSERT INTO meters (code, account_id, name, protocol, host, port, unit_id, topic, payload_format, map_name,
             pt_ratio, ct_ratio, nominal_voltage_v, wiring, rated_kw, poll_interval_s, in_account_total)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
           ON CONFLICT (code) DO UPDATE SET
             updated_at = now(), account_id = EXCLUDED.account_id, name = EXCLUDED.name, protocol = EXCLUDED.protocol, host = EXCLUDED.host,
             port = EXCLUDED.port, unit_id = EXCLUDED.unit_id, topic = EXCLUDED.topic,
             payload_format = EXCLUDED.payload_format, map_name = EXCLUDED.map_name, pt_ratio = EXCLUDED.pt_ratio,
             ct_ratio = EXCLUDED.ct_ratio, nominal_voltage_v = EXCLUDED.nominal_voltage_v, wiring = EXCLUDED.wiring,
             rated_kw = EXCLUDED.rated_kw, poll_interval_s = EXCLUDED.poll_interval_s,
             in_account_total = EXCLUDED.in_account_total`,
          [
            m.code,
            accountId,
            m.name,
            m.protocol,
            m.modbus?.host ?? null,
            m.modbus?.port ?? null,
            m.modbus?.unitId ?? null,
            m.mqtt?.topic ?? null,
            m.mqtt?.format ?? null,
            m.modbus?.map ?? null,
            m.ptRatio,
            m.ctRatio,
            m.nominalVoltageV,
            m.wiring,
            m.ratedKw ?? null,
            m.pollIntervalS,
            m.inAccountTotal,
          ],
        );
        meters++;
      }
    }
    const result = { managers: fleet.managers.length, accounts: fleet.accounts.length, meters };
    logger?.info(result, 'fleet loaded');
    return result;
  });
}
