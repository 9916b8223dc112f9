import { describe, expect, it } from 'vitest';
import { buildDemoMeters } from '../../../simulators/demo-meters.ts';
import { normalizeMeterSpec } from '../../../simulators/meter-spec.ts';
import { LV_SDM_SPEC, MV_ACREL_SPEC } from '../../support/simulators.ts';

function pathsOf(spec: unknown): string[] {
  try {
    normalizeMeterSpec(spec, 3);
  } catch (err) {
    expect(err).toMatchObject({ code: 'SIM_METER_SPEC_INVALID' });
    return (err as { issues: { path: string }[] }).issues.map((i) => i.path);
  }
  throw new Error('expected SIM_METER_SPEC_INVALID');
}

describe('normalizeMeterSpec', () => {
  it('derives the missing one of rated kW and contracted kVA', () => {
    const { ratedKw: _r, ...withoutRated } = MV_ACREL_SPEC;
    expect(normalizeMeterSpec({ ...withoutRated, contractedKva: 4000 }).ratedKw).toBe(3000);
    const { contractedKva: _c, ...withoutContract } = MV_ACREL_SPEC;
    expect(normalizeMeterSpec({ ...withoutContract, ratedKw: 1500 }).contractedKva).toBe(2000);
  });

  it('defaults MQTT meters to the JSON format and 50 Hz', () => {
    const spec = normalizeMeterSpec({ ...MV_ACREL_SPEC, protocol: 'mqtt', mapName: undefined });
    expect(spec).toMatchObject({ mqttFormat: 'json', frequencyHz: 50 });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['a 10 kV meter without a PT', { ptRatio: 1 }, 'meters.3.ptRatio'],
    ['a Modbus meter without a map', { mapName: undefined }, 'meters.3.mapName'],
    ['an unknown map', { mapName: 'dtsu666' }, 'meters.3.mapName'],
    ['a CT too small for the contracted load', { ctRatio: 1 }, 'meters.3.ctRatio'],
    ['neither rated kW nor contracted kVA', { ratedKw: undefined, contractedKva: undefined }, 'meters.3.ratedKw'],
    ['an MQTT format on a Modbus meter', { mqttFormat: 'json' }, 'meters.3.mqttFormat'],
    ['a code that cannot be a topic level', { code: 'a/b' }, 'meters.3.code'],
    ['an unknown profile', { profile: 'brewery' }, 'meters.3.profile'],
    ['a unit id above 247', { unitId: 248 }, 'meters.3.unitId'],
  ])('rejects %s, naming the field', (_label, change, path) => {
    expect(pathsOf({ ...MV_ACREL_SPEC, ...change })).toContain(path);
  });

  it('keeps the SDM630 map to direct-connected LV meters (no PT)', () => {
    expect(pathsOf({ ...LV_SDM_SPEC, nominalVoltageV: 10_000, ptRatio: 100 })).toContain('meters.3.ptRatio');
  });
});

describe('buildDemoMeters', () => {
  it('gives the same fleet for the same seed and valid specs for 500 meters', () => {
    const a = buildDemoMeters(500, 9);
    expect(buildDemoMeters(500, 9)).toEqual(a);
    a.forEach((spec, i) => expect(() => normalizeMeterSpec(spec, i)).not.toThrow());
  });

  it('lays meters out by position so scenarios can name them', () => {
    const specs = buildDemoMeters(12, 1).map((s, i) => normalizeMeterSpec(s, i));
    expect(specs.map((s) => s.code)).toEqual(
      Array.from({ length: 12 }, (_, i) => `M${String(i + 1).padStart(3, '0')}`),
    );
    expect(specs.filter((s) => s.protocol === 'mqtt').map((s) => [s.code, s.mqttFormat])).toEqual([
      ['M004', 'json'],
      ['M008', 'sparkplug'],
      ['M012', 'json'],
    ]);
    expect(new Set(specs.map((s) => s.profile)).size).toBe(6);
    expect(new Set(specs.map((s) => s.nominalVoltageV))).toEqual(new Set([380, 10_000, 35_000, 110_000]));
    expect(new Set(specs.flatMap((s) => (s.mapName ? [s.mapName] : [])))).toEqual(
      new Set(['acrel-dtsd1352', 'sdm630']),
    );
  });

  it('varies sizes with the seed', () => {
    expect(buildDemoMeters(6, 1).map((s) => s.ratedKw)).not.toEqual(buildDemoMeters(6, 2).map((s) => s.ratedKw));
  });

  it('makes only Modbus meters when asked', () => {
    expect(buildDemoMeters(16, 1, { protocols: 'modbus' }).every((s) => s.protocol === 'modbus')).toBe(true);
  });
});
