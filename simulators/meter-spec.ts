// What a simulated meter is: its installation (voltage class, PT/CT, map, protocol) and its
// customer (profile, rated/contracted power). Validated eagerly with messages that say how to
// fix the spec (conventions.md §8).
import { z } from 'zod';
import { MeterMapError, type MeterMap } from '../lib/meter-maps/index.ts';
import { getMeterMap } from '../lib/meter-maps/maps/index.ts';
import { SimError, toSimIssues } from './errors.ts';
import { LOAD_PROFILE_NAMES, type LoadProfileName } from './load-profiles.ts';
import { METER_INPUT_RANGE_V } from './voltage-classes.ts';

/** Typical peak loading of a customer's transformer capacity: rated kW ≈ 0.75 × contracted kVA. */
export const RATED_KW_PER_CONTRACTED_KVA = 0.75;
/** Direct-connected meters are built for up to ~100 A; more needs a CT. */
export const METER_MAX_SECONDARY_CURRENT_A = 100;

export const MQTT_FORMATS = ['json', 'sparkplug'] as const;
export type MqttFormat = (typeof MQTT_FORMATS)[number];

export const simMeterSpecSchema = z.strictObject({
  /** meter code; also an MQTT topic level, so no '/', '+', '#' */
  code: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1-64 characters of A-Z a-z 0-9 _ . -'),
  protocol: z.enum(['modbus', 'mqtt']),
  /** register map (lib/meter-maps/maps); required for Modbus meters */
  mapName: z.string().optional(),
  /** Modbus unit id 1..247; default 1 (gateway mode: unique within a gateway) */
  unitId: z.number().int().min(1).max(247).optional(),
  /** PT ratio (primary/secondary); 1 = direct-connected */
  ptRatio: z.number().positive().default(1),
  /** CT ratio (primary/secondary); 1 = direct-connected */
  ctRatio: z.number().positive().default(1),
  /** nominal system voltage phase to phase, V: 380, 10000, 35000, 110000 */
  nominalVoltageV: z.number().positive(),
  /** full-load active power of the customer's profile, kW */
  ratedKw: z.number().positive().optional(),
  /** contracted capacity, kVA */
  contractedKva: z.number().positive().optional(),
  profile: z.enum(LOAD_PROFILE_NAMES),
  seed: z.number().int().optional(),
  frequencyHz: z.union([z.literal(50), z.literal(60)]).default(50),
  /** MQTT meters: plain JSON readings or Sparkplug B */
  mqttFormat: z.enum(MQTT_FORMATS).optional(),
});

export type SimMeterSpec = z.input<typeof simMeterSpecSchema>;

export interface NormalizedMeterSpec {
  readonly code: string;
  readonly protocol: 'modbus' | 'mqtt';
  readonly mapName: string | undefined;
  /** as given; the Modbus layer assigns one when absent (1, or the position in a gateway) */
  readonly unitId: number | undefined;
  readonly ptRatio: number;
  readonly ctRatio: number;
  readonly nominalVoltageV: number;
  readonly ratedKw: number;
  readonly contractedKva: number;
  readonly profile: LoadProfileName;
  readonly seed: number;
  readonly frequencyHz: 50 | 60;
  readonly mqttFormat: MqttFormat | undefined;
}

function mapUses(map: MeterMap, ratio: 'pt' | 'ct'): boolean {
  return map.quantities.some((q) => q.ratio === ratio || q.ratio === 'ptct');
}

/**
 * Validate and complete one spec. Throws SIM_METER_SPEC_INVALID naming the bad field, with the
 * spec's position (`meters.3.ptRatio`).
 */
export function normalizeMeterSpec(spec: unknown, index = 0): NormalizedMeterSpec {
  const prefix = ['meters', index];
  const parsed = simMeterSpecSchema.safeParse(spec);
  if (!parsed.success) {
    const { issues, summary } = toSimIssues(parsed.error.issues, prefix);
    throw new SimError('SIM_METER_SPEC_INVALID', `meter spec invalid: ${summary}`, { issues });
  }
  const s = parsed.data;
  const problems: { path: (string | number)[]; message: string }[] = [];
  let map: MeterMap | undefined;
  if (s.mapName !== undefined) {
    try {
      map = getMeterMap(s.mapName);
    } catch (err) {
      if (!(err instanceof MeterMapError)) throw err;
      problems.push({ path: ['mapName'], message: err.message });
    }
  } else if (s.protocol === 'modbus') {
    problems.push({ path: ['mapName'], message: 'a Modbus meter needs a register map' });
  }
  if (s.ratedKw === undefined && s.contractedKva === undefined) {
    problems.push({ path: ['ratedKw'], message: 'give ratedKw or contractedKva' });
  }
  if (s.mqttFormat !== undefined && s.protocol !== 'mqtt') {
    problems.push({ path: ['mqttFormat'], message: 'only MQTT meters have a payload format' });
  }
  const secondaryV = s.nominalVoltageV / s.ptRatio;
  if (secondaryV < METER_INPUT_RANGE_V.min || secondaryV > METER_INPUT_RANGE_V.max) {
    problems.push({
      path: ['ptRatio'],
      message:
        `ptRatio ${s.ptRatio} puts ${secondaryV.toFixed(0)} V on the meter; meters take ` +
        `${METER_INPUT_RANGE_V.min}-${METER_INPUT_RANGE_V.max} V (use ${Math.round(s.nominalVoltageV / 100)} for a 100 V secondary)`,
    });
  }
  const contractedKva = s.contractedKva ?? (s.ratedKw ?? 0) / RATED_KW_PER_CONTRACTED_KVA;
  const ratedKw = s.ratedKw ?? contractedKva * RATED_KW_PER_CONTRACTED_KVA;
  if (map && !mapUses(map, 'pt') && s.ptRatio !== 1) {
    problems.push({
      path: ['ptRatio'],
      message: `map ${map.name} reports voltages as the meter sees them: it only fits direct-connected LV meters (ptRatio 1)`,
    });
  }
  if (map && mapUses(map, 'ct')) {
    const secondaryA = (contractedKva * 1000) / (Math.sqrt(3) * s.nominalVoltageV) / s.ctRatio;
    if (secondaryA > METER_MAX_SECONDARY_CURRENT_A) {
      problems.push({
        path: ['ctRatio'],
        message: `ctRatio ${s.ctRatio} puts ${secondaryA.toFixed(0)} A on the meter at contracted load; use a CT to 5 A`,
      });
    }
  }
  if (problems.length > 0) {
    const { issues, summary } = toSimIssues(problems, prefix);
    throw new SimError('SIM_METER_SPEC_INVALID', `meter spec invalid: ${summary}`, { issues });
  }
  return {
    code: s.code,
    protocol: s.protocol,
    mapName: s.mapName,
    unitId: s.unitId,
    ptRatio: s.ptRatio,
    ctRatio: s.ctRatio,
    nominalVoltageV: s.nominalVoltageV,
    ratedKw,
    contractedKva,
    profile: s.profile,
    seed: s.seed ?? 0,
    frequencyHz: s.frequencyHz,
    mqttFormat: s.protocol === 'mqtt' ? (s.mqttFormat ?? 'json') : undefined,
  };
}
