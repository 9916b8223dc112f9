// `kam sim`: run a demo fleet of simulated meters until SIGINT/SIGTERM, printing where the
// meters listen and a live count of requests and messages.
import { readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { Logger } from 'pino';
import { buildDemoMeters } from './demo-meters.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../lib/mqtt/index.ts';
import { SimError } from './errors.ts';
import { startSimFleet, type SimEndpoint, type SimFleet } from './fleet.ts';
import { parseFaultFlag, parseScenario, type Scenario } from './scenario.ts';

/** Embedded broker port: next to MQTT's 1883, where a local Mosquitto usually listens. */
const EMBEDDED_BROKER_PORT = 1884;

export const SIM_USAGE = `Usage: kam sim [options]

Runs N simulated meters (Modbus TCP and MQTT) until Ctrl-C.

  --meters N              number of demo meters (default 10); every 4th is MQTT
  --modbus-port P         first Modbus port: meter i on P+i, or gateway g on P+g (default 5020; 0 = random)
  --host H                listen address (default 127.0.0.1)
  --gateway               put Modbus meters behind RS-485 gateways (unit ids), 32 per gateway
  --mqtt URL              MQTT broker (default: an embedded broker on --mqtt-port)
  --mqtt-port P           port of the embedded broker (default 1884, clear of a local Mosquitto; 0 = random)
  --modbus-only           no MQTT meters
  --scenario FILE         fault scenario (JSON, see docs/simulators.md)
  --fault SPEC            one more fault, repeatable: meter=M001,kind=phase_break,start=3600,duration=900,phase=B
  --seed S                fleet seed (default: the scenario's, else 1)
  --speed X               simulated seconds per wall second (default 1)
  --start ISO             simulated start time (default: the scenario's, else now)
  --truth FILE            append ground truth (JSON lines) to FILE
  --status-every S        seconds between status lines (default 5)
  --help                  this text`;

export interface SimCommandIo {
  readonly stdout?: Writable;
  /** stop the fleet when aborted (in addition to SIGINT/SIGTERM) */
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
  /** called once the fleet is up, e.g. by tests */
  readonly onStarted?: (fleet: SimFleet) => void;
}

function usageError(message: string): SimError {
  return new SimError('SIM_CLI_USAGE', `${message}\n\n${SIM_USAGE}`, { issues: [{ path: 'argv', message }] });
}

function numberFlag(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed < min) throw usageError(`--${name} must be a number ≥ ${min}, got "${value}"`);
  return parsed;
}

function describeEndpoint(e: SimEndpoint): string {
  return e.protocol === 'modbus'
    ? `${e.code}  modbus  ${e.host}:${e.port}  unit ${e.unitId}  map ${e.mapName}  PT ${e.ptRatio} CT ${e.ctRatio}`
    : `${e.code}  mqtt/${e.format}  ${e.url}  ${e.topic}  PT ${e.ptRatio} CT ${e.ctRatio}`;
}

