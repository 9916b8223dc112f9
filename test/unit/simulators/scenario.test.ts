import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildDemoMeters } from '../../../simulators/demo-meters.ts';
import { FAULT_KINDS } from '../../../simulators/fault-kinds.ts';
import { normalizeMeterSpec } from '../../../simulators/meter-spec.ts';
import { parseFaultFlag, parseScenario, resolveFaults } from '../../../simulators/scenario.ts';

const START = Date.parse('2025-03-03T00:00:00+08:00');

function issuesOf(fn: () => unknown): { code: string; paths: string[] } {
  try {
    fn();
  } catch (err) {
    const e = err as { code: string; issues: { path: string }[] };
    return { code: e.code, paths: e.issues.map((i) => i.path) };
  }
  throw new Error('expected an error');
}

function targetsOf(n: number) {
  return new Map(
    buildDemoMeters(n, 1).map((spec, i) => {
      const s = normalizeMeterSpec(spec, i);
      return [s.code, { protocol: s.protocol, nominalVoltageV: s.nominalVoltageV }];
    }),
  );
}

describe('parseScenario', () => {
  it('fills defaults: no faults, no holidays, parameters of each kind', () => {
    const scenario = parseScenario({
      faults: [{ meter: 'M001', kind: 'phase_break', start: 60, durationS: 120 }],
    });
    expect(scenario.holidays).toEqual([]);
    expect(scenario.faults[0]!.params).toEqual({ phase: 'A', levelPct: 40 });
  });

  it('accepts JSON text and ISO start times with an offset', () => {
    const scenario = parseScenario(
      '{"faults":[{"meter":"M1","kind":"stale_values","start":"2025-03-03T10:00:00+08:00","durationS":60}]}',
    );
    expect(scenario.faults[0]!.start).toBe('2025-03-03T10:00:00+08:00');
  });

  it.each([
    ['an unknown kind', { faults: [{ meter: 'M1', kind: 'phase_brake', start: 0, durationS: 1 }] }, 'faults.0.kind'],
    [
      'a zero duration',
      { faults: [{ meter: 'M1', kind: 'stale_values', start: 0, durationS: 0 }] },
      'faults.0.durationS',
    ],
    [
      'a negative offset',
      { faults: [{ meter: 'M1', kind: 'stale_values', start: -5, durationS: 1 }] },
      'faults.0.start',
    ],
    [
      'a start that is not a time',
      { faults: [{ meter: 'M1', kind: 'stale_values', start: 'noon', durationS: 1 }] },
      'faults.0.start',
    ],
    [
      'a phase break that is not below 60 % Un (domain.md §4)',
      { faults: [{ meter: 'M1', kind: 'phase_break', start: 0, durationS: 1, params: { levelPct: 65 } }] },
      'faults.0.params.levelPct',
    ],
    [
      'a loss of voltage at 80 % Un (trigger is < 78 %)',
      { faults: [{ meter: 'M1', kind: 'loss_of_voltage', start: 0, durationS: 1, params: { levelPct: 80 } }] },
      'faults.0.params.levelPct',
    ],
    [
      'a misspelt parameter',
      { faults: [{ meter: 'M1', kind: 'under_voltage', start: 0, durationS: 1, params: { dpethPct: 5 } }] },
      'faults.0.params',
    ],
    [
      'an exception code other than 04/06',
      { faults: [{ meter: 'M1', kind: 'modbus_exception', start: 0, durationS: 1, params: { exceptionCode: 2 } }] },
      'faults.0.params.exceptionCode',
    ],
    ['an impossible holiday', { holidays: ['2025-02-30'] }, 'holidays.0'],
    ['an unknown top-level field', { fautls: [] }, ''],
  ])('rejects %s with SIM_SCENARIO_INVALID naming the field', (_label, document, path) => {
    const { code, paths } = issuesOf(() => parseScenario(document));
    expect(code).toBe('SIM_SCENARIO_INVALID');
    expect(paths).toContain(path);
  });

  it('rejects text that is not JSON', () => {
    expect(issuesOf(() => parseScenario('{faults: ')).code).toBe('SIM_SCENARIO_INVALID');
  });
});

describe('parseFaultFlag', () => {
  it('reads key=value pairs, numbers as numbers, the rest as kind parameters', () => {
    expect(parseFaultFlag('meter=M001,kind=under_voltage,start=3600,duration=900,depthPct=12,phase=B')).toEqual({
      meter: 'M001',
      kind: 'under_voltage',
      start: 3600,
      durationS: 900,
      params: { phase: 'B', depthPct: 12 },
    });
  });

  it('names the flag and the field in its error', () => {
    const { code, paths } = issuesOf(() =>
      parseFaultFlag('meter=M001,kind=phase_break,start=0,duration=60,phase=D', 2),
    );
    expect(code).toBe('SIM_SCENARIO_INVALID');
    expect(paths).toEqual(['--fault[2].params.phase']);
  });

  it('rejects a pair without "="', () => {
    expect(issuesOf(() => parseFaultFlag('meter=M001,phase_break')).paths).toEqual(['--fault[0]']);
  });
});

