// Modbus PDU handling for register devices, pure (no sockets). Follows the MODBUS Application
// Protocol Specification V1.1b3:
//   §6.3 (03 Read Holding Registers), §6.4 (04 Read Input Registers): quantity 1..125 (0x7D),
//        else exception 03; start/quantity outside the device → 02; processing failure → 04.
//   §6.6 (06 Write Single Register): address → 02, value → 03; reply echoes the request.
//   §6.12 (16 Write Multiple Registers): quantity 1..123 (0x7B) and byte count = 2 × quantity,
//        else 03; reply is address + quantity.
//   §7 exception codes; an unsupported function code → 01.

export const MODBUS_EXCEPTION = {
  ILLEGAL_FUNCTION: 0x01,
  ILLEGAL_DATA_ADDRESS: 0x02,
  ILLEGAL_DATA_VALUE: 0x03,
  SERVER_DEVICE_FAILURE: 0x04,
  SERVER_DEVICE_BUSY: 0x06,
  GATEWAY_PATH_UNAVAILABLE: 0x0a,
  GATEWAY_TARGET_FAILED_TO_RESPOND: 0x0b,
} as const;

export const READ_MAX_QUANTITY = 0x7d;
export const WRITE_MULTIPLE_MAX_QUANTITY = 0x7b;

/** The device behind a unit id: its registers and limits. Exceptions are returned, not thrown. */
export interface RegisterDevice {
  readonly supportedFunctions: readonly number[];
  /** words read, or a Modbus exception code */
  readRegisters(fc: 3 | 4, address: number, quantity: number): Uint16Array | number;
  /** undefined when written, else a Modbus exception code */
  writeRegisters(address: number, words: Uint16Array): number | undefined;
}

export function exceptionPdu(functionCode: number, exceptionCode: number): Buffer {
  return Buffer.from([(functionCode | 0x80) & 0xff, exceptionCode]);
}

function readResponse(fc: number, words: Uint16Array): Buffer {
  const pdu = Buffer.allocUnsafe(2 + words.length * 2);
  pdu[0] = fc;
  pdu[1] = words.length * 2;
  for (let i = 0; i < words.length; i++) pdu.writeUInt16BE(words[i]!, 2 + i * 2);
  return pdu;
}

/** Answer one request PDU (function code + data) for a device. Always returns a reply. */
export function handleRequestPdu(pdu: Uint8Array, device: RegisterDevice): Buffer {
  const request = Buffer.from(pdu.buffer, pdu.byteOffset, pdu.byteLength);
  const fc = request[0] ?? 0;
  if (!device.supportedFunctions.includes(fc) || (fc !== 3 && fc !== 4 && fc !== 6 && fc !== 16)) {
    return exceptionPdu(fc, MODBUS_EXCEPTION.ILLEGAL_FUNCTION);
  }
  switch (fc) {
    case 3:
    case 4: {
      if (request.length !== 5) return exceptionPdu(fc, MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE);
      const address = request.readUInt16BE(1);
      const quantity = request.readUInt16BE(3);
      if (quantity < 1 || quantity > READ_MAX_QUANTITY) return exceptionPdu(fc, MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE);
      if (address + quantity > 0x10000) return exceptionPdu(fc, MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS);
      const result = device.readRegisters(fc, address, quantity);
      return typeof result === 'number' ? exceptionPdu(fc, result) : readResponse(fc, result);
    }
    case 6: {
      if (request.length !== 5) return exceptionPdu(fc, MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE);
      const address = request.readUInt16BE(1);
      const words = Uint16Array.of(request.readUInt16BE(3));
      const failure = device.writeRegisters(address, words);
      return failure === undefined ? Buffer.from(request) : exceptionPdu(fc, failure);
    }
    case 16: {
      if (request.length < 6) return exceptionPdu(fc, MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE);
      const address = request.readUInt16BE(1);
      const quantity = request.readUInt16BE(3);
      const byteCount = request[5]!;
      if (
        quantity < 1 ||
        quantity > WRITE_MULTIPLE_MAX_QUANTITY ||
        byteCount !== quantity * 2 ||
        request.length !== 6 + byteCount
      ) {
        return exceptionPdu(fc, MODBUS_EXCEPTION.ILLEGAL_DATA_VALUE);
      }
      if (address + quantity > 0x10000) return exceptionPdu(fc, MODBUS_EXCEPTION.ILLEGAL_DATA_ADDRESS);
      const words = new Uint16Array(quantity);
      for (let i = 0; i < quantity; i++) words[i] = request.readUInt16BE(6 + i * 2);
      const failure = device.writeRegisters(address, words);
      if (failure !== undefined) return exceptionPdu(fc, failure);
      return Buffer.from(request.subarray(0, 5));
    }
    default:
      return exceptionPdu(fc, MODBUS_EXCEPTION.ILLEGAL_FUNCTION);
  }
}
