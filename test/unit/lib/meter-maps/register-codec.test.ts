import { describe, expect, it } from 'vitest';
import type { ReadingKey, ReadingValues } from '../../../../lib/domain/index.ts';
import {
  counterWrapPrimary,
  decodeExtraRegisters,
  decodeRegisters,
  encodeRegisters,
  parseMeterMap,
  ratioFactor,
  REGISTER_WORDS,
  type MeterMap,
  type MeterMapInput,
  type TransformerRatios,
} from '../../../../lib/meter-maps/index.ts';
import { getMeterMap } from '../../../../lib/meter-maps/maps/index.ts';

/** Realistic primary values for every ReadingValues key (a 10 kV customer). */
const PRIMARY_VALUES: Record<ReadingKey, number> = {
  voltageAV: 5812.3,
  voltageBV: 5790.1,
  voltageCV: 5801.7,
  voltageAbV: 10_050.2,
  voltageBcV: 10_031.8,
  voltageCaV: 10_044.6,
  currentAA: 143.27,
  currentBA: 139.81,
  currentCA: 141.05,
  powerAKw: 712.345,
  powerBKw: -698.1,
  powerCKw: 705.5,
  powerKw: 719.745,
  reactiveAKvar: 321.4,
  reactiveBKvar: -310.2,
  reactiveCKvar: 318.9,
  reactiveKvar: 330.1,
  apparentKva: 791.8,
  pfA: 0.912,
  pfB: -0.913,
  pfC: 0.911,
  pf: 0.909,
  frequencyHz: 50.02,
  importKwh: 1_234_567.89,
  exportKwh: 1_024.5,
  importKvarh: 556_677.25,
  exportKvarh: 99.75,
};

const ACREL_RATIOS: TransformerRatios = { pt: 100, ct: 60 };
/** The SDM630 map applies no ratio; a CT ratio here must not change anything. */
const SDM630_RATIOS: TransformerRatios = { pt: 1, ct: 40 };

/** Largest decode error a register can show: half a raw count in primary units, or float32 rounding. */
function tolerance(
  quantity: { type: string; scale: number; ratio: 'none' | 'pt' | 'ct' | 'ptct' },
  value: number,
  ratios: TransformerRatios,
): number {
  return quantity.type === 'float32'
    ? Math.abs(value) * 2 ** -24 + 1e-12
    : (quantity.scale * ratioFactor(quantity.ratio, ratios)) / 2 + 1e-9;
}

function wordsOf(map: MeterMap, values: ReadingValues, ratios: TransformerRatios, fc: 3 | 4): Uint16Array {
  const words = encodeRegisters(map, values, ratios).get(fc);
  if (!words) throw new Error(`no image for function ${fc}`);
  return words;
}

describe.each([
  { mapName: 'sdm630', ratios: SDM630_RATIOS },
  { mapName: 'acrel-dtsd1352', ratios: ACREL_RATIOS },
])('register codec round trip: $mapName', ({ mapName, ratios }) => {
  const map = getMeterMap(mapName);

  it.each(map.quantities.map((q) => ({ ...q, hex: `0x${q.address.toString(16).padStart(4, '0')}` })))(
    'encodes and decodes $key at $hex ($type, scale $scale, ratio $ratio)',
    (quantity) => {
      const value = PRIMARY_VALUES[quantity.key];
      const image = wordsOf(map, { [quantity.key]: value }, ratios, quantity.fc);
      const words = image.slice(quantity.address, quantity.address + REGISTER_WORDS[quantity.type]);
      const decoded = decodeRegisters(map, quantity.fc, quantity.address, words, ratios)[quantity.key];
      expect(decoded).toBeDefined();
      // integers: at most half a raw count in primary units; float32: 24-bit mantissa
      expect(Math.abs(decoded! - value)).toBeLessThanOrEqual(tolerance(quantity, value, ratios));
    },
  );

  it('decodes every quantity from one image read block by block', () => {
    for (const fc of [3, 4] as const) {
      const image = encodeRegisters(map, PRIMARY_VALUES, ratios).get(fc);
      if (!image) continue;
      const decoded = decodeRegisters(map, fc, 0, image, ratios);
      for (const q of map.quantities.filter((x) => x.fc === fc)) {
        const value = PRIMARY_VALUES[q.key];
        expect(Math.abs(decoded[q.key]! - value), q.key).toBeLessThanOrEqual(tolerance(q, value, ratios));
      }
    }
  });
});

