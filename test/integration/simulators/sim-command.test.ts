import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSimCommand, type GroundTruthEntry, type SimFleet } from '../../../simulators/index.ts';
import { closeModbus, connectModbus, readMeterOverModbus } from '../../support/simulators.ts';

const CI_QUICK = fileURLToPath(new URL('../../../simulators/scenarios/ci-quick.json', import.meta.url));

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { stream, text: () => chunks.join('') };
}

async function usageFailure(argv: string[]): Promise<string> {
  try {
    await runSimCommand(argv, { stdout: capture().stream });
  } catch (err) {
    return (err as { code: string }).code;
  }
  throw new Error('expected a usage error');
}

describe('kam sim', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kam-sim-cli-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints its usage for --help', async () => {
    const out = capture();
    await runSimCommand(['--help'], { stdout: out.stream });
    for (const flag of [
      '--meters',
      '--modbus-port',
      '--gateway',
      '--mqtt',
      '--scenario',
      '--seed',
      '--speed',
      '--truth',
    ]) {
      expect(out.text()).toContain(flag);
    }
  });

  it.each([
    [['--meterz', '3']],
    [['--meters', 'many']],
    [['--speed', '-1']],
    [['--scenario', '/nonexistent/scenario.json']],
  ])('rejects %j with SIM_CLI_USAGE', async (argv) => {
    expect(await usageFailure(argv)).toBe('SIM_CLI_USAGE');
  });

  it('rejects a bad --fault with SIM_SCENARIO_INVALID', async () => {
    expect(await usageFailure(['--fault', 'meter=M001,kind=nope,start=0,duration=1'])).toBe('SIM_SCENARIO_INVALID');
  });

  it('runs the ci-quick scenario, lists endpoints, reports live counts and writes the ground truth', async () => {
    const out = capture();
    const truthPath = join(dir, 'truth.jsonl');
    const abort = new AbortController();
    let fleet: SimFleet | undefined;
    const run = runSimCommand(
      [
        '--meters',
        '4',
        '--modbus-port',
        '0',
        '--mqtt-port',
        '0',
        '--scenario',
        CI_QUICK,
        '--speed',
        '600',
        '--status-every',
        '0.1',
        '--truth',
        truthPath,
      ],
      { stdout: out.stream, signal: abort.signal, onStarted: (f) => (fleet = f) },
    );
    try {
      const deadline = Date.now() + 15_000;
      while (fleet === undefined || fleet.truth().length < 7 || !out.text().includes('[sim ')) {
        if (Date.now() > deadline) throw new Error(`scenario did not run: ${out.text()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const endpoint = fleet.endpoints.find((e) => e.code === 'M003');
      if (endpoint?.protocol !== 'modbus') throw new Error('M003 should be a Modbus meter');
      const client = await connectModbus(endpoint);
      const values = await readMeterOverModbus(client, endpoint.mapName, {
        pt: endpoint.ptRatio,
        ct: endpoint.ctRatio,
      });
      await closeModbus(client);
      expect(values.voltageAV).toBeGreaterThan(5000);
    } finally {
      abort.abort();
      await run;
    }
    const text = out.text();
    expect(text).toMatch(/^embedded MQTT broker at mqtt:\/\/127\.0\.0\.1:\d+$/m);
    expect(text).toMatch(/^M001 {2}modbus {2}127\.0\.0\.1:\d+ {2}unit 1 {2}map acrel-dtsd1352/m);
    expect(text).toMatch(/^M004 {2}mqtt\/json .* kam\/v1\/meters\/M004\/reading/m);
    expect(text).toMatch(/modbus requests \d+ .*mqtt messages \d+/);
    expect(text).toMatch(/^stopped: \d+ modbus requests, \d+ mqtt messages served$/m);
    const truth = (await readFile(truthPath, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as GroundTruthEntry);
    expect(truth.map((t) => t.id).sort()).toEqual(
      ['break-m001-b', 'busy-m003', 'garbage-m004', 'revp-m002', 'rollover-m001', 'silent-m002', 'uv-m003'].sort(),
    );
    expect(truth.find((t) => t.id === 'break-m001-b')).toMatchObject({
      meter: 'M001',
      kind: 'phase_break',
      phase: 'B',
      start: '2025-03-03T00:01:00.000Z',
      end: '2025-03-03T00:03:00.000Z',
    });
  });
});
