import { describe, expect, it } from 'vitest';
import { meterCodeFromTopic, parseJsonReading } from '../../../ingest/mqtt/index.ts';

const now = Date.parse('2026-03-10T00:00:00Z');
const parse = (doc: unknown) =>
  parseJsonReading(Buffer.from(typeof doc === 'string' ? doc : JSON.stringify(doc)), { now, maxFutureMs: 300_000 });

describe('JSON reading payload', () => {
  it('accepts the documented shape; null means not reported', () => {
    expect(parse({ ts: '2026-03-10T07:45:00+08:00', values: { powerKw: 5.5, pf: -0.9, voltageAV: null } })).toEqual({
      ok: true,
      ts: new Date('2026-03-09T23:45:00Z'),
      values: { powerKw: 5.5, pf: -0.9 },
    });
  });

  it.each([
    ['not JSON', '{"ts":', /^payload is not JSON/],
    ['an array', '[1,2]', /^\(root\): /],
    ['no ts', { values: { powerKw: 1 } }, /^ts: /],
    ['ts not ISO 8601', { ts: '10/03/2026', values: { powerKw: 1 } }, /^ts: /],
    ['ts without offset', { ts: '2026-03-10T00:00:00', values: { powerKw: 1 } }, /^ts: /],
    ['ts too far ahead', { ts: '2026-03-10T01:00:00Z', values: { powerKw: 1 } }, /^ts: .* in the future/],
    ['no values', { ts: '2026-03-10T00:00:00Z' }, /^values: /],
    ['a string value', { ts: '2026-03-10T00:00:00Z', values: { powerKw: '5' } }, /^values\.powerKw: /],
    ['an unknown quantity', { ts: '2026-03-10T00:00:00Z', values: { kw: 5 } }, /^values: .*"kw"/],
    ['pf above 1', { ts: '2026-03-10T00:00:00Z', values: { pf: 1.01 } }, /^values\.pf: /],
    ['negative voltage', { ts: '2026-03-10T00:00:00Z', values: { voltageBV: -1 } }, /^values\.voltageBV: /],
    ['0 Hz', { ts: '2026-03-10T00:00:00Z', values: { frequencyHz: 0 } }, /^values\.frequencyHz: /],
    ['nothing reported', { ts: '2026-03-10T00:00:00Z', values: {} }, /^values: no quantity/],
    [
      'an extra top-level field',
      { ts: '2026-03-10T00:00:00Z', values: { powerKw: 1 }, meter: 'x' },
      /^\(root\): .*"meter"/,
    ],
  ])('rejects %s with a reason naming the field', (_label, doc, reason) => {
    const result = parse(doc);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  it('reads the meter code from the topic', () => {
    expect(meterCodeFromTopic('kam/v1/meters/huaxin-main/reading')).toBe('huaxin-main');
    expect(meterCodeFromTopic('kam/v1/meters/huaxin-main/status')).toBeUndefined();
    expect(meterCodeFromTopic('kam/v1/meters/a/b/reading')).toBeUndefined();
  });
});
