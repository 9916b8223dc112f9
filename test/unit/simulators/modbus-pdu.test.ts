// Modbus Application Protocol V1.1b3 request validation, on the pure PDU handler.
import { describe, expect, it } from 'vitest';
import { handleRequestPdu, MODBUS_EXCEPTION, type RegisterDevice } from '../../../simulators/modbus/modbus-pdu.ts';

/** 100 holding registers holding their own address; writes allowed to 10..19. */
function fakeDevice(supportedFunctions = [3, 4, 6, 16]): RegisterDevice & { memory: Uint16Array } {
  const memory = Uint16Array.from({ length: 100 }, (_, i) => i);
  return {
    memory,
    supportedFunctions,
    readRegisters: (_fc, address, quantity) =>
      address + quantity > 100 ? MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS : memory.slice(address, address + quantity),
    writeRegisters: (address, words) => {
      if (address < 10 || address + words.length > 20) return MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS;
      memory.set(words, address);
      return undefined;
    },
  };
}

const pdu = (...bytes: number[]): Buffer => Buffer.from(bytes);

describe('handleRequestPdu', () => {
  it('answers FC03 with byte count and big-endian words', () => {
    expect([...handleRequestPdu(pdu(3, 0, 5, 0, 2), fakeDevice())]).toEqual([3, 4, 0, 5, 0, 6]);
  });

  it.each([
    ['an unknown function code', pdu(0x05, 0, 0, 0xff, 0), 0x05, MODBUS_EXCEPTION.ILLEGAL_FUNCTION],
    ['a function the device does not support', pdu(4, 0, 0, 0, 1), 0x04, MODBUS_EXCEPTION.ILLEGAL_FUNCTION],
    ['quantity 0', pdu(3, 0, 0, 0, 0), 0x03, MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE],
    ['quantity 126 (> 0x7D)', pdu(3, 0, 0, 0, 126), 0x03, MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE],
    ['a read past the device', pdu(3, 0, 99, 0, 2), 0x03, MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS],
    ['a read past 0xFFFF', pdu(3, 0xff, 0xff, 0, 2), 0x03, MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS],
    ['a truncated request', pdu(3, 0, 0, 0), 0x03, MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE],
    ['FC16 with a wrong byte count', pdu(16, 0, 10, 0, 2, 2, 0, 1, 0, 2), 0x10, MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE],
    ['FC16 with 124 registers (> 0x7B)', pdu(16, 0, 10, 0, 124, 248), 0x10, MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE],
    ['FC06 outside the writable range', pdu(6, 0, 30, 0, 1), 0x06, MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS],
  ])('replies to %s with the exception of the spec', (_label, request, fc, code) => {
    expect([...handleRequestPdu(request, fakeDevice([3, 6, 16]))]).toEqual([fc | 0x80, code]);
  });

  it('echoes FC06 and stores the value', () => {
    const device = fakeDevice();
    expect([...handleRequestPdu(pdu(6, 0, 12, 0x12, 0x34), device)]).toEqual([6, 0, 12, 0x12, 0x34]);
    expect(device.memory[12]).toBe(0x1234);
  });

  it('answers FC16 with address and quantity and stores the words', () => {
    const device = fakeDevice();
    expect([...handleRequestPdu(pdu(16, 0, 10, 0, 2, 4, 0, 7, 0, 8), device)]).toEqual([16, 0, 10, 0, 2]);
    expect([...device.memory.slice(10, 12)]).toEqual([7, 8]);
  });
});
