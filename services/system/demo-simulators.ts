import type { Db } from '../../lib/db/index.ts';
import type { Fleet } from '../../lib/fleet/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { parseScenario, SimError, type SimFleet, type SimMeterSpec, startSimFleet } from '../../simulators/index.ts';
import { readFileSync } from 'node:fs';

export const DEMO_SPARKPLUG_EDGE = 'kam-demo-edge';

/** Simulator specs for every fleet meter that says how to simulate it. */
export function demoMeterSpecs(fleet: Fleet): SimMeterSpec[] {
  return fleet.accounts.flatMap((account) =>
    account.meters
      .filter((m) => m.simulation)
      .map((m): SimMeterSpec => ({
        code: m.code,
        protocol: m.protocol,
        mapName: m.modbus?.map,
        unitId: m.modbus?.unitId,
        ptRatio: m.ptRatio,
        ctRatio: m.ctRatio,
        nominalVoltageV: m.nominalVoltageV,
        ratedKw: m.ratedKw,
        contractedKva: account.contractedCapacityKva,
        profile: m.simulation!.profile as SimMeterSpec['profile'],
        seed: m.simulation!.seed,
        mqttFormat: m.mqtt?.format,
      })),
  );
}

/**
 * Runs the demo fleet's meters inside `kam start`: Modbus meters behind one simulated gateway
 * on the fleet file's port, MQTT meters publishing to the broker, faults from the scenario file.
 * If the gateway port is taken, a free one is used and the meters table is pointed at it before
 * ingest reads it.
 */
export async function startDemoSimulators(options: {
  db: Db;
  fleet: Fleet;
  mqttUrl: string;
  scenarioFile: string | undefined;
  logger: Logger;
}): Promise<SimFleet> {
  const meters = demoMeterSpecs(options.fleet);
  const modbusPorts = new Set(
    options.fleet.accounts.flatMap((a) => a.meters.filter((m) => m.simulation && m.modbus).map((m) => m.modbus!.port)),
  );
  const preferredPort = modbusPorts.size === 1 ? [...modbusPorts][0]! : 0;
  const scenario = options.scenarioFile ? parseScenario(readFileSync(options.scenarioFile, 'utf8')) : undefined;
  const common = {
    meters,
    gateway: true,
    metersPerGateway: 247,
    mqttUrl: options.mqttUrl,
    sparkplugEdgeNodeId: DEMO_SPARKPLUG_EDGE,
    mqttPublishIntervalS: 15,
    scenario,
    logger: options.logger,
  };
  let sim: SimFleet;
  try {
    sim = await startSimFleet({ ...common, modbusPort: preferredPort });
  } catch (err) {
    if (!(err instanceof SimError && err.code === 'SIM_TRANSPORT_FAILED') || preferredPort === 0) throw err;
    options.logger.warn({ port: preferredPort }, 'demo gateway port in use; using a free port');
    sim = await startSimFleet({ ...common, modbusPort: 0 });
  }
  const moved = sim.endpoints.filter((e) => e.protocol === 'modbus' && e.port !== preferredPort);
  if (moved.length > 0) {
    await options.db.query(
      `UPDATE meters m SET host = e.host, port = e.port
         FROM unnest($1::text[], $2::text[], $3::int[]) AS e(code, host, port) WHERE m.code = e.code`,
      [
        moved.map((e) => e.code),
        moved.map((e) => (e.protocol === 'modbus' ? e.host : '')),
        moved.map((e) => (e.protocol === 'modbus' ? e.port : 0)),
      ],
    );
  }
  options.logger.info({ meters: meters.length, faults: scenario?.faults.length ?? 0 }, 'demo meters running');
  return sim;
}
