// A varied demo fleet. The layout depends only on the position (so scenario files can name
// meters): meter i (1-based) is `M` + i zero-padded to 3 digits, its profile cycles through the
// six industries, every 4th meter is MQTT (every 8th Sparkplug B), LV Modbus meters alternate
// between the SDM630 and the Acrel map, MV/HV ones use the Acrel map behind a PT. The seed only
// varies the sizes (rated kW within the industry's range).
import { mulberry32, deriveSeed } from './prng.ts';
import { LOAD_PROFILE_NAMES, type LoadProfileName } from './load-profiles.ts';
import type { SimMeterSpec } from './meter-spec.ts';
import { supplyClassOf } from './voltage-classes.ts';

interface IndustrySizing {
  /** voltage classes used by successive meters of this industry */
  readonly classesV: readonly number[];
  /** rated kW range at MV/HV */
  readonly ratedKw: readonly [number, number];
}

const INDUSTRY_SIZING: Readonly<Record<LoadProfileName, IndustrySizing>> = {
  steel_three_shift: { classesV: [35_000, 110_000], ratedKw: [15_000, 60_000] },
  factory_day_shift: { classesV: [10_000, 380], ratedKw: [800, 4_000] },
  data_centre: { classesV: [10_000], ratedKw: [2_000, 8_000] },
  hospital: { classesV: [10_000, 380], ratedKw: [800, 2_500] },
  office_tower: { classesV: [10_000, 380], ratedKw: [600, 2_000] },
  cold_storage: { classesV: [380, 10_000], ratedKw: [300, 1_200] },
};

/** An LV supply point rarely exceeds a 1250 kVA transformer: cap LV meters here. */
const LV_RATED_KW_RANGE: readonly [number, number] = [250, 900];

/** Standard transformer capacities, kVA (GB/T 6451 series). */
const TRANSFORMER_KVA = [
  315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000, 5000, 6300, 8000, 10_000, 12_500, 16_000, 20_000,
  25_000, 31_500, 40_000, 50_000, 63_000, 80_000, 100_000,
];

/** Standard CT primary currents, A (secondary 5 A). */
const CT_PRIMARY_A = [
  5, 10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 300, 400, 500, 600, 800, 1000, 1200, 1500, 2000, 2500, 3000, 4000, 5000,
  6000,
];
const CT_SECONDARY_A = 5;

function smallestAtLeast(values: readonly number[], minimum: number): number {
  return values.find((v) => v >= minimum) ?? values[values.length - 1]!;
}

export interface DemoMeterOptions {
  /** 'mixed' (default): every 4th meter MQTT; 'modbus': all Modbus */
  readonly protocols?: 'mixed' | 'modbus';
}

/** N varied meter specs; the same (n, seed) always gives the same fleet. */
export function buildDemoMeters(n: number, seed: number, options: DemoMeterOptions = {}): SimMeterSpec[] {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be an integer ≥ 0, got ${n}`);
  const width = Math.max(3, String(n).length);
  const random = mulberry32(deriveSeed(seed, 'demo-meters'));
  const specs: SimMeterSpec[] = [];
  for (let i = 1; i <= n; i++) {
    const profile = LOAD_PROFILE_NAMES[(i - 1) % LOAD_PROFILE_NAMES.length]!;
    const sizing = INDUSTRY_SIZING[profile];
    const occurrence = Math.floor((i - 1) / LOAD_PROFILE_NAMES.length);
    const nominalVoltageV = sizing.classesV[occurrence % sizing.classesV.length]!;
    const lv = nominalVoltageV <= 1000;
    const [minKw, maxKw] = lv ? LV_RATED_KW_RANGE : sizing.ratedKw;
    const ratedKw = Math.round((minKw + (maxKw - minKw) * random()) / 10) * 10;
    const contractedKva = smallestAtLeast(TRANSFORMER_KVA, ratedKw / 0.75);
    const fullLoadA = (contractedKva * 1000) / (Math.sqrt(3) * nominalVoltageV);
    const ctRatio = smallestAtLeast(CT_PRIMARY_A, fullLoadA * 1.2) / CT_SECONDARY_A;
    const mqtt = options.protocols !== 'modbus' && i % 4 === 0;
    const base = {
      code: `M${String(i).padStart(width, '0')}`,
      ptRatio: supplyClassOf(nominalVoltageV).ptRatio,
      ctRatio,
      nominalVoltageV,
      ratedKw,
      contractedKva,
      profile,
      seed: i,
      frequencyHz: 50 as const,
    };
    if (mqtt) {
      specs.push({ ...base, protocol: 'mqtt', mqttFormat: i % 8 === 0 ? 'sparkplug' : 'json' });
    } else {
      specs.push({
        ...base,
        protocol: 'modbus',
        mapName: lv && i % 2 === 0 ? 'sdm630' : 'acrel-dtsd1352',
        // unique within each group of 32 meters (one RS-485 gateway in gateway mode)
        unitId: ((i - 1) % 32) + 1,
      });
    }
  }
  return specs;
}
