// Pure register codec: engineering values (primary side, ReadingValues) <-> 16-bit register
// words, driven only by a meter map. No I/O, no clock (conventions.md §3).
//
//   primary value = raw × scale × ratio            (domain.md §8.2)
//   raw           = round(primary / ratio / scale)  (integers; float32 keeps the fraction)
import type { ReadingKey, ReadingValues } from '../domain/index.ts';
import { MeterMapError } from './errors.ts';
import {
  REGISTER_RAW_RANGE,
  REGISTER_WORDS,
  type CounterKey,
  type MeterMap,
  type RatioKind,
  type ReadFunctionCode,
  type RegisterField,
  type RegisterType,
} from './meter-map-schema.ts';

/** Instrument-transformer ratios of one installation (primary / secondary). */
export interface TransformerRatios {
  /** voltage transformer ratio, e.g. 10 kV / 100 V = 100; 1 when direct-connected */
  readonly pt: number;
  /** current transformer ratio, e.g. 600 A / 5 A = 120; 1 when direct-connected */
  readonly ct: number;
}

/** Register words per read function, indexed by 0-based address. */
export type RegisterImage = Map<ReadFunctionCode, Uint16Array>;

interface CompiledField {
  readonly key: string;
  readonly fc: ReadFunctionCode;
  readonly address: number;
  readonly words: 1 | 2;
  readonly type: RegisterType;
  readonly ratio: RatioKind;
  /** 1/scale when that is an integer (0.1 → 10): dividing keeps decimal results exact */
  readonly scaleDivisor: number | undefined;
  readonly scale: number;
  /** counters: the register wraps to 0 here (raw) */
  readonly wrapAtRaw: number | undefined;
}

interface CompiledMap {
  readonly quantities: readonly CompiledField[];
  readonly extras: readonly CompiledField[];
  /** highest address + 1 per read function */
  readonly imageLength: ReadonlyMap<ReadFunctionCode, number>;
}

const compiledMaps = new WeakMap<MeterMap, CompiledMap>();

function compileField(field: RegisterField): CompiledField {
  const inverse = 1 / field.scale;
  const rounded = Math.round(inverse);
  const scaleDivisor = rounded >= 1 && Math.abs(inverse - rounded) < 1e-9 ? rounded : undefined;
  return {
    key: field.key,
    fc: field.fc,
    address: field.address,
    words: REGISTER_WORDS[field.type],
    type: field.type,
    ratio: field.ratio,
    scaleDivisor,
    scale: field.scale,
    wrapAtRaw: 'wrapAtRaw' in field ? field.wrapAtRaw : undefined,
  };
}

function compile(map: MeterMap): CompiledMap {
  const cached = compiledMaps.get(map);
  if (cached) return cached;
  const imageLength = new Map<ReadFunctionCode, number>();
  for (const block of map.blocks) {
    imageLength.set(block.fc, Math.max(imageLength.get(block.fc) ?? 0, block.end + 1));
  }
  const compiled: CompiledMap = {
    quantities: map.quantities.map(compileField),
    extras: map.extras.map(compileField),
    imageLength,
  };
  compiledMaps.set(map, compiled);
  return compiled;
}

export function ratioFactor(kind: RatioKind, ratios: TransformerRatios): number {
  switch (kind) {
    case 'none':
      return 1;
    case 'pt':
      return ratios.pt;
    case 'ct':
      return ratios.ct;
    case 'ptct':
      return ratios.pt * ratios.ct;
  }
}

// One scratch buffer for float32 <-> words; the codec is synchronous, so sharing is safe.
const floatView = new DataView(new ArrayBuffer(4));

function writeRaw(image: Uint16Array, field: CompiledField, raw: number, wordOrder: 'BE' | 'LE'): void {
  if (field.words === 1) {
    image[field.address] = raw & 0xffff;
    return;
  }
  let high: number;
  let low: number;
  if (field.type === 'float32') {
    floatView.setFloat32(0, raw);
    high = floatView.getUint16(0);
    low = floatView.getUint16(2);
  } else {
    const u32 = raw >>> 0; // two's complement for negative int32
    high = u32 >>> 16;
    low = u32 & 0xffff;
  }
  // domain.md §8: word order is a per-device fact from the map, never guessed.
  image[field.address] = wordOrder === 'BE' ? high : low;
  image[field.address + 1] = wordOrder === 'BE' ? low : high;
}

function readRaw(words: ArrayLike<number>, offset: number, field: CompiledField, wordOrder: 'BE' | 'LE'): number {
  const first = words[offset] ?? 0;
  switch (field.type) {
    case 'uint16':
      return first;
    case 'int16':
      return first >= 0x8000 ? first - 0x10000 : first;
    default: {
      const second = words[offset + 1] ?? 0;
      const high = wordOrder === 'BE' ? first : second;
      const low = wordOrder === 'BE' ? second : first;
      if (field.type === 'float32') {
        floatView.setUint16(0, high);
        floatView.setUint16(2, low);
        return floatView.getFloat32(0);
      }
      const u32 = high * 0x10000 + low;
      return field.type === 'int32' && u32 >= 0x80000000 ? u32 - 0x100000000 : u32;
    }
  }
}

