// A minimal Modbus TCP server for ingest tests (MBAP framing per MODBUS Messaging on TCP/IP
// Implementation Guide V1.0b §3.1.3): function 03/04 reads from a register image built with the
// meter map's own encoder; exception 02 outside the map's blocks; a unit can be made silent
// (no reply: the client times out). Stand-in until simulators/index.ts offers startSimFleet.
import { createServer, type AddressInfo, type Socket } from 'node:net';
import type { ReadingValues } from '../../lib/domain/index.ts';
import {
  encodeRegisters,
  type MeterMap,
  type RegisterImage,
  type TransformerRatios,
} from '../../lib/meter-maps/index.ts';

export interface TestUnit {
  map: MeterMap;
  ratios: TransformerRatios;
  values: ReadingValues;
}

export interface ModbusTestServer {
  readonly port: number;
  setValues(unitId: number, values: ReadingValues): void;
  setSilent(unitId: number, silent: boolean): void;
  requests(unitId: number): number;
  close(): Promise<void>;
}

export async function startModbusTestServer(units: Record<number, TestUnit>): Promise<ModbusTestServer> {
  const images = new Map<number, { unit: TestUnit; image: RegisterImage }>();
  const silent = new Set<number>();
  const counts = new Map<number, number>();
  const sockets = new Set<Socket>();
  for (const [id, unit] of Object.entries(units)) {
    images.set(Number(id), { unit, image: encodeRegisters(unit.map, unit.values, unit.ratios) });
  }

  const reply = (unitId: number, pdu: Buffer): Buffer | null => {
    counts.set(unitId, (counts.get(unitId) ?? 0) + 1);
    if (silent.has(unitId)) return null;
    const entry = images.get(unitId);
    const fc = pdu[0]!;
    if (!entry) return Buffer.from([fc | 0x80, 0x0b]); // 0B: gateway target failed to respond
    if ((fc !== 3 && fc !== 4) || pdu.length < 5) return Buffer.from([fc | 0x80, 0x01]);
    const start = pdu.readUInt16BE(1);
    const count = pdu.readUInt16BE(3);
    if (count < 1 || count > 125) return Buffer.from([fc | 0x80, 0x03]);
    const inBlock = entry.unit.map.blocks.some((b) => b.fc === fc && start >= b.start && start + count - 1 <= b.end);
    const words = entry.image.get(fc as 3 | 4);
    if (!inBlock || !words) return Buffer.from([fc | 0x80, 0x02]);
    const out = Buffer.alloc(2 + count * 2);
    out[0] = fc;
    out[1] = count * 2;
    for (let i = 0; i < count; i++) out.writeUInt16BE(words[start + i] ?? 0, 2 + i * 2);
    return out;
  };

  const server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 7) {
        const length = pending.readUInt16BE(4);
        if (pending.length < 6 + length) break;
        const tid = pending.readUInt16BE(0);
        const unitId = pending[6]!;
        const pdu = pending.subarray(7, 6 + length);
        pending = pending.subarray(6 + length);
        const answer = reply(unitId, Buffer.from(pdu));
        if (!answer) continue;
        const header = Buffer.alloc(7);
        header.writeUInt16BE(tid, 0);
        header.writeUInt16BE(0, 2);
        header.writeUInt16BE(answer.length + 1, 4);
        header[6] = unitId;
        socket.write(Buffer.concat([header, answer]));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setValues(unitId, values) {
      const entry = images.get(unitId)!;
      entry.unit.values = values;
      entry.image = encodeRegisters(entry.unit.map, values, entry.unit.ratios);
    },
    setSilent(unitId, on) {
      if (on) silent.add(unitId);
      else silent.delete(unitId);
    },
    requests: (unitId) => counts.get(unitId) ?? 0,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
