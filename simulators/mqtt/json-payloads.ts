// The plain-JSON MQTT reading format, pure.
//
//   topic:   <prefix>/meters/<meterCode>/reading        prefix default `kam/v1`
//   payload: { "ts": "<ISO 8601 reading time>", "values": { <ReadingValues> } }
//   QoS 1, not retained. `values` keys and units are READING_QUANTITIES (lib/domain/reading.ts),
//   primary side; a key the meter does not report is absent, never zero.
import { READING_KEYS, type ReadingValues } from '../../lib/domain/index.ts';
import type { MalformedVariant } from '../fault-kinds.ts';

export const DEFAULT_TOPIC_PREFIX = 'kam/v1';

/**
 * Size of an oversized payload: over 1 MiB, far above any reading (≈ 1 KiB), so an ingest with
 * any sane size limit must reject it (simulator default).
 */
export const OVERSIZED_PAYLOAD_BYTES = 1024 * 1024 + 1;

export interface JsonReadingPayload {
  readonly ts: string;
  readonly values: ReadingValues;
}

export function readingTopic(prefix: string, meterCode: string): string {
  return `${prefix}/meters/${meterCode}/reading`;
}

/** Values in READING_QUANTITIES order, only the keys present. */
function orderedValues(values: ReadingValues): ReadingValues {
  const out: ReadingValues = {};
  for (const key of READING_KEYS) {
    const value = values[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

export function encodeJsonReading(timeMs: number, values: ReadingValues): Buffer {
  const payload: JsonReadingPayload = { ts: new Date(timeMs).toISOString(), values: orderedValues(values) };
  return Buffer.from(JSON.stringify(payload));
}

/**
 * A payload that breaks the format in one specific way:
 *   invalid_json    the JSON text is cut off
 *   wrong_types     ts is a number, every value a string
 *   missing_fields  no ts
 *   oversized       valid JSON padded beyond OVERSIZED_PAYLOAD_BYTES
 */
export function encodeMalformedJsonReading(variant: MalformedVariant, timeMs: number, values: ReadingValues): Buffer {
  const good = { ts: new Date(timeMs).toISOString(), values: orderedValues(values) };
  switch (variant) {
    case 'invalid_json': {
      const text = JSON.stringify(good);
      return Buffer.from(text.slice(0, Math.floor(text.length * 0.6)));
    }
    case 'wrong_types':
      return Buffer.from(
        JSON.stringify({
          ts: timeMs,
          values: Object.fromEntries(Object.entries(good.values).map(([k, v]) => [k, String(v)])),
        }),
      );
    case 'missing_fields':
      return Buffer.from(JSON.stringify({ values: good.values }));
    case 'oversized': {
      const text = JSON.stringify(good);
      const padding = 'x'.repeat(OVERSIZED_PAYLOAD_BYTES - text.length + 16);
      return Buffer.from(JSON.stringify({ ...good, padding }));
    }
  }
}
