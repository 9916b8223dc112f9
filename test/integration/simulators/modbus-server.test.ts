// Simulated meters over Modbus TCP, read with a real client (modbus-serial) on loopback.
import net from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../lib/domain/index.ts';
import type { ReadingKey } from '../../../lib/domain/index.ts';
import { decodeRegisters, ratioFactor, REGISTER_WORDS, type MeterMapQuantity } from '../../../lib/meter-maps/index.ts';
import { getMeterMap } from '../../../lib/meter-maps/maps/index.ts';
import { startSimFleet, type ModbusSimEndpoint, type SimFleet } from '../../../simulators/index.ts';
import {
  closeModbus,
  connectModbus,
  HOUR_MS,
  LV_SDM_SPEC,
  CLOCK_START_MS,
  modbusFailure,
  MONDAY_MIDNIGHT_MS,
  MV_ACREL_SPEC,
  readMeterOverModbus,
  type ModbusClient,
} from '../../support/simulators.ts';

const START_MS = MONDAY_MIDNIGHT_MS + 10 * HOUR_MS;

function modbusEndpoint(fleet: SimFleet, code: string): ModbusSimEndpoint {
  const endpoint = fleet.endpoints.find((e) => e.code === code);
  if (endpoint?.protocol !== 'modbus') throw new Error(`${code} is not a Modbus meter`);
  return endpoint;
}

/** The largest difference the register format allows between sent and decoded values. */
function registerTolerance(q: MeterMapQuantity, value: number, ratios: { pt: number; ct: number }): number {
  return q.type === 'float32' ? Math.abs(value) * 2 ** -23 : (q.scale * ratioFactor(q.ratio, ratios)) / 2 + 1e-9;
}

