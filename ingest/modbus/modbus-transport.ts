// The transport the poller talks through, passed in as a factory (conventions.md §4): the real
// one is modbus-serial over TCP; tests may pass any other. One transport = one TCP connection.
import ModbusRTU from 'modbus-serial';
import type { ReadFunctionCode } from '../../lib/meter-maps/index.ts';
import { IngestError } from '../errors.ts';

export interface ModbusEndpoint {
  host: string;
  port: number;
}

export interface ModbusTransport {
  /** Opens the connection; rejects with INGEST_MODBUS_CONNECTION. */
  connect(timeoutMs: number): Promise<void>;
  /**
   * Reads `count` registers. Rejects with INGEST_MODBUS_TIMEOUT, INGEST_MODBUS_EXCEPTION (the
   * device answered with an exception) or INGEST_MODBUS_CONNECTION. Callers serialise requests.
   */
  read(
    unitId: number,
    fc: ReadFunctionCode,
    start: number,
    count: number,
    timeoutMs: number,
  ): Promise<ArrayLike<number>>;
  /** Called when an open connection closes (peer reset, network). */
  onClose(listener: () => void): void;
  close(): Promise<void>;
}

export type ModbusTransportFactory = (endpoint: ModbusEndpoint) => ModbusTransport;

/** modbus-serial 8 over TCP. */
export const modbusSerialTransportFactory: ModbusTransportFactory = (endpoint) => {
  // modbus-serial is CommonJS with `exports.default = ModbusRTU`: under NodeNext the class is `.default`.
  const client = new ModbusRTU.default();
  const closeListeners: Array<() => void> = [];
  let open = false;
  // modbus-serial relays port errors as 'error' events: without a listener they would crash.
  (client as unknown as NodeJS.EventEmitter).on('error', () => {});
  client.on('close', () => {
    if (!open) return;
    open = false;
    for (const l of closeListeners) l();
  });
  return {
    async connect(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          client.connectTCP(endpoint.host, { port: endpoint.port }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`connect timed out after ${timeoutMs} ms`)), timeoutMs);
          }),
        ]);
        open = true;
      } catch (err) {
        client.close(() => {});
        throw new IngestError(
          'INGEST_MODBUS_CONNECTION',
          `cannot connect to ${endpoint.host}:${endpoint.port}: ${(err as Error).message}`,
          { cause: err },
        );
      } finally {
        clearTimeout(timer);
      }
    },
    async read(unitId, fc, start, count, timeoutMs) {
      client.setID(unitId);
      client.setTimeout(timeoutMs);
      try {
        const result =
          fc === 3 ? await client.readHoldingRegisters(start, count) : await client.readInputRegisters(start, count);
        return result.data;
      } catch (err) {
        throw classifyModbusError(err, `${endpoint.host}:${endpoint.port}#${unitId} fc${fc} ${start}+${count}`);
      }
    },
    onClose(listener) {
      closeListeners.push(listener);
    },
    close() {
      open = false;
      return new Promise((resolve) => {
        if (!client.isOpen) {
          resolve();
          return;
        }
        client.close(() => resolve());
      });
    },
  };
};

function classifyModbusError(err: unknown, what: string): IngestError {
  const e = err as { errno?: string; modbusCode?: number; name?: string; message?: string };
  if (e.errno === 'ETIMEDOUT' || e.name === 'TransactionTimedOutError') {
    return new IngestError('INGEST_MODBUS_TIMEOUT', `no answer from ${what}`, { cause: err });
  }
  if (typeof e.modbusCode === 'number') {
    return new IngestError('INGEST_MODBUS_EXCEPTION', `${what}: exception ${e.modbusCode} (${e.message ?? ''})`, {
      cause: err,
    });
  }
  return new IngestError('INGEST_MODBUS_CONNECTION', `${what}: ${e.message ?? String(err)}`, { cause: err });
}
