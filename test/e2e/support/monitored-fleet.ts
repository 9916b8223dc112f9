// The whole monitoring chain in one process, for end-to-end tests: the demo fleet
// (fleet/demo-fleet.json) simulated by `startSimFleet` (Modbus TCP behind one gateway, MQTT JSON
// and Sparkplug B on an embedded broker), ingest into an embedded TimescaleDB, the rules service
// and the notifier mailing a real SMTP server on a random 127.0.0.1 port.
//
// Time runs in lock-step, not on the wall clock. The simulators get a hand-moved `now`, ingest a
// ManualClock, the rules service and the notifier the same simulated time. One step:
//   1. move the meters to grid time t (Modbus registers and the MQTT reading slot are computed
//      at t);
//   2. let the fleet's scheduler run once, so the MQTT reading of slot t is published;
//   3. advance ingest's clock to t: its poll timer fires and polls every Modbus meter on the grid
//      over real TCP; wait until that poll round is finished.
// No simulated time passes while the process is busy (the embedded database runs in this
// thread and blocks it during queries), so a loaded CI machine cannot turn a slow moment into a
// gap of readings, a missed poll or a false communication loss. The only wall-clock limits left
// are the Modbus request timeout (a meter that does not answer costs it once per poll; healthy
// meters answer in well under a millisecond) and the bounded waits for MQTT deliveries below.
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { createManualClock, type ManualClock, systemClock } from '../../../lib/domain/index.ts';
import { startIngest, type RunningIngest } from '../../../ingest/index.ts';
import type { Db } from '../../../lib/db/index.ts';
import { type EmbeddedBroker, startEmbeddedBroker } from '../../../lib/mqtt/index.ts';
import { type Fleet, readFleetFile } from '../../../lib/fleet/index.ts';
import { createNotifier, parseNotifyConfig, type Notifier } from '../../../services/notify/index.ts';
import {
  createRulesService,
  type RulesConfigInput,
  type RulesRunResult,
  type RulesService,
} from '../../../services/rules/index.ts';
import { demoMeterSpecs } from '../../../services/system/index.ts';
import { startSimFleet, type FaultWindow, type SimFleet } from '../../../simulators/index.ts';
import { startSmtpServer } from '../../support/local-servers.ts';
import { makeTempDir } from '../../integration/ingest/ingest-fixtures.ts';
import { getFreePort } from '../../support/free-port.ts';
import { DEMO_FLEET_FILE, embeddedBackend, openMigratedDatabase } from '../../support/databases.ts';

export const silentLogger = pino({ level: process.env.KAM_TEST_LOG ?? 'silent' });

export { DEMO_FLEET_FILE };
/** Sparkplug edge node of the demo fleet's topics (`spBv1.0/kam/DDATA/kam-demo-edge/<meter>`). */
const DEMO_SPARKPLUG_EDGE = 'kam-demo-edge';

/**
 * One step = one simulated minute: one Modbus poll round and one MQTT reading per meter (the
 * simulators' default publish interval). The fleet file polls every 15 s; the tests poll every
 * 60 s, which quarters the work of a simulated day and leaves the rules' timing unchanged: the
 * communication timeout is max(4 × poll interval, 300 s) = 300 s either way (docs/rules.md),
 * every 60 s delay still needs two readings in a row, and block demand interpolates counters
 * between readings ≤ 120 s apart.
 */
export const STEP_MS = 60_000;
export const POLL_INTERVAL_S = STEP_MS / 1000;
export const MQTT_INTERVAL_MS = STEP_MS;
/** Wall ms between the fleet scheduler's ticks; a step waits one tick longer than this. */
const SIM_TICK_MS = 1;
/**
 * Wall-clock Modbus request timeout (modbus-serial's own timer). Only a meter that does not
 * answer (not_answering) waits it out; a reply from the in-process simulator takes well under a
 * millisecond even when the embedded database is busy for a few hundred.
 */
const MODBUS_REQUEST_TIMEOUT_MS = 1_000;
/** Upper bound for an MQTT message to travel simulator → broker → ingest (it takes milliseconds). */
const MQTT_DELIVERY_WAIT_MS = 20_000;

