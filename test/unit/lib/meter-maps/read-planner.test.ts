import { describe, expect, it } from 'vitest';
import {
  parseMeterMap,
  planReadBlocks,
  REGISTER_WORDS,
  type MeterMap,
  type ReadBlock,
} from '../../../../lib/meter-maps/index.ts';
import { getMeterMap, listMeterMaps } from '../../../../lib/meter-maps/maps/index.ts';

function insideOneBlock(map: MeterMap, read: ReadBlock): boolean {
  for (let a = read.start; a < read.start + read.count; a++) {
    if (!map.blocks.some((b) => b.fc === read.fc && a >= b.start && a <= b.end)) return false;
  }
  return true;
}

describe.each(listMeterMaps())('read plan of %s', (name) => {
  const map = getMeterMap(name);
  const plan = planReadBlocks(map, { includeExtras: true });

  it('covers every register of the map completely', () => {
    for (const field of [...map.quantities, ...map.extras]) {
      const words = REGISTER_WORDS[field.type];
      const covered = plan.some(
        (r) => r.fc === field.fc && field.address >= r.start && field.address + words <= r.start + r.count,
      );
      expect(covered, field.key).toBe(true);
    }
  });

  it('stays within the device limits: count, alignment and declared blocks', () => {
    for (const read of plan) {
      expect(read.count).toBeGreaterThanOrEqual(1);
      expect(read.count).toBeLessThanOrEqual(map.limits.maxRegistersPerRead);
      if (map.limits.evenAlignment) {
        expect(read.start % 2).toBe(0);
        expect(read.count % 2).toBe(0);
      }
      expect(insideOneBlock(map, read)).toBe(true);
    }
  });
});

describe('planReadBlocks', () => {
  it('reads the SDM630 quantities in two requests: 80 registers from 0 and the line voltages', () => {
    expect(planReadBlocks(getMeterMap('sdm630'))).toEqual([
      { fc: 4, start: 0, count: 80 },
      { fc: 4, start: 0xc8, count: 6 },
    ]);
  });

  it('bridges gaps only inside one declared block', () => {
    expect(planReadBlocks(getMeterMap('acrel-dtsd1352'))).toEqual([
      { fc: 3, start: 0x0a, count: 0x33 - 0x0a + 1 },
      { fc: 3, start: 0x61, count: 0x7a - 0x61 + 1 },
      { fc: 3, start: 0x164, count: 0x17f - 0x164 + 1 },
    ]);
  });

  it('plans only the requested keys', () => {
    expect(planReadBlocks(getMeterMap('sdm630'), { keys: ['voltageAbV'] })).toEqual([{ fc: 4, start: 0xc8, count: 2 }]);
  });

  it('splits a block that is longer than the device allows', () => {
    const map = parseMeterMap({
      name: 'small-reads',
      description: 'test',
      source: 'test',
      wordOrder: 'BE',
      supportedFunctions: [3],
      limits: { maxRegistersPerRead: 4, evenAlignment: false },
      blocks: [{ fc: 3, start: 0, end: 9 }],
      quantities: [
        { key: 'voltageAV', fc: 3, address: 0, type: 'uint16', scale: 1, ratio: 'none', unit: 'V' },
        { key: 'voltageBV', fc: 3, address: 3, type: 'uint16', scale: 1, ratio: 'none', unit: 'V' },
        { key: 'importKwh', fc: 3, address: 4, type: 'uint32', scale: 1, ratio: 'none', unit: 'kWh' },
        { key: 'powerKw', fc: 3, address: 8, type: 'int32', scale: 1, ratio: 'none', unit: 'kW' },
      ],
    });
    expect(planReadBlocks(map)).toEqual([
      { fc: 3, start: 0, count: 4 },
      { fc: 3, start: 4, count: 2 },
      { fc: 3, start: 8, count: 2 },
    ]);
  });

  it('fails with METER_MAP_BAD_ARGUMENT for a key the map does not have', () => {
    expect(() => planReadBlocks(getMeterMap('acrel-dtsd1352'), { keys: ['pfA'] })).toThrow(
      expect.objectContaining({ code: 'METER_MAP_BAD_ARGUMENT' }),
    );
  });
});
