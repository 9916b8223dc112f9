import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../lib/domain/index.ts';
import {
  buildDemoMeters,
  planSimFleet,
  startSimFleet,
  type GroundTruthEntry,
  type SimFleetOptions,
} from '../../../simulators/index.ts';
import {
  closeModbus,
  connectModbus,
  HOUR_MS,
  LV_SDM_SPEC,
  CLOCK_START_MS,
  MONDAY_MIDNIGHT_MS,
  MV_ACREL_SPEC,
} from '../../support/simulators.ts';

async function failureOf(options: SimFleetOptions): Promise<{ code: string; paths: string[] }> {
  try {
    const fleet = await startSimFleet(options);
    await fleet.stop();
  } catch (err) {
    const e = err as { code: string; issues: { path: string }[] };
    return { code: e.code, paths: e.issues.map((i) => i.path) };
  }
  throw new Error('expected startSimFleet to fail');
}

describe('ground truth log', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kam-sim-truth-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('appends one JSON line per fault once simulated time reaches its start, to a file and a stream', async () => {
    const clock = createManualClock(CLOCK_START_MS);
    const path = join(dir, 'truth.jsonl');
    const stream = new PassThrough();
    const streamed: string[] = [];
    stream.on('data', (chunk: Buffer) => streamed.push(chunk.toString()));
    const fleet = await startSimFleet({
      meters: [MV_ACREL_SPEC],
      scenario: {
        faults: [
          { id: 'a', meter: 'MV1', kind: 'phase_break', start: 3600, durationS: 600, params: { phase: 'B' } },
          { id: 'b', meter: 'MV1', kind: 'over_voltage', start: 7200, durationS: 60 },
          { id: 'c', meter: 'MV1', kind: 'stale_values', start: 86_400, durationS: 60 },
        ],
      },
      clock,
      speed: 3600, // one wall second is one simulated hour
      startTime: MONDAY_MIDNIGHT_MS,
      truthLogPath: path,
      truthStream: stream,
      tickMs: 5,
    });
    clock.set(clock.now() + 2500); // 02:30 simulated
    expect(fleet.truth().map((t) => t.id)).toEqual(['a', 'b']);
    await fleet.stop();

    const lines = (await readFile(path, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as GroundTruthEntry);
    expect(lines).toEqual([
      {
        id: 'a',
        meter: 'MV1',
        kind: 'phase_break',
        phase: 'B',
        start: '2025-03-02T17:00:00.000Z',
        end: '2025-03-02T17:10:00.000Z',
        params: { phase: 'B', levelPct: 40 },
      },
      {
        id: 'b',
        meter: 'MV1',
        kind: 'over_voltage',
        start: '2025-03-02T18:00:00.000Z',
        end: '2025-03-02T18:01:00.000Z',
        params: { phase: 'all', depthPct: 10 },
      },
    ]);
    expect(streamed.join('')).toBe(`${lines.map((l) => JSON.stringify(l)).join('\n')}\n`);
  });
});

describe('planSimFleet', () => {
  it('plans the demo scenario on 12 demo meters without listening or connecting', async () => {
    const scenario = await readFile(new URL('../../../simulators/scenarios/demo.json', import.meta.url), 'utf8');
    const plan = planSimFleet({ meters: buildDemoMeters(12, 1), scenario, mqttUrl: 'mqtt://127.0.0.1:1' }, 0);
    expect(plan.meters).toHaveLength(12);
    expect(plan.faults).toHaveLength(21);
    expect(plan.startTimeMs).toBe(Date.parse('2025-03-03T00:00:00+08:00'));
    expect(plan.fleetSeed).toBe(20250303);
  });
});

describe('simulated clock', () => {
  it('runs at start + wall elapsed × speed and floors the start to a whole step', async () => {
    const clock = createManualClock(CLOCK_START_MS);
    const fleet = await startSimFleet({
      meters: [MV_ACREL_SPEC],
      clock,
      speed: 60,
      startTime: MONDAY_MIDNIGHT_MS + 1500,
    });
    try {
      expect(fleet.startTimeMs).toBe(MONDAY_MIDNIGHT_MS + 1000);
      clock.set(clock.now() + 1000);
      expect(fleet.simNow()).toBe(MONDAY_MIDNIGHT_MS + 61_000);
      expect(fleet.currentValues('MV1')).toBe(fleet.valuesAt('MV1', MONDAY_MIDNIGHT_MS + 61_000));
    } finally {
      await fleet.stop();
    }
  });

  it('takes the start time and seed from the scenario unless the options give them', async () => {
    const fleet = await startSimFleet({
      meters: [MV_ACREL_SPEC],
      scenario: { startTime: '2025-06-01T08:00:00+08:00', seed: 5, faults: [] },
      clock: createManualClock(CLOCK_START_MS),
    });
    const sameSeed = await startSimFleet({
      meters: [MV_ACREL_SPEC],
      seed: 5,
      startTime: '2025-06-01T00:00:00Z',
      clock: createManualClock(CLOCK_START_MS),
    });
    try {
      expect(new Date(fleet.startTimeMs).toISOString()).toBe('2025-06-01T00:00:00.000Z');
      expect(sameSeed.valuesAt('MV1', fleet.startTimeMs + HOUR_MS)).toEqual(
        fleet.valuesAt('MV1', fleet.startTimeMs + HOUR_MS),
      );
    } finally {
      await Promise.all([fleet.stop(), sameSeed.stop()]);
    }
  });
});