describe('resolveFaults', () => {
  const targets = targetsOf(8);

  it('turns offsets and ISO times into simulated epoch ms and sorts by start', () => {
    const windows = resolveFaults(
      parseScenario({
        faults: [
          { meter: 'M002', kind: 'stale_values', start: '2025-03-03T02:00:00+08:00', durationS: 60 },
          { meter: 'M001', kind: 'stale_values', start: 3600, durationS: 30 },
        ],
      }).faults,
      START,
      targets,
    );
    expect(windows.map((w) => [w.id, w.meter, w.startMs - START, w.endMs - w.startMs])).toEqual([
      ['f2', 'M001', 3_600_000, 30_000],
      ['f1', 'M002', 7_200_000, 60_000],
    ]);
  });

  it('uses the voltage-class depth when under/over-voltage gives none (domain.md §2)', () => {
    const windows = resolveFaults(
      parseScenario({
        faults: [
          { meter: 'M001', kind: 'under_voltage', start: 0, durationS: 60 }, // 35 kV
          { meter: 'M002', kind: 'over_voltage', start: 0, durationS: 60 }, // 10 kV
        ],
      }).faults,
      START,
      targets,
    );
    expect(windows.find((w) => w.meter === 'M001')!.params).toMatchObject({ depthPct: 12 });
    expect(windows.find((w) => w.meter === 'M002')!.params).toMatchObject({ depthPct: 10 });
  });

  it('records the phase of single-phase faults only', () => {
    const windows = resolveFaults(
      parseScenario({
        faults: [
          { meter: 'M001', kind: 'reverse_power', start: 0, durationS: 60, params: { phase: 'C' } },
          { meter: 'M002', kind: 'reverse_power', start: 0, durationS: 60 },
        ],
      }).faults,
      START,
      targets,
    );
    expect(windows.map((w) => w.phase)).toEqual(['C', undefined]);
  });

  it.each([
    ['an unknown meter', { meter: 'M099', kind: 'stale_values', start: 0, durationS: 60 }, 'faults.0.meter'],
    [
      'malformed payloads on a Modbus meter',
      { meter: 'M001', kind: 'malformed_payload', start: 0, durationS: 60 },
      'faults.0.kind',
    ],
    [
      'a Modbus exception on an MQTT meter',
      { meter: 'M004', kind: 'modbus_exception', start: 0, durationS: 60 },
      'faults.0.kind',
    ],
    [
      'a start before the simulation',
      { meter: 'M001', kind: 'stale_values', start: '2025-03-02T00:00:00Z', durationS: 60 },
      'faults.0.start',
    ],
  ])('rejects %s with SIM_SCENARIO_MISMATCH', (_label, fault, path) => {
    const { code, paths } = issuesOf(() => resolveFaults(parseScenario({ faults: [fault] }).faults, START, targets));
    expect(code).toBe('SIM_SCENARIO_MISMATCH');
    expect(paths).toEqual([path]);
  });
});

describe('shipped scenarios', () => {
  const load = (name: string) =>
    parseScenario(readFileSync(new URL(`../../../simulators/scenarios/${name}`, import.meta.url), 'utf8'));

  it('demo.json exercises every fault kind within one simulated day on the 12-meter demo fleet', () => {
    const scenario = load('demo.json');
    const start = Date.parse(scenario.startTime!);
    const windows = resolveFaults(scenario.faults, start, targetsOf(12));
    expect(new Set(windows.map((w) => w.kind))).toEqual(new Set(FAULT_KINDS));
    expect(new Set(windows.map((w) => w.meter)).size).toBeGreaterThanOrEqual(8);
    for (const w of windows) expect(w.endMs).toBeLessThanOrEqual(start + 24 * 3_600_000);
  });

  it('ci-quick.json fits a 4-meter demo fleet and ends within 10 simulated minutes', () => {
    const scenario = load('ci-quick.json');
    const start = Date.parse(scenario.startTime!);
    const windows = resolveFaults(scenario.faults, start, targetsOf(4));
    expect(windows.length).toBeGreaterThan(0);
    for (const w of windows) expect(w.endMs).toBeLessThanOrEqual(start + 10 * 60_000);
  });
});
