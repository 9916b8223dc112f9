// One simulated meter seen as Modbus registers: the register image of its map, encoded from the
// physics model's snapshot at read time, plus the map's settings registers (writable ones keep
// what a client writes, like a real meter's configuration).
import {
  decodeExtraRegisters,
  encodeRegisters,
  REGISTER_WORDS,
  type MeterMap,
  type MeterMapExtra,
  type RegisterImage,
  type TransformerRatios,
} from '../../lib/meter-maps/index.ts';
import type { MeterSnapshot } from '../meter-model.ts';
import { MODBUS_EXCEPTION, type RegisterDevice } from './modbus-pdu.ts';

interface MapLayout {
  /** per read function: 1 where a declared block covers the address */
  readonly readable: ReadonlyMap<3 | 4, Uint8Array>;
  /** holding-register address → the writable extra occupying it */
  readonly writable: ReadonlyMap<number, MeterMapExtra>;
}

const layouts = new WeakMap<MeterMap, MapLayout>();

function layoutOf(map: MeterMap): MapLayout {
  const cached = layouts.get(map);
  if (cached) return cached;
  const readable = new Map<3 | 4, Uint8Array>();
  for (const block of map.blocks) {
    let mask = readable.get(block.fc);
    if (!mask) readable.set(block.fc, (mask = new Uint8Array(0x10000)));
    mask.fill(1, block.start, block.end + 1);
  }
  const writable = new Map<number, MeterMapExtra>();
  for (const extra of map.extras) {
    if (!extra.writable) continue;
    for (let w = 0; w < REGISTER_WORDS[extra.type]; w++) writable.set(extra.address + w, extra);
  }
  const layout = { readable, writable };
  layouts.set(map, layout);
  return layout;
}

export class MeterRegisterDevice implements RegisterDevice {
  readonly supportedFunctions: readonly number[];
  private readonly map: MeterMap;
  private readonly ratios: TransformerRatios;
  private readonly layout: MapLayout;
  private readonly currentSnapshot: () => MeterSnapshot;
  private readonly settingValues: Record<string, number>;
  private settingsVersion = 0;
  private cache: { snapshot: MeterSnapshot; settingsVersion: number; image: RegisterImage } | undefined;

  constructor(options: {
    map: MeterMap;
    /** the installation's real PT/CT ratios: secondary registers are primary values / ratio */
    ratios: TransformerRatios;
    /** initial values of the map's settings registers (e.g. ptRatio, ctRatio, demandPeriodMin) */
    settings: Readonly<Record<string, number>>;
    /** the meter's snapshot at the current simulated time */
    currentSnapshot: () => MeterSnapshot;
  }) {
    this.map = options.map;
    this.ratios = options.ratios;
    this.layout = layoutOf(options.map);
    this.supportedFunctions = options.map.supportedFunctions;
    this.currentSnapshot = options.currentSnapshot;
    this.settingValues = { ...options.settings };
  }

  /** Current values of the settings registers (after any client writes). */
  get settings(): Readonly<Record<string, number>> {
    return { ...this.settingValues };
  }

  readRegisters(fc: 3 | 4, address: number, quantity: number): Uint16Array | number {
    const { maxRegistersPerRead, evenAlignment } = this.map.limits;
    // Device limit (SDM630: 80 registers, domain.md §8.1) is a quantity error like > 125.
    if (quantity > maxRegistersPerRead) return MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE;
    // SDM630: start and count must be even (domain.md §8.1); an odd start is a bad address.
    if (evenAlignment && (address % 2 !== 0 || quantity % 2 !== 0)) return MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS;
    const mask = this.layout.readable.get(fc);
    if (!mask) return MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS;
    for (let a = address; a < address + quantity; a++) {
      if (mask[a] !== 1) return MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS;
    }
    const words = this.image().get(fc);
    if (!words) return MODBUS_EXCEPTION.SERVER_DEVICE_FAILURE;
    return words.slice(address, address + quantity);
  }

  writeRegisters(address: number, words: Uint16Array): number | undefined {
    const touched = new Set<MeterMapExtra>();
    for (let a = address; a < address + words.length; a++) {
      const field = this.layout.writable.get(a);
      if (!field) return MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS;
      touched.add(field);
    }
    // Half of a 32-bit setting is not a value.
    for (const field of touched) {
      if (field.address < address || field.address + REGISTER_WORDS[field.type] > address + words.length) {
        return MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS;
      }
    }
    const decoded = decodeExtraRegisters(this.map, 3, address, words, this.ratios);
    for (const field of touched) {
      const value = decoded[field.key];
      if (
        value === undefined ||
        (field.min !== undefined && value < field.min) ||
        (field.max !== undefined && value > field.max)
      ) {
        return MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE;
      }
    }
    for (const field of touched) this.settingValues[field.key] = decoded[field.key]!;
    this.settingsVersion++;
    return undefined;
  }

  private image(): RegisterImage {
    const snapshot = this.currentSnapshot();
    if (this.cache?.snapshot === snapshot && this.cache.settingsVersion === this.settingsVersion) {
      return this.cache.image;
    }
    const image = encodeRegisters(this.map, snapshot.values, this.ratios, {
      ...snapshot.extras,
      ...this.settingValues,
    });
    this.cache = { snapshot, settingsVersion: this.settingsVersion, image };
    return image;
  }
}
