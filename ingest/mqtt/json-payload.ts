// JSON readings on `kam/v1/meters/<meterCode>/reading`:
//   { "ts": "2026-03-10T08:15:00+08:00", "values": { "voltageAV": 231.2, "powerKw": 512.4, ... } }
// Keys of `values` are the ReadingValues keys (lib/domain/reading.ts). Every payload is
// validated; a rejection names the field (`values.pf: Too big: expected number to be <=1`).
import { z } from 'zod';
import { READING_KEYS, type ReadingKey, type ReadingValues } from '../../lib/domain/index.ts';
import { READING_BOUNDS } from '../reading-bounds.ts';

export const JSON_READING_TOPIC_FILTER = 'kam/v1/meters/+/reading';
const JSON_TOPIC_PATTERN = /^kam\/v1\/meters\/([^/]+)\/reading$/;

/** The meter code in a JSON reading topic, or undefined when the topic is not one. */
export function meterCodeFromTopic(topic: string): string | undefined {
  return JSON_TOPIC_PATTERN.exec(topic)?.[1];
}

function quantitySchema(key: ReadingKey) {
  let n = z.number().finite();
  const b = READING_BOUNDS[key];
  if (b?.min !== undefined) n = n.min(b.min);
  if (b?.max !== undefined) n = n.max(b.max);
  // null = "not reported", the same as leaving the key out
  return n.nullable().optional();
}

const valuesSchema = z.strictObject(
  Object.fromEntries(READING_KEYS.map((k) => [k, quantitySchema(k)])) as Record<
    ReadingKey,
    ReturnType<typeof quantitySchema>
  >,
);

export const jsonReadingSchema = z.strictObject({
  ts: z.iso.datetime({ offset: true }),
  values: valuesSchema,
});

export type JsonReadingResult = { ok: true; ts: Date; values: ReadingValues } | { ok: false; reason: string };

export interface JsonReadingLimits {
  /** now, epoch ms (from the ingest clock) */
  now: number;
  /** a reading time further ahead than this is refused (meter clock wrong) */
  maxFutureMs: number;
}

/** Parses and validates one JSON reading payload. Never throws. */
export function parseJsonReading(payload: Buffer, limits: JsonReadingLimits): JsonReadingResult {
  let document: unknown;
  try {
    document = JSON.parse(payload.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `payload is not JSON: ${(err as Error).message}` };
  }
  const parsed = jsonReadingSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join('.') || '(root)';
    const extra = parsed.error.issues.length > 1 ? ` (+${parsed.error.issues.length - 1} more)` : '';
    return { ok: false, reason: `${path}: ${issue.message}${extra}` };
  }
  const ts = new Date(parsed.data.ts);
  if (ts.getTime() - limits.now > limits.maxFutureMs) {
    return {
      ok: false,
      reason: `ts: ${parsed.data.ts} is more than ${Math.round(limits.maxFutureMs / 1000)} s in the future`,
    };
  }
  const values: ReadingValues = {};
  for (const [key, value] of Object.entries(parsed.data.values) as Array<[ReadingKey, number | null | undefined]>) {
    if (typeof value === 'number') values[key] = value;
  }
  if (Object.keys(values).length === 0) return { ok: false, reason: 'values: no quantity reported' };
  return { ok: true, ts, values };
}
