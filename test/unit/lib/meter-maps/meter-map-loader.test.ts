import { describe, expect, it } from 'vitest';
import { parseMeterMap, type MeterMap, type MeterMapInput } from '../../../../lib/meter-maps/index.ts';
import { getMeterMap, listMeterMaps } from '../../../../lib/meter-maps/maps/index.ts';

function field(
  map: MeterMap,
  key: string,
): { fc: number; address: number; type: string; scale: number; ratio: string } {
  const found = [...map.quantities, ...map.extras].find((q) => q.key === key);
  if (!found) throw new Error(`${map.name} has no ${key}`);
  return { fc: found.fc, address: found.address, type: found.type, scale: found.scale, ratio: found.ratio };
}

describe('meter map files', () => {
  it('ships the sdm630 and acrel-dtsd1352 maps', () => {
    expect(listMeterMaps()).toEqual(expect.arrayContaining(['acrel-dtsd1352', 'sdm630']));
  });

  it('loads every shipped map and each declares the name of its file', () => {
    for (const name of listMeterMaps()) expect(getMeterMap(name).name).toBe(name);
  });

  it('fails with METER_MAP_UNKNOWN for a map that does not exist', () => {
    expect(() => getMeterMap('no-such-meter')).toThrow(expect.objectContaining({ code: 'METER_MAP_UNKNOWN' }));
  });

  it('returns frozen maps, so no caller can change the shared definition', () => {
    const map = getMeterMap('sdm630');
    expect(Object.isFrozen(map)).toBe(true);
    expect(Object.isFrozen(map.quantities[0])).toBe(true);
  });
});

describe('sdm630 map follows domain.md §8.1', () => {
  const map = getMeterMap('sdm630');

  it('is float32, function 04, high word first, at most 80 registers with even start and count', () => {
    expect(map.wordOrder).toBe('BE');
    expect(map.limits).toEqual({ maxRegistersPerRead: 80, evenAlignment: true });
    expect(map.quantities.every((q) => q.type === 'float32' && q.fc === 4 && q.ratio === 'none')).toBe(true);
  });

  it.each([
    ['voltageAV', 0x0000],
    ['voltageBV', 0x0002],
    ['voltageCV', 0x0004],
    ['currentAA', 0x0006],
    ['currentBA', 0x0008],
    ['currentCA', 0x000a],
    ['powerAKw', 0x000c],
    ['powerBKw', 0x000e],
    ['powerCKw', 0x0010],
    ['reactiveAKvar', 0x0018],
    ['reactiveBKvar', 0x001a],
    ['reactiveCKvar', 0x001c],
    ['pfA', 0x001e],
    ['pfB', 0x0020],
    ['pfC', 0x0022],
    ['powerKw', 0x0034],
    ['apparentKva', 0x0038],
    ['reactiveKvar', 0x003c],
    ['pf', 0x003e],
    ['frequencyHz', 0x0046],
    ['importKwh', 0x0048],
    ['exportKwh', 0x004a],
    ['importKvarh', 0x004c],
    ['exportKvarh', 0x004e],
    ['voltageAbV', 0x00c8],
    ['voltageBcV', 0x00ca],
    ['voltageCaV', 0x00cc],
    ['apparentAKva', 0x0012],
    ['apparentBKva', 0x0014],
    ['apparentCKva', 0x0016],
    ['demandKw', 0x0054],
    ['maxDemandKw', 0x0056],
  ])('places %s at 0x%s', (key, address) => {
    expect(field(map, key).address).toBe(address);
  });

  it('converts W, VA and var to kW, kVA and kvar with scale 0.001', () => {
    for (const key of ['powerKw', 'powerAKw', 'reactiveKvar', 'apparentKva', 'demandKw']) {
      expect(field(map, key).scale).toBe(0.001);
    }
    expect(field(map, 'voltageAV').scale).toBe(1);
  });

  it('holds the demand period in holding register 0x0002 (function 03)', () => {
    expect(field(map, 'demandPeriodMin')).toMatchObject({ fc: 3, address: 0x0002 });
  });
});