describe('one meter per port', () => {
  // A clock that never moves: every read sees the same simulated instant.
  const clock = createManualClock(CLOCK_START_MS);
  let fleet: SimFleet;
  const clients: ModbusClient[] = [];
  const client = async (code: string): Promise<ModbusClient> => {
    const c = await connectModbus(modbusEndpoint(fleet, code), 500);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    fleet = await startSimFleet({ meters: [MV_ACREL_SPEC, LV_SDM_SPEC], clock, startTime: START_MS });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(closeModbus));
  });
  afterAll(async () => {
    await fleet.stop();
  });

  describe.each([
    { code: 'MV1', mapName: 'acrel-dtsd1352' },
    { code: 'LV1', mapName: 'sdm630' },
  ])('$mapName meter $code', ({ code, mapName }) => {
    const map = getMeterMap(mapName);

    it.each(map.quantities.map((q) => ({ ...q, hex: `0x${q.address.toString(16).padStart(4, '0')}` })))(
      'serves $key at $hex, decoding to the simulated primary value',
      async (q) => {
        const c = await client(code);
        const words = REGISTER_WORDS[q.type];
        const result =
          q.fc === 3 ? await c.readHoldingRegisters(q.address, words) : await c.readInputRegisters(q.address, words);
        const endpoint = modbusEndpoint(fleet, code);
        const ratios = { pt: endpoint.ptRatio, ct: endpoint.ctRatio };
        const decoded = decodeRegisters(map, q.fc, q.address, result.data, ratios)[q.key as ReadingKey];
        const expected = fleet.valuesAt(code)[q.key as ReadingKey];
        expect(Math.abs(decoded! - expected)).toBeLessThanOrEqual(registerTolerance(q, expected, ratios));
      },
    );

    it('serves the whole map in planned block reads', async () => {
      const endpoint = modbusEndpoint(fleet, code);
      const ratios = { pt: endpoint.ptRatio, ct: endpoint.ctRatio };
      const values = await readMeterOverModbus(await client(code), mapName, ratios);
      expect(Object.keys(values).sort()).toEqual(map.quantities.map((q) => q.key).sort());
    });
  });

  it('puts secondary values in the Acrel registers: raw = primary / PT / 0.1 V', async () => {
    const result = await (await client('MV1')).readHoldingRegisters(0x61, 1);
    expect(result.data[0]).toBe(Math.round(fleet.valuesAt('MV1').voltageAV / 100 / 0.1));
  });

  it('puts signed int32 kW × 1000 / (PT × CT) in the Acrel total power, high word first', async () => {
    const [high, low] = (await (await client('MV1')).readHoldingRegisters(0x16a, 2)).data as [number, number];
    const raw = ((high << 16) | low) >> 0;
    expect(raw).toBe(Math.round(fleet.valuesAt('MV1').powerKw / (100 * 60) / 0.001));
  });

  it('puts float32 watts, high word first, in the SDM630 total power', async () => {
    const { buffer } = await (await client('LV1')).readInputRegisters(0x34, 2);
    expect(buffer.readFloatBE(0)).toBe(Math.fround(fleet.valuesAt('LV1').powerKw * 1000));
  });

  it('serves the SDM630 demand registers from the model', async () => {
    const { buffer } = await (await client('LV1')).readInputRegisters(0x54, 4);
    const snapshot = fleet.snapshotAt('LV1');
    expect(buffer.readFloatBE(0)).toBe(Math.fround(snapshot.extras.demandKw * 1000));
    expect(buffer.readFloatBE(4)).toBe(Math.fround(snapshot.extras.maxDemandKw * 1000));
    const period = await (await client('LV1')).readHoldingRegisters(0x02, 2);
    expect(period.buffer.readFloatBE(0)).toBe(15);
  });

  describe('exception replies (Modbus Application Protocol V1.1b3 §7)', () => {
    it.each([
      ['an address outside every block', 'MV1', 3, 0x0000, 2, 0x02],
      ['a read running past the end of a block', 'MV1', 3, 0x0061, 30, 0x02],
      ['quantity 0', 'MV1', 3, 0x0061, 0, 0x03],
      ['126 registers', 'MV1', 3, 0x0061, 126, 0x03],
      ['82 registers from an SDM630 (limit 80, domain.md §8.1)', 'LV1', 4, 0x0000, 82, 0x03],
      ['an odd start on an SDM630', 'LV1', 4, 0x0001, 2, 0x02],
      ['an odd count on an SDM630', 'LV1', 4, 0x0000, 3, 0x02],
      ['input registers from a holding-register meter', 'MV1', 4, 0x0061, 1, 0x01],
    ] as const)('answers %s on %s with exception %#x', async (_label, code, fc, address, count, exception) => {
      const c = await client(code);
      const failure = await modbusFailure(
        fc === 3 ? c.readHoldingRegisters(address, count) : c.readInputRegisters(address, count),
      );
      expect(failure.modbusCode).toBe(exception);
    });
  });

  describe('settings registers', () => {
    it('stores a CT ratio written with FC06 without changing the secondary measurements', async () => {
      const c = await client('MV1');
      const before = await c.readHoldingRegisters(0x61, 6);
      await c.writeRegister(0x301, 75);
      expect((await c.readHoldingRegisters(0x300, 2)).data).toEqual([100, 75]);
      expect((await c.readHoldingRegisters(0x61, 6)).data).toEqual(before.data);
      await c.writeRegisters(0x300, [100, 60]);
      expect((await c.readHoldingRegisters(0x300, 2)).data).toEqual([100, 60]);
    });

    it('refuses writes to measurements (02), out-of-range settings (03) and read-only settings (02)', async () => {
      const acrel = await client('MV1');
      expect((await modbusFailure(acrel.writeRegister(0x61, 1))).modbusCode).toBe(0x02);
      expect((await modbusFailure(acrel.writeRegister(0x301, 0))).modbusCode).toBe(0x03);
      const sdm = await client('LV1');
      expect((await modbusFailure(sdm.writeRegisters(0x02, [0x4170, 0]))).modbusCode).toBe(0x02);
    });
  });
});

describe('gateway mode: many unit ids behind one TCP endpoint', () => {
  const clock = createManualClock(CLOCK_START_MS);
  let fleet: SimFleet;
  let silentFleet: SimFleet;
  const clients: ModbusClient[] = [];
  const meters = [
    MV_ACREL_SPEC,
    LV_SDM_SPEC,
    { ...MV_ACREL_SPEC, code: 'MV2', unitId: 3, seed: 3, profile: 'steel_three_shift' as const },
  ];

  beforeAll(async () => {
    [fleet, silentFleet] = await Promise.all([
      startSimFleet({ meters, gateway: true, clock, startTime: START_MS }),
      startSimFleet({ meters, gateway: true, gatewayTargetFailure: 'silent', clock, startTime: START_MS }),
    ]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map(closeModbus));
  });
  afterAll(async () => {
    await Promise.all([fleet.stop(), silentFleet.stop()]);
  });

  it('serves all meters on one port, each under its unit id', async () => {
    const endpoints = meters.map((m) => modbusEndpoint(fleet, m.code));
    expect(new Set(endpoints.map((e) => e.port)).size).toBe(1);
    expect(endpoints.map((e) => e.unitId)).toEqual([1, 2, 3]);
    for (const endpoint of endpoints) {
      const c = await connectModbus(endpoint);
      clients.push(c);
      const values = await readMeterOverModbus(c, endpoint.mapName, { pt: endpoint.ptRatio, ct: endpoint.ctRatio });
      const expected = fleet.valuesAt(endpoint.code);
      expect(values.powerKw! / expected.powerKw).toBeCloseTo(1, 2);
    }
  });

  it('answers an unknown unit id with exception 0x0B, gateway target device failed to respond', async () => {
    const c = await connectModbus({ ...modbusEndpoint(fleet, 'MV1'), unitId: 9 });
    clients.push(c);
    expect((await modbusFailure(c.readHoldingRegisters(0x61, 1))).modbusCode).toBe(0x0b);
  });

  it('can be told to leave an unknown unit id unanswered (client timeout)', async () => {
    const c = await connectModbus({ ...modbusEndpoint(silentFleet, 'MV1'), unitId: 9 }, 300);
    clients.push(c);
    expect((await modbusFailure(c.readHoldingRegisters(0x61, 1))).errno).toBe('ETIMEDOUT');
  });

  it('applies a broadcast write (unit 0) to every meter and answers nobody', async () => {
    const broadcast = await connectModbus({ ...modbusEndpoint(fleet, 'MV1'), unitId: 0 }, 300);
    clients.push(broadcast);
    expect((await modbusFailure(broadcast.writeRegister(0x301, 80))).errno).toBe('ETIMEDOUT');
    for (const code of ['MV1', 'MV2']) {
      const c = await connectModbus(modbusEndpoint(fleet, code));
      clients.push(c);
      expect((await c.readHoldingRegisters(0x301, 1)).data).toEqual([80]);
    }
  });
});

