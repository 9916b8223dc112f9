// Errors of the ingest area with stable codes (conventions.md §9): callers and tests branch on
// `code`, never on message text.
import { KamError } from '../lib/domain/index.ts';

export type IngestErrorCode =
  /** an option passed to an ingest builder is invalid (conventions.md §8) */
  | 'INGEST_BAD_OPTION'
  /** a Modbus request got no answer within the per-request timeout */
  | 'INGEST_MODBUS_TIMEOUT'
  /** the Modbus device answered with an exception (illegal address, busy, ...) */
  | 'INGEST_MODBUS_EXCEPTION'
  /** the gateway connection is not open (connecting, in backoff, closed) */
  | 'INGEST_MODBUS_NOT_CONNECTED'
  /** the TCP connection to a gateway failed or broke */
  | 'INGEST_MODBUS_CONNECTION'
  /** the meter map of a meter is unknown or cannot be planned */
  | 'INGEST_METER_MAP'
  /** the writer was closed; nothing more is accepted */
  | 'INGEST_WRITER_CLOSED'
  /** the on-disk spool reached its size limit */
  | 'INGEST_SPOOL_FULL'
  /** a payload failed validation (the reason names the field) */
  | 'INGEST_PAYLOAD_INVALID'
  /** ingest cannot run with this configuration (e.g. no DATABASE_URL for `kam ingest`) */
  | 'INGEST_CONFIG'
  /** an illegal transition of a connection state machine */
  | 'INGEST_BAD_TRANSITION';

export class IngestError extends KamError<IngestErrorCode> {}

/** `name must be ...` errors for option validation, thrown eagerly by the builders. */
export function badOption(message: string): IngestError {
  return new IngestError('INGEST_BAD_OPTION', message);
}

export function requirePositiveInt(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value <= 0)) {
    throw badOption(`${name} must be an integer > 0, got ${String(value)}`);
  }
}
