// Modbus TCP endpoints of a fleet, in one of two layouts:
//   per-port: one server per meter, answering whatever unit id is sent (MODBUS Messaging on
//             TCP/IP Implementation Guide V1.0b §4.4.2: a TCP device is addressed by its IP
//             address, the unit id is not used for it);
//   gateway:  RS-485 gateways, each one TCP endpoint in front of up to `metersPerGateway` meters
//             addressed by unit id (real SDM630s sit behind such gateways, domain.md §8.1).
// A request for a unit id nobody has gets exception 0x0B "gateway target device failed to
// respond" (Application Protocol V1.1b3 §7: the gateway got no response from the target), or,
// if configured, no reply. Unit id 0 is the broadcast address (Modbus over Serial Line V1.02
// §2.1): writes reach every meter of the gateway, nobody answers.
import { SimError } from '../errors.ts';
import { isFaultKind } from '../fault-kinds.ts';
import type { SimMeter } from '../sim-meter.ts';
import { MeterRegisterDevice } from './meter-register-device.ts';
import { exceptionPdu, handleRequestPdu, MODBUS_EXCEPTION } from './modbus-pdu.ts';
import { startModbusTcpServer, type ModbusServerStats, type PduHandler } from './modbus-tcp-server.ts';

/** RS-485 allows 32 unit loads per segment (TIA-485-A): a typical gateway port. */
export const DEFAULT_METERS_PER_GATEWAY = 32;
/** domain.md §6: 15-minute demand; the SDM630 demand-period register shows it. */
const DEMAND_PERIOD_MIN = 15;

export type GatewayTargetFailure = 'exception' | 'silent';

export interface ModbusEndpoint {
  readonly code: string;
  readonly host: string;
  readonly port: number;
  readonly unitId: number;
  readonly mapName: string;
}

export interface ModbusEndpointsOptions {
  readonly host: string;
  /** first port; 0 = every server on a random free port */
  readonly basePort: number;
  readonly gateway: boolean;
  readonly metersPerGateway: number;
  readonly gatewayTargetFailure: GatewayTargetFailure;
  readonly simNow: () => number;
}

export interface ModbusEndpoints {
  readonly endpoints: readonly ModbusEndpoint[];
  stats(): ModbusServerStats;
  close(): Promise<void>;
}

type MeterPduHandler = (pdu: Buffer) => Buffer | null;

/** The meter's answer to one PDU at the current simulated time, transport faults included. */
export function createMeterPduHandler(meter: SimMeter, simNow: () => number): MeterPduHandler {
  const map = meter.map;
  if (!map) throw new SimError('SIM_METER_SPEC_INVALID', `${meter.spec.code}: a Modbus meter needs a register map`);
  const device = new MeterRegisterDevice({
    map,
    ratios: { pt: meter.spec.ptRatio, ct: meter.spec.ctRatio },
    settings: { ptRatio: meter.spec.ptRatio, ctRatio: meter.spec.ctRatio, demandPeriodMin: DEMAND_PERIOD_MIN },
    currentSnapshot: () => meter.model.snapshotAt(simNow()),
  });
  return (pdu) => {
    const fault = meter.transportFaultAt(simNow());
    if (fault && isFaultKind(fault, 'not_answering')) return null;
    if (fault && isFaultKind(fault, 'modbus_exception')) return exceptionPdu(pdu[0] ?? 0, fault.params.exceptionCode);
    return handleRequestPdu(pdu, device);
  };
}

export function createGatewayHandler(
  units: ReadonlyMap<number, MeterPduHandler>,
  targetFailure: GatewayTargetFailure,
): PduHandler {
  return (unitId, pdu) => {
    if (unitId === 0) {
      const fc = pdu[0];
      if (fc === 6 || fc === 16) for (const handler of units.values()) handler(pdu);
      return null;
    }
    const handler = units.get(unitId);
    if (handler) return handler(pdu);
    return targetFailure === 'exception'
      ? exceptionPdu(pdu[0] ?? 0, MODBUS_EXCEPTION.GATEWAY_TARGET_FAILED_TO_RESPOND)
      : null;
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

interface PlannedServer {
  readonly port: number;
  readonly handler: PduHandler;
  readonly meters: readonly { meter: SimMeter; unitId: number }[];
}

function planServers(meters: readonly SimMeter[], options: ModbusEndpointsOptions): PlannedServer[] {
  const portFor = (index: number): number => (options.basePort === 0 ? 0 : options.basePort + index);
  if (!options.gateway) {
    return meters.map((meter, i) => {
      const handle = createMeterPduHandler(meter, options.simNow);
      return {
        port: portFor(i),
        handler: (_unitId: number, pdu: Buffer) => handle(pdu),
        meters: [{ meter, unitId: meter.spec.unitId ?? 1 }],
      };
    });
  }
  return chunk(meters, options.metersPerGateway).map((group, g) => {
    const units = new Map<number, MeterPduHandler>();
    const assigned = group.map((meter, position) => {
      const unitId = meter.spec.unitId ?? position + 1;
      if (units.has(unitId)) {
        throw new SimError(
          'SIM_METER_SPEC_INVALID',
          `unit id ${unitId} is used twice on gateway ${g} (meter ${meter.spec.code}); ` +
            `unit ids must be unique within each group of ${options.metersPerGateway} meters`,
        );
      }
      units.set(unitId, createMeterPduHandler(meter, options.simNow));
      return { meter, unitId };
    });
    return { port: portFor(g), handler: createGatewayHandler(units, options.gatewayTargetFailure), meters: assigned };
  });
}

export async function startModbusEndpoints(
  meters: readonly SimMeter[],
  options: ModbusEndpointsOptions,
): Promise<ModbusEndpoints> {
  const planned = planServers(meters, options);
  const results = await Promise.allSettled(
    planned.map((p) => startModbusTcpServer({ host: options.host, port: p.port, handler: p.handler })),
  );
  const servers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) {
    await Promise.all(servers.map((s) => s.close()));
    throw failure.reason;
  }
  const endpoints: ModbusEndpoint[] = planned.flatMap((p, i) => {
    const server = servers[i]!;
    return p.meters.map(({ meter, unitId }) => ({
      code: meter.spec.code,
      host: server.host,
      port: server.port,
      unitId,
      mapName: meter.map!.name,
    }));
  });
  return {
    endpoints,
    stats: () => {
      const total: ModbusServerStats = { requests: 0, exceptions: 0, unanswered: 0, dropped: 0, connections: 0 };
      for (const server of servers) {
        total.requests += server.stats.requests;
        total.exceptions += server.stats.exceptions;
        total.unanswered += server.stats.unanswered;
        total.dropped += server.stats.dropped;
        total.connections += server.stats.connections;
      }
      return total;
    },
    close: async () => {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