export async function runSimCommand(argv: string[], io: SimCommandIo = {}): Promise<void> {
  const out = io.stdout ?? process.stdout;
  const print = (line: string): void => {
    out.write(`${line}\n`);
  };
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        meters: { type: 'string' },
        'modbus-port': { type: 'string' },
        host: { type: 'string' },
        gateway: { type: 'boolean' },
        mqtt: { type: 'string' },
        'mqtt-port': { type: 'string' },
        'modbus-only': { type: 'boolean' },
        scenario: { type: 'string' },
        fault: { type: 'string', multiple: true },
        seed: { type: 'string' },
        speed: { type: 'string' },
        start: { type: 'string' },
        truth: { type: 'string' },
        'status-every': { type: 'string' },
        help: { type: 'boolean' },
      },
    });
  } catch (err) {
    throw usageError((err as Error).message);
  }
  const flags = parsed.values;
  if (flags.help) {
    print(SIM_USAGE);
    return;
  }
  const meterCount = numberFlag('meters', flags.meters, 10, 1);
  if (!Number.isInteger(meterCount)) throw usageError('--meters must be an integer');
  const seedFlag = flags.seed === undefined ? undefined : numberFlag('seed', flags.seed, 1, 0);
  const statusEveryS = numberFlag('status-every', flags['status-every'], 5, 0.1);

  let scenario: Scenario | undefined;
  if (flags.scenario !== undefined) {
    let text: string;
    try {
      text = await readFile(flags.scenario, 'utf8');
    } catch (err) {
      throw usageError(`cannot read --scenario ${flags.scenario}: ${(err as Error).message}`);
    }
    scenario = parseScenario(text);
  }
  const faults = (flags.fault ?? []).map((f, i) => parseFaultFlag(f, i));
  const seed = seedFlag ?? scenario?.seed ?? 1;
  const meters = buildDemoMeters(meterCount, seed, { protocols: flags['modbus-only'] ? 'modbus' : 'mixed' });

  let broker: EmbeddedBroker | undefined;
  let mqttUrl = flags.mqtt;
  if (mqttUrl === undefined && meters.some((m) => m.protocol === 'mqtt')) {
    broker = await startEmbeddedBroker({
      host: flags.host ?? '127.0.0.1',
      port: numberFlag('mqtt-port', flags['mqtt-port'], EMBEDDED_BROKER_PORT, 0),
    });
    mqttUrl = broker.url;
    print(`embedded MQTT broker at ${broker.url}`);
  }

  let fleet: SimFleet;
  try {
    fleet = await startSimFleet({
      meters,
      host: flags.host,
      modbusPort: numberFlag('modbus-port', flags['modbus-port'], 5020, 0),
      gateway: flags.gateway ?? false,
      mqttUrl,
      scenario,
      faults,
      seed,
      speed: numberFlag('speed', flags.speed, 1, 0),
      startTime: flags.start,
      truthLogPath: flags.truth,
      logger: io.logger,
    });
  } catch (err) {
    await broker?.stop();
    throw err;
  }

  print(
    `${fleet.endpoints.length} meters, simulated start ${new Date(fleet.startTimeMs).toISOString()}, ` +
      `speed ${fleet.speed}x, ${fleet.plannedFaults().length} faults planned`,
  );
  for (const endpoint of fleet.endpoints) print(describeEndpoint(endpoint));
  io.onStarted?.(fleet);

  let lastRequests = 0;
  let lastMessages = 0;
  const status = setInterval(() => {
    const stats = fleet.stats();
    const requestRate = (stats.modbusRequests - lastRequests) / statusEveryS;
    const messageRate = (stats.mqttMessages - lastMessages) / statusEveryS;
    lastRequests = stats.modbusRequests;
    lastMessages = stats.mqttMessages;
    print(
      `[sim ${new Date(fleet.simNow()).toISOString()}] modbus requests ${stats.modbusRequests} ` +
        `(${requestRate.toFixed(1)}/s), exceptions ${stats.modbusExceptions}, unanswered ${stats.modbusUnanswered}; ` +
        `mqtt messages ${stats.mqttMessages} (${messageRate.toFixed(1)}/s); ` +
        `faults started ${fleet.truth().length}/${fleet.plannedFaults().length}`,
    );
  }, statusEveryS * 1000);

  await new Promise<void>((resolve) => {
    const finish = (): void => {
      process.off('SIGINT', finish);
      process.off('SIGTERM', finish);
      io.signal?.removeEventListener('abort', finish);
      resolve();
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    if (io.signal?.aborted) finish();
    else io.signal?.addEventListener('abort', finish);
  });
  clearInterval(status);
  await fleet.stop();
  await broker?.stop();
  const stats = fleet.stats();
  print(`stopped: ${stats.modbusRequests} modbus requests, ${stats.mqttMessages} mqtt messages served`);
}