describe('MBAP framing on a raw socket (Modbus Messaging on TCP/IP V1.0b §3.1.3)', () => {
  let fleet: SimFleet;
  let socket: net.Socket | undefined;

  beforeAll(async () => {
    fleet = await startSimFleet({
      meters: [MV_ACREL_SPEC],
      clock: createManualClock(CLOCK_START_MS),
      startTime: START_MS,
    });
  });
  afterEach(() => {
    socket?.destroy();
    socket = undefined;
  });
  afterAll(async () => {
    await fleet.stop();
  });

  const frame = (transactionId: number, protocolId: number, unitId: number, pdu: number[]): Buffer => {
    const buffer = Buffer.alloc(7 + pdu.length);
    buffer.writeUInt16BE(transactionId, 0);
    buffer.writeUInt16BE(protocolId, 2);
    buffer.writeUInt16BE(pdu.length + 1, 4);
    buffer[6] = unitId;
    Buffer.from(pdu).copy(buffer, 7);
    return buffer;
  };

  async function exchange(chunks: Buffer[], expectedBytes: number): Promise<Buffer> {
    const endpoint = modbusEndpoint(fleet, 'MV1');
    const s = net.connect(endpoint.port, endpoint.host);
    socket = s;
    await new Promise<void>((resolve) => s.once('connect', () => resolve()));
    const received: Buffer[] = [];
    const done = new Promise<Buffer>((resolve, reject) => {
      s.on('data', (d: Buffer) => {
        received.push(d);
        const all = Buffer.concat(received);
        if (all.length >= expectedBytes) resolve(all);
      });
      s.once('close', () => reject(new Error(`closed after ${Buffer.concat(received).length} bytes`)));
    });
    for (const chunk of chunks) {
      s.write(chunk);
      await new Promise((r) => setImmediate(r));
    }
    return done;
  }

  it('answers pipelined and split requests in order, echoing transaction and unit ids', async () => {
    const first = frame(0x1234, 0, 7, [3, 0, 0x61, 0, 1]);
    const second = frame(0x1235, 0, 7, [3, 0, 0x62, 0, 2]);
    const both = Buffer.concat([first, second]);
    const reply = await exchange([both.subarray(0, 5), both.subarray(5, 15), both.subarray(15)], 11 + 13);
    expect(reply.readUInt16BE(0)).toBe(0x1234);
    expect(reply.readUInt16BE(2)).toBe(0);
    expect(reply.readUInt16BE(4)).toBe(5); // unit id + fc + byte count + 1 register
    expect([reply[6], reply[7], reply[8]]).toEqual([7, 3, 2]);
    expect(reply.readUInt16BE(11)).toBe(0x1235);
    expect(reply[19]).toBe(4);
  });

  it('drops a frame whose protocol id is not 0 and answers the next one', async () => {
    const reply = await exchange([frame(1, 1, 1, [3, 0, 0x61, 0, 1]), frame(2, 0, 1, [3, 0, 0x61, 0, 1])], 11);
    expect(reply.readUInt16BE(0)).toBe(2);
    expect(reply.length).toBe(11);
  });

  it('closes a connection whose MBAP length cannot be Modbus', async () => {
    const bad = Buffer.from([0, 1, 0, 0, 0x01, 0x00, 1, 3]); // length 256 > 254
    await expect(exchange([bad], 1)).rejects.toThrow(/closed after 0 bytes/);
  });
});