describe('register codec: scaling and transformer ratios (domain.md §8.2)', () => {
  const acrel = getMeterMap('acrel-dtsd1352');

  it('stores Acrel voltages as secondary volts × 10: 5800 V primary behind PT 100 is raw 580', () => {
    const words = wordsOf(acrel, { voltageAV: 5800 }, ACREL_RATIOS, 3);
    expect(words[0x61]).toBe(580);
    expect(decodeRegisters(acrel, 3, 0x61, [580], ACREL_RATIOS).voltageAV).toBe(5800);
  });

  it('stores Acrel currents as secondary amperes × 100: 240 A behind CT 60 is raw 400', () => {
    const words = wordsOf(acrel, { currentAA: 240 }, ACREL_RATIOS, 3);
    expect(words[0x64]).toBe(400);
    expect(decodeRegisters(acrel, 3, 0x64, [400], ACREL_RATIOS).currentAA).toBe(240);
  });

  it('applies PT × CT to Acrel power and energy: 1200 kW is 0.2 kW secondary, raw 200', () => {
    const words = wordsOf(acrel, { powerKw: 1200, importKwh: 6_000_000 }, ACREL_RATIOS, 3);
    expect([words[0x16a], words[0x16b]]).toEqual([0, 200]);
    // 6,000,000 kWh / 6000 = 1000 kWh secondary = raw 100,000 at 0.01
    expect([words[0x0a], words[0x0b]]).toEqual([1, 100_000 - 65_536]);
    const decoded = decodeRegisters(acrel, 3, 0x0a, words.slice(0x0a, 0x0c), ACREL_RATIOS);
    expect(decoded.importKwh).toBe(6_000_000);
  });

  it('applies no ratio to frequency and power factor', () => {
    const words = wordsOf(acrel, { frequencyHz: 49.98, pf: 0.935 }, ACREL_RATIOS, 3);
    expect(words[0x77]).toBe(4998);
    expect(words[0x17f]).toBe(935);
  });

  it('turns SDM630 watts into kW (scale 0.001) and ignores transformer ratios', () => {
    const sdm = getMeterMap('sdm630');
    const words = wordsOf(sdm, { powerKw: 12.5 }, SDM630_RATIOS, 4);
    const view = new DataView(new ArrayBuffer(4));
    view.setUint16(0, words[0x34]!);
    view.setUint16(2, words[0x35]!);
    expect(view.getFloat32(0)).toBe(12_500); // the meter holds watts
    expect(decodeRegisters(sdm, 4, 0x34, words.slice(0x34, 0x36), { pt: 1, ct: 1 }).powerKw).toBe(12.5);
  });

  it('reports the primary value at which a counter register wraps', () => {
    // 100,000,000 raw × 0.01 × PT 100 × CT 60
    expect(counterWrapPrimary(acrel, 'importKwh', ACREL_RATIOS)).toBe(6_000_000_000);
    expect(counterWrapPrimary(getMeterMap('sdm630'), 'exportKvarh', SDM630_RATIOS)).toBe(10_000_000);
  });
});

