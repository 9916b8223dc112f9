// Sparkplug B topics and payloads for the simulated edge node, pure (domain.md §9).
//   spBv1.0/<group>/NBIRTH|NDEATH/<edge>              edge-node session
//   spBv1.0/<group>/DBIRTH|DDATA/<edge>/<device>      one device per meter, device id = meter code
// Metric names are ReadingValues keys, datatype Double; metric timestamps are the simulated
// reading time (ingest must use them, not arrival time).
import * as sparkplugPayload from 'sparkplug-payload';
import type { UMetric, UPayload } from 'sparkplug-payload/lib/sparkplugbpayload.js';
import { READING_KEYS, type ReadingValues } from '../../lib/domain/index.ts';
import type { MalformedVariant } from '../fault-kinds.ts';
import { OVERSIZED_PAYLOAD_BYTES } from './json-payloads.ts';

export const SPARKPLUG_NAMESPACE = 'spBv1.0';
export const REBIRTH_METRIC = 'Node Control/Rebirth';
export const BD_SEQ_METRIC = 'bdSeq';
/** Sparkplug B: seq runs 0..255 and wraps. */
export const SEQ_MODULO = 256;

export type SparkplugMessageType = 'NBIRTH' | 'NDEATH' | 'DBIRTH' | 'DDEATH' | 'NDATA' | 'DDATA' | 'NCMD' | 'DCMD';

const codec = sparkplugPayload.get(SPARKPLUG_NAMESPACE)!;

export function sparkplugTopic(
  groupId: string,
  type: SparkplugMessageType,
  edgeNodeId: string,
  deviceId?: string,
): string {
  const base = `${SPARKPLUG_NAMESPACE}/${groupId}/${type}/${edgeNodeId}`;
  return deviceId === undefined ? base : `${base}/${deviceId}`;
}

function readingMetrics(values: ReadingValues, timestampMs: number): UMetric[] {
  const metrics: UMetric[] = [];
  for (const key of READING_KEYS) {
    const value = values[key];
    if (value !== undefined) metrics.push({ name: key, type: 'Double', value, timestamp: timestampMs });
  }
  return metrics;
}

function encode(payload: UPayload): Buffer {
  const bytes = codec.encodePayload(payload);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** NBIRTH: bdSeq of this session and the rebirth control metric (required in every NBIRTH). */
export function encodeNodeBirth(args: { timestampMs: number; seq: number; bdSeq: number }): Buffer {
  return encode({
    timestamp: args.timestampMs,
    seq: args.seq,
    metrics: [
      { name: BD_SEQ_METRIC, type: 'UInt64', value: args.bdSeq },
      { name: REBIRTH_METRIC, type: 'Boolean', value: false },
    ],
  });
}

/** NDEATH (the MQTT will): only bdSeq, equal to the NBIRTH of the same session; no seq. */
export function encodeNodeDeath(args: { timestampMs: number; bdSeq: number }): Buffer {
  return encode({ timestamp: args.timestampMs, metrics: [{ name: BD_SEQ_METRIC, type: 'UInt64', value: args.bdSeq }] });
}

export function encodeDeviceBirth(args: { timestampMs: number; seq: number; values: ReadingValues }): Buffer {
  return encode({ timestamp: args.timestampMs, seq: args.seq, metrics: readingMetrics(args.values, args.timestampMs) });
}

export function encodeDeviceData(args: { timestampMs: number; seq: number; values: ReadingValues }): Buffer {
  return encode({ timestamp: args.timestampMs, seq: args.seq, metrics: readingMetrics(args.values, args.timestampMs) });
}

/**
 * A DDATA that breaks Sparkplug in one specific way:
 *   invalid_json    bytes that are not a protobuf Payload (wire type 7 does not exist)
 *   wrong_types     metrics declared Double in DBIRTH arrive as String
 *   missing_fields  no payload timestamp, metrics without name or alias
 *   oversized       a valid payload padded beyond OVERSIZED_PAYLOAD_BYTES
 */
export function encodeMalformedDeviceData(
  variant: MalformedVariant,
  args: { timestampMs: number; seq: number; values: ReadingValues },
): Buffer {
  switch (variant) {
    case 'invalid_json':
      return Buffer.concat([Buffer.from([0x0f, 0xff, 0xff]), Buffer.from('not a sparkplug payload')]);
    case 'wrong_types':
      return encode({
        timestamp: args.timestampMs,
        seq: args.seq,
        metrics: readingMetrics(args.values, args.timestampMs).map((m) => ({
          ...m,
          type: 'String',
          value: String(m.value),
        })),
      });
    case 'missing_fields':
      return encode({
        seq: args.seq,
        metrics: readingMetrics(args.values, args.timestampMs).map(({ type, value }) => ({ type, value })),
      });
    case 'oversized':
      return encode({
        timestamp: args.timestampMs,
        seq: args.seq,
        metrics: [
          ...readingMetrics(args.values, args.timestampMs),
          { name: 'padding', type: 'String', value: 'x'.repeat(OVERSIZED_PAYLOAD_BYTES) },
        ],
      });
  }
}

export function decodeSparkplug(bytes: Uint8Array): UPayload {
  return codec.decodePayload(bytes);
}

/** Numeric value of a Sparkplug integer field (protobuf 64-bit values decode as Long). */
export function sparkplugNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  if (value && typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function') {
    return (value as { toNumber(): number }).toNumber();
  }
  return undefined;
}

/** True for an NCMD payload asking for `Node Control/Rebirth`. */
export function isRebirthCommand(bytes: Uint8Array): boolean {
  try {
    return (decodeSparkplug(bytes).metrics ?? []).some((m) => m.name === REBIRTH_METRIC && m.value === true);
  } catch {
    return false;
  }
}
