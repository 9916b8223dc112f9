// Simulator benchmark: 500 simulated Modbus meters in this process, polled by a modbus-serial
// client that reads the full map (every planned block, settings included) of every meter.
// Gateway mode (RS-485 gateways of 32 meters, polled in parallel, serially per gateway) and
// one-port-per-meter mode (16 parallel pollers). Client and servers share this process, so the
// CPU figure (process.cpuUsage, user + system) covers both sides. Figures are the mean of 5
// rounds after a warm-up round. Run: npx tsx bench/simulators.bench.ts
import { pathToFileURL } from 'node:url';
import ModbusSerial from 'modbus-serial';
import { planReadBlocks, type ReadBlock } from '../lib/meter-maps/index.ts';
import { createManualClock } from '../lib/domain/index.ts';
import { getMeterMap } from '../lib/meter-maps/maps/index.ts';
import { buildDemoMeters, startSimFleet, type ModbusSimEndpoint, type SimFleet } from '../simulators/index.ts';

const METERS = 500;
const PER_PORT_POLLERS = 16;
/** Measured rounds after one warm-up round; figures are per round (mean). */
const ROUNDS = 5;
const ModbusRTU = ModbusSerial.default;
type Client = InstanceType<typeof ModbusRTU>;

interface RoundResult {
  requests: number;
  wallMs: number;
  cpuMs: number;
}

async function connect(endpoint: ModbusSimEndpoint): Promise<Client> {
  const client = new ModbusRTU();
  await client.connectTCP(endpoint.host, { port: endpoint.port });
  client.setTimeout(5000);
  return client;
}

const plans = new Map<string, readonly ReadBlock[]>();
function planOf(mapName: string): readonly ReadBlock[] {
  let plan = plans.get(mapName);
  if (!plan) plans.set(mapName, (plan = planReadBlocks(getMeterMap(mapName), { includeExtras: true })));
  return plan;
}

async function pollMeter(client: Client, endpoint: ModbusSimEndpoint): Promise<number> {
  client.setID(endpoint.unitId);
  let requests = 0;
  for (const block of planOf(endpoint.mapName)) {
    if (block.fc === 3) await client.readHoldingRegisters(block.start, block.count);
    else await client.readInputRegisters(block.start, block.count);
    requests++;
  }
  return requests;
}

/** Mean over ROUNDS full poll rounds. */
async function measure(poll: () => Promise<number>): Promise<RoundResult> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let requests = 0;
  for (let i = 0; i < ROUNDS; i++) requests += await poll();
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  return { requests: requests / ROUNDS, wallMs: wallMs / ROUNDS, cpuMs: (cpu.user + cpu.system) / 1000 / ROUNDS };
}

function modbusEndpoints(fleet: SimFleet): ModbusSimEndpoint[] {
  return fleet.endpoints.flatMap((e) => (e.protocol === 'modbus' ? [e] : []));
}

async function benchGateway(): Promise<RoundResult> {
  const fleet = await startSimFleet({ meters: buildDemoMeters(METERS, 1, { protocols: 'modbus' }), gateway: true });
  const byPort = new Map<number, ModbusSimEndpoint[]>();
  for (const e of modbusEndpoints(fleet)) byPort.set(e.port, [...(byPort.get(e.port) ?? []), e]);
  const clients = await Promise.all([...byPort.values()].map((group) => connect(group[0]!)));
  const round = (): Promise<number> =>
    Promise.all(
      [...byPort.values()].map(async (group, g) => {
        let requests = 0;
        for (const endpoint of group) {
          const served = await pollMeter(clients[g]!, endpoint);
          requests += served;
        }
        return requests;
      }),
    ).then((counts) => counts.reduce((a, b) => a + b, 0));
  try {
    await round(); // warm-up: JIT, first model refresh of every meter
    return await measure(round);
  } finally {
    await Promise.all(clients.map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
    await fleet.stop();
  }
}

async function benchPerPort(): Promise<RoundResult> {
  const fleet = await startSimFleet({ meters: buildDemoMeters(METERS, 1, { protocols: 'modbus' }) });
  const endpoints = modbusEndpoints(fleet);
  const clients = await Promise.all(endpoints.map(connect));
  const round = async (): Promise<number> => {
    let next = 0;
    let requests = 0;
    await Promise.all(
      Array.from({ length: PER_PORT_POLLERS }, async () => {
        while (next < endpoints.length) {
          const i = next++;
          const served = await pollMeter(clients[i]!, endpoints[i]!);
          requests += served;
        }
      }),
    );
    return requests;
  };
  try {
    await round();
    return await measure(round);
  } finally {
    await Promise.all(clients.map((c) => new Promise<void>((resolve) => c.close(() => resolve()))));
    await fleet.stop();
  }
}

/** Model throughput: one meter simulated through a whole day at 1 s steps (energy integration). */
async function benchModelDay(): Promise<{ stepsPerS: number }> {
  const [spec] = buildDemoMeters(1, 1, { protocols: 'modbus' });
  const startTime = Date.parse('2025-03-03T00:00:00+08:00');
  const fleet = await startSimFleet({ meters: [spec!], startTime, clock: createManualClock(0) });
  try {
    const started = performance.now();
    fleet.valuesAt(spec!.code, startTime + 86_400_000);
    return { stepsPerS: 86_400 / ((performance.now() - started) / 1000) };
  } finally {
    await fleet.stop();
  }
}

export async function runSimulatorBench(): Promise<Record<string, number>> {
  const model = await benchModelDay();
  const gateway = await benchGateway();
  const perPort = await benchPerPort();
  const rate = (r: RoundResult): number => r.requests / (r.wallMs / 1000);
  return {
    'sim.meters': METERS,
    'sim.model.steps_per_s': Math.round(model.stepsPerS),
    'sim.gateway.requests_per_round': gateway.requests,
    'sim.gateway.round_ms': Math.round(gateway.wallMs),
    'sim.gateway.requests_per_s': Math.round(rate(gateway)),
    'sim.gateway.cpu_ms_per_round': Math.round(gateway.cpuMs),
    'sim.gateway.cpu_us_per_request': Math.round((gateway.cpuMs * 1000) / gateway.requests),
    'sim.per_port.requests_per_round': perPort.requests,
    'sim.per_port.round_ms': Math.round(perPort.wallMs),
    'sim.per_port.requests_per_s': Math.round(rate(perPort)),
    'sim.per_port.cpu_ms_per_round': Math.round(perPort.cpuMs),
    'sim.per_port.cpu_us_per_request': Math.round((perPort.cpuMs * 1000) / perPort.requests),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runSimulatorBench();
  for (const [name, value] of Object.entries(results)) console.log(`${name.padEnd(34)} ${value}`);
}