function toRaw(field: CompiledField, value: number | undefined, ratios: TransformerRatios): number {
  if (value === undefined || !Number.isFinite(value)) {
    // A float register can say "not available" (NaN); an integer register cannot: 0.
    return field.type === 'float32' ? Number.NaN : 0;
  }
  const secondary = value / ratioFactor(field.ratio, ratios);
  let raw = field.scaleDivisor !== undefined ? secondary * field.scaleDivisor : secondary / field.scale;
  if (field.type !== 'float32') raw = Math.round(raw);
  if (field.wrapAtRaw !== undefined) {
    // A counter register shows 0 .. wrapAtRaw − 1 and rolls over, also after rounding up.
    raw = ((raw % field.wrapAtRaw) + field.wrapAtRaw) % field.wrapAtRaw;
  }
  if (field.type === 'float32') return raw;
  // A meter saturates at its register range rather than wrapping a measurement.
  const { min, max } = REGISTER_RAW_RANGE[field.type];
  return Math.min(max, Math.max(min, raw));
}

function fromRaw(field: CompiledField, raw: number, ratios: TransformerRatios): number {
  const secondary = field.scaleDivisor !== undefined ? raw / field.scaleDivisor : raw * field.scale;
  return secondary * ratioFactor(field.ratio, ratios);
}

function assertRatios(ratios: TransformerRatios): void {
  if (!(ratios.pt > 0) || !(ratios.ct > 0)) {
    throw new MeterMapError('METER_MAP_BAD_ARGUMENT', `ratios must be > 0 (pt=${ratios.pt}, ct=${ratios.ct})`);
  }
}

/**
 * Build the register image a meter with this map would expose for the given primary values.
 * Registers of the map's blocks that carry no quantity read as 0.
 */
export function encodeRegisters(
  map: MeterMap,
  values: ReadingValues,
  ratios: TransformerRatios,
  extras: Readonly<Record<string, number>> = {},
): RegisterImage {
  assertRatios(ratios);
  const compiled = compile(map);
  const image: RegisterImage = new Map();
  for (const [fc, length] of compiled.imageLength) image.set(fc, new Uint16Array(length));
  for (const field of compiled.quantities) {
    const target = image.get(field.fc);
    if (target) writeRaw(target, field, toRaw(field, values[field.key as ReadingKey], ratios), map.wordOrder);
  }
  for (const field of compiled.extras) {
    const target = image.get(field.fc);
    if (target) writeRaw(target, field, toRaw(field, extras[field.key], ratios), map.wordOrder);
  }
  return image;
}

function decodeFields(
  fields: readonly CompiledField[],
  map: MeterMap,
  fc: ReadFunctionCode,
  startAddress: number,
  words: ArrayLike<number>,
  ratios: TransformerRatios,
): Record<string, number> {
  if (fc !== 3 && fc !== 4) {
    throw new MeterMapError('METER_MAP_BAD_ARGUMENT', `function code must be 3 or 4, got ${String(fc)}`);
  }
  if (!Number.isInteger(startAddress) || startAddress < 0 || startAddress > 0xffff) {
    throw new MeterMapError('METER_MAP_BAD_ARGUMENT', `startAddress must be an integer 0..65535, got ${startAddress}`);
  }
  assertRatios(ratios);
  const end = startAddress + words.length;
  const out: Record<string, number> = {};
  for (const field of fields) {
    // Only registers read completely: half a float is not a value.
    if (field.fc !== fc || field.address < startAddress || field.address + field.words > end) continue;
    const raw = readRaw(words, field.address - startAddress, field, map.wordOrder);
    if (Number.isNaN(raw)) continue; // absent, never reported as zero (lib/domain/reading.ts)
    out[field.key] = fromRaw(field, raw, ratios);
  }
  return out;
}

/**
 * Decode the ReadingValues contained in `words`, read with function `fc` from `startAddress`.
 * Quantities only partly inside the range are left out.
 */
export function decodeRegisters(
  map: MeterMap,
  fc: ReadFunctionCode,
  startAddress: number,
  words: ArrayLike<number>,
  ratios: TransformerRatios,
): ReadingValues {
  return decodeFields(compile(map).quantities, map, fc, startAddress, words, ratios) as ReadingValues;
}

/** Decode the map's extra registers (settings, demand) contained in `words`. */
export function decodeExtraRegisters(
  map: MeterMap,
  fc: ReadFunctionCode,
  startAddress: number,
  words: ArrayLike<number>,
  ratios: TransformerRatios,
): Record<string, number> {
  return decodeFields(compile(map).extras, map, fc, startAddress, words, ratios);
}

/**
 * Primary value at which a counter register wraps to 0 (wrapAtRaw × scale × ratio), or
 * undefined when the map declares no rollover for it.
 */
export function counterWrapPrimary(map: MeterMap, key: CounterKey, ratios: TransformerRatios): number | undefined {
  const field = map.quantities.find((q) => q.key === key);
  if (field?.wrapAtRaw === undefined) return undefined;
  return field.wrapAtRaw * field.scale * ratioFactor(field.ratio, ratios);
}
