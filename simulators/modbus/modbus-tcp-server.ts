// A small Modbus TCP server on node:net: MBAP framing only; what to answer is decided by the
// handler (one meter per port, or a gateway dispatching on the unit id).
//
// Why not modbus-serial's ServerTCP (checked in node_modules/modbus-serial 8.0.25,
// servers/servertcp.js): it listens on `options.port || 502`, so port 0 (a random free port for
// tests) silently becomes 502; it answers quantity 0 with exception 02 instead of 03 and a
// quantity > 127 with 04 (a RangeError from writeUInt8) instead of 03, and keeps processing after
// the first exception; it round-trips every request through an RTU CRC and a setTimeout(0).
// Exact exception codes and "no reply at all" are what the simulators exist to test, so the
// framing is done here, per MODBUS Messaging on TCP/IP Implementation Guide V1.0b §3.1.3:
//   MBAP = transaction id (2) | protocol id (2, 0 = Modbus) | length (2) | unit id (1)
//   length counts the unit id and the PDU; a PDU is at most 253 bytes, so length ≤ 254.
import net from 'node:net';
import { SimError } from '../errors.ts';

const MBAP_HEADER_BYTES = 7;
const MBAP_MAX_LENGTH = 254;

/** The reply PDU for a request, or null to send nothing (the client times out). */
export type PduHandler = (unitId: number, pdu: Buffer) => Buffer | null;

export interface ModbusServerStats {
  requests: number;
  exceptions: number;
  /** requests deliberately left unanswered */
  unanswered: number;
  /** frames dropped: protocol id ≠ 0 */
  dropped: number;
  connections: number;
}

export interface ModbusTcpServer {
  readonly host: string;
  readonly port: number;
  readonly stats: Readonly<ModbusServerStats>;
  close(): Promise<void>;
}

export async function startModbusTcpServer(options: {
  host: string;
  /** 0 = a random free port */
  port: number;
  handler: PduHandler;
}): Promise<ModbusTcpServer> {
  const stats: ModbusServerStats = { requests: 0, exceptions: 0, unanswered: 0, dropped: 0, connections: 0 };
  const sockets = new Set<net.Socket>();

  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    stats.connections++;
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let offset = 0;
      while (pending.length - offset >= MBAP_HEADER_BYTES) {
        const length = pending.readUInt16BE(offset + 4);
        if (length < 2 || length > MBAP_MAX_LENGTH) {
          // Not a Modbus stream: the framing cannot be resynchronised.
          socket.destroy();
          return;
        }
        if (pending.length - offset < 6 + length) break;
        const transactionId = pending.readUInt16BE(offset);
        const protocolId = pending.readUInt16BE(offset + 2);
        const unitId = pending[offset + 6]!;
        const pdu = pending.subarray(offset + MBAP_HEADER_BYTES, offset + 6 + length);
        offset += 6 + length;
        if (protocolId !== 0) {
          stats.dropped++;
          continue;
        }
        stats.requests++;
        const reply = options.handler(unitId, pdu);
        if (reply === null) {
          stats.unanswered++;
          continue;
        }
        if ((reply[0]! & 0x80) !== 0) stats.exceptions++;
        const frame = Buffer.allocUnsafe(MBAP_HEADER_BYTES + reply.length);
        frame.writeUInt16BE(transactionId, 0);
        frame.writeUInt16BE(0, 2);
        frame.writeUInt16BE(reply.length + 1, 4);
        frame[6] = unitId;
        reply.copy(frame, MBAP_HEADER_BYTES);
        socket.write(frame);
      }
      pending = offset === pending.length ? Buffer.alloc(0) : Buffer.from(pending.subarray(offset));
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(
        new SimError('SIM_TRANSPORT_FAILED', `cannot listen on ${options.host}:${options.port}: ${err.message}`, {
          cause: err,
        }),
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as net.AddressInfo;

  return {
    host: options.host,
    port: address.port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