/** The e-mail address of the manager responsible for each meter, by meter code. */
export function managerEmailByMeter(fleet: Fleet): Record<string, string> {
  const emails = new Map(fleet.managers.map((m) => [m.code, m.email]));
  return Object.fromEntries(
    fleet.accounts.flatMap((a) => a.meters.map((m) => [m.code, emails.get(a.manager)!] as const)),
  );
}

export interface MonitoredFleetOptions {
  /** simulated start (epoch ms, a multiple of STEP_MS) */
  startMs: number;
  /** a fault scenario (simulators/scenario.ts format), validated by the simulators */
  scenario?: unknown;
  /** the rules' thresholds and delays; default: production defaults */
  rules?: RulesConfigInput;
  /** simulated ms between two rules cycles (each followed by a notifier cycle) */
  evaluateEveryMs?: number;
  serviceName?: string;
}

export interface MonitoredFleet {
  readonly db: Db;
  readonly fleet: Fleet;
  readonly sim: SimFleet;
  readonly ingest: RunningIngest;
  readonly rules: RulesService;
  readonly notifier: Notifier;
  readonly smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  /** meter id by code */
  readonly meterIds: Readonly<Record<string, number>>;
  /** simulated now, epoch ms */
  simNow(): number;
  /** Step the chain to `endMs` (simulated), evaluating rules and notifying along the way. */
  runUntil(endMs: number): Promise<void>;
  /** Flush ingest and run rules and notifier cycles until nothing is left to do (bounded). */
  settle(): Promise<RulesRunResult[]>;
  close(): Promise<void>;
}