describe('register codec: number formats', () => {
  const acrel = getMeterMap('acrel-dtsd1352');

  it('writes a negative int32 as two’s complement across two words, high word first', () => {
    // −12.345 kW secondary → raw −12345 = 0xFFFF_CFC7
    const words = wordsOf(acrel, { powerBKw: -12.345 }, { pt: 1, ct: 1 }, 3);
    expect([words[0x166], words[0x167]]).toEqual([0xffff, 0xcfc7]);
    expect(decodeRegisters(acrel, 3, 0x166, [0xffff, 0xcfc7], { pt: 1, ct: 1 }).powerBKw).toBe(-12.345);
  });

  it('writes a negative int16 power factor as two’s complement', () => {
    const words = wordsOf(acrel, { pf: -0.5 }, ACREL_RATIOS, 3);
    expect(words[0x17f]).toBe(0xfe0c);
    expect(decodeRegisters(acrel, 3, 0x17f, [0xfe0c], ACREL_RATIOS).pf).toBe(-0.5);
  });

  it('keeps float32 precision: 1,234,567.89 kWh reads back as the nearest float32', () => {
    const sdm = getMeterMap('sdm630');
    const words = wordsOf(sdm, { importKwh: 1_234_567.89 }, SDM630_RATIOS, 4);
    const decoded = decodeRegisters(sdm, 4, 0x48, words.slice(0x48, 0x4a), SDM630_RATIOS).importKwh;
    expect(decoded).toBe(Math.fround(1_234_567.89));
    expect(decoded).toBe(1_234_567.875);
  });

  it('rolls a counter register over at wrapAtRaw (Acrel: 100,000,000 raw)', () => {
    const wrapKwh = counterWrapPrimary(acrel, 'importKwh', ACREL_RATIOS)!;
    const words = wordsOf(acrel, { importKwh: wrapKwh + 120 }, ACREL_RATIOS, 3);
    // 120 kWh past the wrap = 0.02 kWh secondary = raw 2
    expect([words[0x0a], words[0x0b]]).toEqual([0, 2]);
    const justBelow = wordsOf(acrel, { importKwh: wrapKwh - 1 }, ACREL_RATIOS, 3);
    expect([justBelow[0x0a], justBelow[0x0b]]).toEqual([0, 0]); // rounds up to the wrap, shows 0
  });

  it('saturates integers at the register range instead of wrapping', () => {
    const words = wordsOf(acrel, { voltageAV: 1e9 }, ACREL_RATIOS, 3);
    expect(words[0x61]).toBe(0xffff);
  });

  it('marks absent float values NaN and leaves them out on decode; absent integers read 0', () => {
    const sdm = getMeterMap('sdm630');
    const sdmWords = wordsOf(sdm, {}, SDM630_RATIOS, 4);
    expect(decodeRegisters(sdm, 4, 0, sdmWords.slice(0, 80), SDM630_RATIOS)).toEqual({});
    expect(wordsOf(acrel, {}, ACREL_RATIOS, 3)[0x61]).toBe(0);
  });

  it('skips a quantity only half inside the words read', () => {
    const sdm = getMeterMap('sdm630');
    const words = wordsOf(sdm, PRIMARY_VALUES, SDM630_RATIOS, 4);
    const decoded = decodeRegisters(sdm, 4, 1, words.slice(1, 4), SDM630_RATIOS);
    expect(Object.keys(decoded)).toEqual(['voltageBV']);
  });

  it('decodes the settings registers with decodeExtraRegisters', () => {
    const image = encodeRegisters(acrel, {}, ACREL_RATIOS, { ptRatio: 100, ctRatio: 60 }).get(3)!;
    expect(decodeExtraRegisters(acrel, 3, 0x300, image.slice(0x300, 0x302), ACREL_RATIOS)).toEqual({
      ptRatio: 100,
      ctRatio: 60,
    });
  });

  it('rejects a read function other than 3/4 and non-positive ratios with METER_MAP_BAD_ARGUMENT', () => {
    expect(() => decodeRegisters(acrel, 6 as 3, 0, [0], ACREL_RATIOS)).toThrow(
      expect.objectContaining({ code: 'METER_MAP_BAD_ARGUMENT' }),
    );
    expect(() => encodeRegisters(acrel, {}, { pt: 0, ct: 1 })).toThrow(
      expect.objectContaining({ code: 'METER_MAP_BAD_ARGUMENT' }),
    );
  });
});

describe('register codec: word order is a per-map fact', () => {
  const base: MeterMapInput = {
    name: 'word-order-probe',
    description: 'test map',
    source: 'test',
    wordOrder: 'BE',
    supportedFunctions: [3],
    limits: { maxRegistersPerRead: 125, evenAlignment: false },
    blocks: [{ fc: 3, start: 0, end: 3 }],
    quantities: [
      { key: 'importKwh', fc: 3, address: 0, type: 'uint32', scale: 1, ratio: 'none', unit: 'kWh' },
      { key: 'powerKw', fc: 3, address: 2, type: 'float32', scale: 1, ratio: 'none', unit: 'kW' },
    ],
  };
  const bigEndian = parseMeterMap(base);
  const littleEndian = parseMeterMap({ ...base, wordOrder: 'LE' });

  it('puts the high word first for BE and the low word first for LE', () => {
    const values = { importKwh: 0x12345678, powerKw: 1.5 }; // 1.5f = 0x3FC00000
    expect([...wordsOf(bigEndian, values, { pt: 1, ct: 1 }, 3)]).toEqual([0x1234, 0x5678, 0x3fc0, 0x0000]);
    expect([...wordsOf(littleEndian, values, { pt: 1, ct: 1 }, 3)]).toEqual([0x5678, 0x1234, 0x0000, 0x3fc0]);
  });

  it('decodes the same words differently under the two orders', () => {
    const words = [0x0001, 0x0002, 0, 0];
    expect(decodeRegisters(bigEndian, 3, 0, words, { pt: 1, ct: 1 }).importKwh).toBe(0x00010002);
    expect(decodeRegisters(littleEndian, 3, 0, words, { pt: 1, ct: 1 }).importKwh).toBe(0x00020001);
  });
});
