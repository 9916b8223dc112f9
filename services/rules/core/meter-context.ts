import { z } from 'zod';
import type { RulesConfig } from './rules-config.ts';

// What the rules need to know about a meter and its account. The DB adapter builds one per
// meter from the `meters` and `accounts` rows (migrations/001_reference.sql) and, for
// abnormal consumption, a baseline from the 15-minute load curve.

/** Statistics of one 15-minute slot's energy (kWh): mean/stddev for a z-score, or a quantile band. */
const slotStatSchema = z.union([
  z.object({ meanKwh: z.number().min(0), stddevKwh: z.number().min(0) }),
  z.object({ lowKwh: z.number().min(0), highKwh: z.number().min(0) }),
  z.null(),
]);
export type SlotStat = z.infer<typeof slotStatSchema>;

const slots = z.array(slotStatSchema).length(96, 'a day has 96 slots of 15 minutes (domain.md §6)');
const localDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a local date YYYY-MM-DD');

export const consumptionBaselineSchema = z.object({
  /** index = slot of the local day (0 = 00:00–00:15); null = no baseline for that slot */
  workday: slots,
  weekend: slots.optional(),
  holiday: slots.optional(),
  /** local dates that are public holidays (day type 'holiday', else 'weekend', else 'workday') */
  holidays: z.array(localDate).default([]),
  /** weekend dates that are official make-up working days in China (day type 'workday') */
  makeupWorkdays: z.array(localDate).default([]),
});
export type ConsumptionBaseline = z.infer<typeof consumptionBaselineSchema>;

export const meterRuleContextSchema = z.object({
  meterId: z.number().int(),
  accountId: z.number().int(),
  /** nominal system voltage at the metering point, phase-to-phase, primary side (meters.nominal_voltage_v) */
  nominalVoltageV: z.number().positive(),
  wiring: z.enum(['3P4W', '3P3W', '1P2W']),
  /** nominal voltage of the account's supply point (accounts.supply_voltage_kv); evidence only, see voltageClassKv */
  supplyVoltageKv: z.number().positive(),
  contractedCapacityKva: z.number().positive(),
  /** domain.md §3: 0.90 / 0.85 / 0.80 */
  pfTarget: z.number().gt(0).max(1).default(0.9),
  tier: z.enum(['A', 'B', 'C', 'potential', 'none']),
  /** contract voltage limits in % of nominal (accounts.voltage_upper_pct / voltage_lower_pct) */
  voltageLimitsPct: z.object({ upper: z.number().positive().max(30), lower: z.number().positive().max(30) }).optional(),
  /** basic current Ib on the primary side; absent → derived, see resolveMeterContext */
  basicCurrentA: z.number().positive().optional(),
  ratedKw: z.number().positive().optional(),
  pollIntervalS: z.number().int().positive().default(15),
  /** explicit demand cap in kW; absent → contracted kVA × PF target */
  demandCapKw: z.number().positive().optional(),
  /** the account has generation that may export: reverse power is normal, not evaluated */
  expectsExport: z.boolean().default(false),
  consumptionBaseline: consumptionBaselineSchema.optional(),
});

export type MeterRuleContext = z.infer<typeof meterRuleContextSchema>;
export type MeterRuleContextInput = z.input<typeof meterRuleContextSchema>;

/** The context plus the reference values every rule derives from it, computed once. */
export interface ResolvedMeterContext extends MeterRuleContext {
  /** nominal of the phase-to-neutral voltages (V) */
  phaseNominalV: number;
  /** nominal of the line-to-line voltages (V) = nominalVoltageV */
  lineNominalV: number;
  /** voltage class (kV) that selects the GB/T 12325 limit: the metering point's nominal */
  voltageClassKv: number;
  basicCurrentA: number;
  basicCurrentSource: 'configured' | 'rated_kw' | 'contracted_kva';
  /** base power of the meter, all phases (kW) = the power at nominal voltage and Ib, PF 1 */
  basePowerKw: number;
  /** base power of one phase element (kW) */
  phaseBasePowerKw: number;
  /** demand cap (kW): demandCapKw, or contracted kVA × PF target */
  referenceLoadKw: number;
  referenceLoadSource: 'demand_cap' | 'contracted_kva_x_pf_target';
  /** no reading for this long → communication lost (s) */
  commTimeoutS: number;
}