describe('acrel-dtsd1352 map follows domain.md §8.2', () => {
  const map = getMeterMap('acrel-dtsd1352');

  it('is function 03, big-endian, high word first', () => {
    expect(map.wordOrder).toBe('BE');
    expect(map.quantities.every((q) => q.fc === 3)).toBe(true);
  });

  it.each([
    ['voltageAV', 0x0061, 'uint16', 0.1, 'pt'],
    ['voltageCV', 0x0063, 'uint16', 0.1, 'pt'],
    ['currentAA', 0x0064, 'uint16', 0.01, 'ct'],
    ['currentCA', 0x0066, 'uint16', 0.01, 'ct'],
    ['frequencyHz', 0x0077, 'uint16', 0.01, 'none'],
    ['voltageAbV', 0x0078, 'uint16', 0.1, 'pt'],
    ['voltageCaV', 0x007a, 'uint16', 0.1, 'pt'],
    ['powerAKw', 0x0164, 'int32', 0.001, 'ptct'],
    ['powerBKw', 0x0166, 'int32', 0.001, 'ptct'],
    ['powerCKw', 0x0168, 'int32', 0.001, 'ptct'],
    ['powerKw', 0x016a, 'int32', 0.001, 'ptct'],
    ['reactiveKvar', 0x0172, 'int32', 0.001, 'ptct'],
    ['apparentKva', 0x017a, 'int32', 0.001, 'ptct'],
    ['pf', 0x017f, 'int16', 0.001, 'none'],
    ['importKwh', 0x000a, 'int32', 0.01, 'ptct'],
    ['exportKwh', 0x0014, 'int32', 0.01, 'ptct'],
    ['importKvarh', 0x0028, 'int32', 0.01, 'ptct'],
    ['exportKvarh', 0x0032, 'int32', 0.01, 'ptct'],
  ])('places %s at 0x%s as %s × %s × %s', (key, address, type, scale, ratio) => {
    expect(field(map, key)).toEqual({ fc: 3, address, type, scale, ratio });
  });

  it('exposes PT and CT ratios as writable holding registers documented in the map', () => {
    const extras = map.extras.filter((x) => x.key === 'ptRatio' || x.key === 'ctRatio');
    expect(extras).toHaveLength(2);
    expect(extras.every((x) => x.writable && x.fc === 3 && x.description)).toBe(true);
  });
});

describe('parseMeterMap rejects inconsistent maps, naming the field', () => {
  const valid: MeterMapInput = {
    name: 'probe',
    description: 'test map',
    source: 'test',
    wordOrder: 'BE',
    supportedFunctions: [3, 4],
    limits: { maxRegistersPerRead: 80, evenAlignment: true },
    blocks: [{ fc: 4, start: '0x0000', end: '0x000F' }],
    quantities: [{ key: 'voltageAV', fc: 4, address: '0x0000', type: 'float32', scale: 1, ratio: 'none', unit: 'V' }],
  };

  it('accepts the valid probe and converts hex addresses', () => {
    expect(parseMeterMap(valid).blocks[0]).toEqual({ fc: 4, start: 0, end: 15 });
  });

  it.each([
    [
      'a key that is not a ReadingValues key',
      { quantities: [{ key: 'voltsA', fc: 4, address: 0, type: 'float32', scale: 1, ratio: 'none', unit: 'V' }] },
      'quantities.0.key',
    ],
    [
      'a register outside every block',
      { quantities: [{ key: 'voltageAV', fc: 4, address: 0x20, type: 'float32', scale: 1, ratio: 'none', unit: 'V' }] },
      'quantities.0.address',
    ],
    [
      'overlapping registers',
      {
        quantities: [
          { key: 'voltageAV', fc: 4, address: 0, type: 'float32', scale: 1, ratio: 'none', unit: 'V' },
          { key: 'voltageBV', fc: 4, address: 0, type: 'float32', scale: 1, ratio: 'none', unit: 'V' },
        ],
      },
      'quantities.1.address',
    ],
    [
      'a 32-bit register at an odd address when reads must be even',
      { quantities: [{ key: 'voltageAV', fc: 4, address: 1, type: 'float32', scale: 1, ratio: 'none', unit: 'V' }] },
      'quantities.0.address',
    ],
    [
      'a rollover on a quantity that is not a counter',
      {
        quantities: [
          { key: 'voltageAV', fc: 4, address: 0, type: 'float32', scale: 1, ratio: 'none', unit: 'V', wrapAtRaw: 10 },
        ],
      },
      'quantities.0.wrapAtRaw',
    ],
    ['a hex address that is not hex', { blocks: [{ fc: 4, start: '0xZZ', end: 15 }] }, 'blocks.0.start'],
    [
      'more than 125 registers per read',
      { limits: { maxRegistersPerRead: 126, evenAlignment: true } },
      'limits.maxRegistersPerRead',
    ],
  ])('rejects %s (%s)', (_label, change, path) => {
    let error: unknown;
    try {
      parseMeterMap({ ...valid, ...change });
    } catch (err) {
      error = err;
    }
    expect(error).toMatchObject({ code: 'METER_MAP_INVALID' });
    expect((error as { issues: { path: string }[] }).issues.map((i) => i.path)).toContain(path);
  });
});