describe('reproducibility', () => {
  it('gives identical meters for the same seed and different ones for another seed', async () => {
    const meters = buildDemoMeters(6, 3, { protocols: 'modbus' });
    const options = { meters, startTime: MONDAY_MIDNIGHT_MS, clock: createManualClock(CLOCK_START_MS) };
    const [a, b, c] = await Promise.all([
      startSimFleet({ ...options, seed: 11 }),
      startSimFleet({ ...options, seed: 11 }),
      startSimFleet({ ...options, seed: 12 }),
    ]);
    try {
      const t = MONDAY_MIDNIGHT_MS + 13 * HOUR_MS;
      for (const spec of meters) expect(b.valuesAt(spec.code, t)).toEqual(a.valuesAt(spec.code, t));
      expect(c.valuesAt('M001', t).powerKw).not.toBe(a.valuesAt('M001', t).powerKw);
    } finally {
      await Promise.all([a.stop(), b.stop(), c.stop()]);
    }
  });
});

describe('Modbus layout and lifecycle', () => {
  it('splits meters over gateways and assigns unit ids by position when specs give none', async () => {
    const meters = [1, 2, 3, 4, 5].map((i) => ({ ...MV_ACREL_SPEC, code: `G${i}`, unitId: undefined, seed: i }));
    const fleet = await startSimFleet({
      meters,
      gateway: true,
      metersPerGateway: 2,
      clock: createManualClock(CLOCK_START_MS),
    });
    try {
      const endpoints = fleet.endpoints.flatMap((e) => (e.protocol === 'modbus' ? [e] : []));
      expect(new Set(endpoints.map((e) => e.port)).size).toBe(3);
      expect(endpoints.map((e) => e.unitId)).toEqual([1, 2, 1, 2, 1]);
    } finally {
      await fleet.stop();
    }
  });

  it('counts requests and closes every port on stop', async () => {
    const fleet = await startSimFleet({
      meters: [MV_ACREL_SPEC, LV_SDM_SPEC],
      clock: createManualClock(CLOCK_START_MS),
    });
    const endpoint = fleet.endpoints[0]!;
    if (endpoint.protocol !== 'modbus') throw new Error('expected Modbus');
    const client = await connectModbus(endpoint);
    await client.readHoldingRegisters(0x61, 3);
    await client.readHoldingRegisters(0x0000, 1).catch(() => undefined);
    expect(fleet.stats()).toMatchObject({ modbusRequests: 2, modbusExceptions: 1, mqttMessages: 0 });
    await closeModbus(client);
    await fleet.stop();
    await fleet.stop(); // idempotent
    await expect(
      new Promise((resolve, reject) => {
        const s = net.connect(endpoint.port, endpoint.host, () => resolve(s.destroy()));
        s.once('error', reject);
      }),
    ).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('fails with SIM_TRANSPORT_FAILED when a port is taken and leaves nothing listening', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      expect((await failureOf({ meters: [MV_ACREL_SPEC], modbusPort: port })).code).toBe('SIM_TRANSPORT_FAILED');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('validation', () => {
  it.each<[string, SimFleetOptions, string, string]>([
    ['speed 0', { meters: [MV_ACREL_SPEC], speed: 0 }, 'SIM_OPTIONS_INVALID', 'speed'],
    [
      'MQTT meters without a broker',
      { meters: [{ ...MV_ACREL_SPEC, protocol: 'mqtt', mapName: undefined }] },
      'SIM_OPTIONS_INVALID',
      'mqttUrl',
    ],
    ['a duplicate meter code', { meters: [MV_ACREL_SPEC, MV_ACREL_SPEC] }, 'SIM_METER_SPEC_INVALID', 'meters'],
    ['a bad meter spec', { meters: [{ ...MV_ACREL_SPEC, ptRatio: 1 }] }, 'SIM_METER_SPEC_INVALID', 'meters.0.ptRatio'],
    ['a scenario that is not JSON', { meters: [MV_ACREL_SPEC], scenario: '{' }, 'SIM_SCENARIO_INVALID', ''],
    [
      'a scenario naming another meter',
      {
        meters: [MV_ACREL_SPEC],
        scenario: { faults: [{ meter: 'X9', kind: 'stale_values', start: 0, durationS: 1 }] },
      },
      'SIM_SCENARIO_MISMATCH',
      'faults.0.meter',
    ],
    [
      'a start time that is not a time',
      { meters: [MV_ACREL_SPEC], startTime: 'tomorrow' },
      'SIM_OPTIONS_INVALID',
      'startTime',
    ],
    [
      'a truth log in a folder that does not exist',
      { meters: [MV_ACREL_SPEC], truthLogPath: '/nonexistent-dir/truth.jsonl' },
      'SIM_OPTIONS_INVALID',
      'truthLogPath',
    ],
  ])('rejects %s', async (_label, options, code, path) => {
    const failure = await failureOf(options);
    expect(failure.code).toBe(code);
    expect(failure.paths).toContain(path);
  });

  it('answers SIM_UNKNOWN_METER for a code it does not have', async () => {
    const fleet = await startSimFleet({ meters: [MV_ACREL_SPEC], clock: createManualClock(CLOCK_START_MS) });
    try {
      expect(() => fleet.valuesAt('NOPE')).toThrow(expect.objectContaining({ code: 'SIM_UNKNOWN_METER' }));
    } finally {
      await fleet.stop();
    }
  });
});