export async function startMonitoredFleet(options: MonitoredFleetOptions): Promise<MonitoredFleet> {
  if (options.startMs % STEP_MS !== 0) throw new Error('startMs must be on the poll grid');
  const evaluateEveryMs = options.evaluateEveryMs ?? 5 * 60_000;
  const closers: Array<() => Promise<unknown>> = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
  };
  try {
    let simMs = options.startMs;
    const fleet = readFleetFile(DEMO_FLEET_FILE);

    // the shared fixture, on the embedded engine: the monitored day runs in this process
    const database = await openMigratedDatabase(embeddedBackend, { fleet: true });
    closers.push(() => database.close());
    const { db } = database;
    await db.query('UPDATE meters SET poll_interval_s = $1', [POLL_INTERVAL_S]);
    const { rows: meterRows } = await db.query<{ code: string; id: number }>('SELECT code, id FROM meters');
    const meterIds = Object.fromEntries(meterRows.map((r) => [r.code, r.id]));

    const broker: EmbeddedBroker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0 });
    closers.push(() => broker.stop());

    const sim = await startSimFleet({
      meters: demoMeterSpecs(fleet),
      gateway: true,
      metersPerGateway: 247,
      modbusPort: 0,
      mqttUrl: broker.url,
      sparkplugEdgeNodeId: DEMO_SPARKPLUG_EDGE,
      mqttPublishIntervalS: MQTT_INTERVAL_MS / 1000,
      scenario: options.scenario,
      startTime: options.startMs,
      // speed 1 on a hand-moved clock: simulated time is exactly `simMs`
      clock: { ...systemClock, now: () => simMs },
      tickMs: SIM_TICK_MS,
      logger: silentLogger,
    });
    closers.push(() => sim.stop());
    // The fleet file names a fixed gateway port; point the meters at the one the simulator got.
    for (const e of sim.endpoints) {
      if (e.protocol === 'modbus') {
        await db.query('UPDATE meters SET host = $2, port = $3 WHERE code = $1', [e.code, e.host, e.port]);
      }
    }

    const clock: ManualClock = createManualClock(options.startMs);
    const spool = makeTempDir('kam-e2e-spool-');
    closers.push(async () => spool.remove());
    const ingest = await startIngest({
      db,
      logger: silentLogger,
      spoolDir: spool.dir,
      mqttUrl: broker.url,
      mqttClientId: `kam-e2e-ingest-${process.pid}-${options.startMs}`,
      clock,
      instanceId: 'e2e',
      statusIntervalMs: 60 * 60_000,
      meterReloadIntervalMs: 0,
      modbus: { requestTimeoutMs: MODBUS_REQUEST_TIMEOUT_MS },
      writer: { flushIntervalMs: STEP_MS },
    });
    closers.push(() => ingest.stop());

    const smtpPort = await getFreePort();
    const smtp = await startSmtpServer(smtpPort);
    closers.push(() => smtp.close());
    const notifyConfig = parseNotifyConfig({
      publicUrl: 'https://kam.example.cn',
      smtp: { host: '127.0.0.1', port: smtpPort, from: 'KAM <kam@grid.example>', timeoutMs: 10_000 },
    });
    const notifier = createNotifier({ db, logger: silentLogger, config: notifyConfig, clock });
    closers.push(() => notifier.stop()); // closers run in reverse: the notifier stops before the SMTP server
    const rules = createRulesService({
      db,
      logger: silentLogger,
      config: { serviceName: options.serviceName ?? 'e2e', rules: options.rules ?? {}, notify: notifyConfig },
      clock,
    });
    closers.push(() => rules.stop());

    const faults = sim.plannedFaults();
    const mqttMeters = sim.endpoints.filter((e) => e.protocol === 'mqtt').map((e) => e.code);

    /** The newest slot ≤ t in which `code` publishes a readable reading (not silent, not malformed). */
    const lastReadableSlot = (code: string, t: number): number | undefined => {
      for (let slot = Math.floor(t / MQTT_INTERVAL_MS) * MQTT_INTERVAL_MS; slot >= options.startMs;) {
        const blocked = faults.some(
          (f: FaultWindow) =>
            f.meter === code &&
            (f.kind === 'not_answering' || f.kind === 'malformed_payload') &&
            slot >= f.startMs &&
            slot < f.endMs,
        );
        if (!blocked) return slot;
        slot -= MQTT_INTERVAL_MS;
      }
      return undefined;
    };

    /** Wait (bounded) until ingest has queued every MQTT meter's newest readable reading. */
    const awaitMqttDeliveries = async () => {
      const deadline = Date.now() + MQTT_DELIVERY_WAIT_MS;
      for (;;) {
        const missing = mqttMeters.filter((code) => {
          const slot = lastReadableSlot(code, simMs);
          const seen = ingest.status.get(meterIds[code]!)?.lastSeenAt ?? null;
          return slot !== undefined && (seen === null || seen < slot);
        });
        if (missing.length === 0) return;
        if (Date.now() > deadline) {
          throw new Error(
            `MQTT readings of ${missing.join(', ')} up to ${new Date(simMs).toISOString()} never arrived`,
          );
        }
        await sleep(5);
      }
    };

    const step = async () => {
      simMs += STEP_MS;
      // setTimeout(SIM_TICK_MS + 1) expires after the fleet's interval timer (registered earlier,
      // due sooner): when it resolves, the scheduler has run at least once at the new time.
      await sleep(SIM_TICK_MS + 1);
      await clock.advance(STEP_MS);
      await ingest.poller!.idle();
    };

    const evaluate = async () => {
      await awaitMqttDeliveries();
      await ingest.writer.flush();
      const result = await rules.evaluateOnce();
      await notifier.runOnce();
      return result;
    };

    return {
      db,
      fleet,
      sim,
      ingest,
      rules,
      notifier,
      smtp,
      meterIds,
      simNow: () => simMs,
      async runUntil(endMs) {
        const steps = Math.ceil((endMs - simMs) / STEP_MS);
        for (let i = 0; i < steps; i++) {
          await step();
          if ((simMs - options.startMs) % evaluateEveryMs === 0) await evaluate();
        }
      },
      async settle() {
        const results: RulesRunResult[] = [];
        for (let i = 0; i < 10; i++) {
          const r = await evaluate();
          results.push(r);
          if (r.readings === 0 && r.transitions.length === 0) break;
        }
        // deliver what is due (a failed send is retried after its backoff: move on, bounded)
        for (let i = 0; i < 10; i++) {
          const n = await notifier.runOnce();
          if (n.sent === 0) break;
        }
        return results;
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
