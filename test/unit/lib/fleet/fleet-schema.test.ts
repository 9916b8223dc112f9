import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFleet } from '../../../../lib/fleet/index.ts';

const demo = JSON.parse(readFileSync(new URL('../../../../fleet/demo-fleet.json', import.meta.url), 'utf8'));

function problemsOf(input: unknown): string {
  try {
    parseFleet(input, 'test fleet');
  } catch (err) {
    expect((err as { code: string }).code).toBe('FLEET_INVALID');
    return (err as Error).message;
  }
  throw new Error('expected FLEET_INVALID');
}

describe('fleet file', () => {
  it('accepts the checked-in demo fleet with the industries the demo promises', () => {
    const fleet = parseFleet(demo);
    const industries = fleet.accounts.map((a) => a.industry);
    for (const i of ['steel', 'chemical', 'data_centre', 'hospital', 'cold_storage', 'office'])
      expect(industries).toContain(i);
    expect(fleet.accounts.flatMap((a) => a.meters).some((m) => m.protocol === 'mqtt')).toBe(true);
  });

  it('names an account whose manager does not exist', () => {
    const bad = structuredClone(demo);
    bad.accounts[0].manager = 'nobody';
    expect(problemsOf(bad)).toMatch(/accounts\.0\.manager: unknown manager "nobody"/);
  });

  it('names a duplicate meter code', () => {
    const bad = structuredClone(demo);
    bad.accounts[1].meters[0].code = bad.accounts[0].meters[0].code;
    expect(problemsOf(bad)).toMatch(/accounts\.1\.meters\.0\.code: duplicate meter code/);
  });

  it('requires Modbus details for a Modbus meter', () => {
    const bad = structuredClone(demo);
    delete bad.accounts[0].meters[0].modbus;
    expect(problemsOf(bad)).toMatch(/accounts\.0\.meters\.0\.modbus: required when protocol is modbus/);
  });

  it('rejects a negative PT ratio and an unknown field', () => {
    const bad = structuredClone(demo);
    bad.accounts[0].meters[0].ptRatio = -1;
    bad.accounts[0].colour = 'blue';
    const message = problemsOf(bad);
    expect(message).toMatch(/accounts\.0\.meters\.0\.ptRatio/);
    expect(message).toMatch(/colour/);
  });
});