// Standard low-voltage pairs (domain.md §2 names 380 V and 220 V as nominal system voltages of
// one system): their phase nominal is the rounded standard value, not 380/√3 = 219.4 V.
const STANDARD_PHASE_VOLTAGE_V: Readonly<Record<number, number>> = { 380: 220, 400: 230 };

/**
 * Derive reference values.
 *
 * - Phase nominal: 380 V → 220 V, 400 V → 230 V, otherwise line nominal / √3.
 * - Basic current Ib, when not configured: the current the meter carries at its rated kW with
 *   PF 1 at nominal voltage, I = P / (√3 × U_LL) (single-phase: P / U_ph); without rated kW the
 *   same from the contracted kVA. DL/T 645 meters define Ib as the reference current of the
 *   element (domain.md §4); for CT-connected meters that is close to the rated primary current,
 *   so the "0.5 % Ib" levels become 0.5 % of rated current. Configure basicCurrentA where the
 *   meter's nameplate Ib × CT ratio is known.
 * - Base power: U × Ib over all elements (√3 × U_LL × Ib, or U_ph × Ib single-phase).
 */
export function resolveMeterContext(ctx: MeterRuleContext, config: RulesConfig): ResolvedMeterContext {
  const lineNominalV = ctx.nominalVoltageV;
  const phaseNominalV = STANDARD_PHASE_VOLTAGE_V[lineNominalV] ?? lineNominalV / Math.sqrt(3);
  const singlePhase = ctx.wiring === '1P2W';
  const currentAt = (kw: number) =>
    singlePhase ? (kw * 1000) / phaseNominalV : (kw * 1000) / (Math.sqrt(3) * lineNominalV);

  let basicCurrentA: number;
  let basicCurrentSource: ResolvedMeterContext['basicCurrentSource'];
  if (ctx.basicCurrentA !== undefined) {
    basicCurrentA = ctx.basicCurrentA;
    basicCurrentSource = 'configured';
  } else if (ctx.ratedKw !== undefined) {
    basicCurrentA = currentAt(ctx.ratedKw);
    basicCurrentSource = 'rated_kw';
  } else {
    basicCurrentA = currentAt(ctx.contractedCapacityKva);
    basicCurrentSource = 'contracted_kva';
  }
  const basePowerKw = singlePhase
    ? (phaseNominalV * basicCurrentA) / 1000
    : (Math.sqrt(3) * lineNominalV * basicCurrentA) / 1000;
  const phaseBasePowerKw = singlePhase ? basePowerKw : basePowerKw / 3;

  const comm = config.communication;
  return {
    ...ctx,
    phaseNominalV,
    lineNominalV,
    voltageClassKv: lineNominalV / 1000,
    basicCurrentA,
    basicCurrentSource,
    basePowerKw,
    phaseBasePowerKw,
    referenceLoadKw: ctx.demandCapKw ?? ctx.contractedCapacityKva * ctx.pfTarget,
    referenceLoadSource: ctx.demandCapKw !== undefined ? 'demand_cap' : 'contracted_kva_x_pf_target',
    commTimeoutS: Math.max(comm.lostAfterPolls * ctx.pollIntervalS, comm.minTimeoutS),
  };
}

/** Validate a context (e.g. built from DB rows); throws a ZodError naming the bad field. */
export function parseMeterRuleContext(input: MeterRuleContextInput): MeterRuleContext {
  return meterRuleContextSchema.parse(input);
}
