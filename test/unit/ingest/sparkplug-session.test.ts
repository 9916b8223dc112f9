import { describe, expect, it } from 'vitest';
import {
  createSparkplugSession,
  parseSparkplugTopic,
  readingKeyOf,
  type SparkplugPayload,
} from '../../../ingest/mqtt/index.ts';

const topic = (type: string, device?: string) =>
  parseSparkplugTopic(`spBv1.0/g/${type}/edge${device ? `/${device}` : ''}`)!;
const now = 1_000_000;
const birth = (s = createSparkplugSession()) => {
  s.handle(topic('NBIRTH'), { seq: 0, metrics: [{ name: 'bdSeq', value: 3 }] }, now);
  s.handle(
    topic('DBIRTH', 'm1'),
    { seq: 1, metrics: [{ name: 'Meter/powerKw', alias: 1, value: 10, timestamp: 900 }] },
    now,
  );
  return s;
};
const ddata = (seq: number, metrics: SparkplugPayload['metrics'], timestamp?: number): SparkplugPayload => ({
  seq,
  metrics,
  timestamp,
});

describe('Sparkplug B session', () => {
  it('parses topics of the namespace only', () => {
    expect(parseSparkplugTopic('spBv1.0/grp/DDATA/gw/dev')).toEqual({
      group: 'grp',
      type: 'DDATA',
      edgeNode: 'gw',
      device: 'dev',
    });
    expect(parseSparkplugTopic('spBv1.0/grp/NBIRTH/gw')).toEqual({
      group: 'grp',
      type: 'NBIRTH',
      edgeNode: 'gw',
      device: undefined,
    });
    expect(parseSparkplugTopic('spBv1.0/grp/FOO/gw')).toBeUndefined();
    expect(parseSparkplugTopic('kam/v1/meters/x/reading')).toBeUndefined();
  });

  it('maps metric names to reading keys by their last path segment', () => {
    expect(readingKeyOf('Meter/voltageAV')).toBe('voltageAV');
    expect(readingKeyOf('importKwh')).toBe('importKwh');
    expect(readingKeyOf('Node Control/Rebirth')).toBeUndefined();
  });

  it('takes DBIRTH values and DDATA by alias, with the metric timestamp as reading time', () => {
    const s = createSparkplugSession();
    s.handle(topic('NBIRTH'), { seq: 0, metrics: [] }, now);
    const b = s.handle(
      topic('DBIRTH', 'm1'),
      { seq: 1, metrics: [{ name: 'Meter/powerKw', alias: 1, value: 10, timestamp: 900 }] },
      now,
    );
    expect(b).toEqual({ readings: [{ ts: 900, arrivalTime: false, values: { powerKw: 10 } }] });
    const d = s.handle(
      topic('DDATA', 'm1'),
      ddata(2, [
        { alias: 1, value: 11, timestamp: 1900 },
        { name: 'voltageAV', value: 230, timestamp: 1900 },
        { alias: 1, value: 12, timestamp: 2900 },
      ]),
      now,
    );
    expect(d).toEqual({
      readings: [
        { ts: 1900, arrivalTime: false, values: { powerKw: 11, voltageAV: 230 } },
        { ts: 2900, arrivalTime: false, values: { powerKw: 12 } },
      ],
    });
  });

  it('wraps seq 255 → 0 without asking for a rebirth', () => {
    const s = birth();
    for (let seq = 2; seq <= 255; seq++)
      expect(s.handle(topic('DDATA', 'm1'), ddata(seq, []), now).rebirth).toBeUndefined();
    expect(s.handle(topic('DDATA', 'm1'), ddata(0, []), now).rebirth).toBeUndefined();
    expect(s.handle(topic('DDATA', 'm1'), ddata(1, []), now).rebirth).toBeUndefined();
  });

  it('asks for a rebirth on a seq gap, and still returns the data', () => {
    const s = birth();
    const out = s.handle(topic('DDATA', 'm1'), ddata(4, [{ alias: 1, value: 5, timestamp: 5000 }]), now);
    expect(out.rebirth?.reason).toMatch(/seq gap: expected 2, got 4/);
    expect(out.readings).toHaveLength(1);
  });

  it('asks for a rebirth on data before birth (node or device) and on an unknown alias', () => {
    const s = createSparkplugSession();
    expect(
      s.handle(topic('DDATA', 'm1'), ddata(5, [{ name: 'powerKw', value: 1, timestamp: 1 }]), now).rebirth?.reason,
    ).toMatch(/before NBIRTH/);
    s.handle(topic('NBIRTH'), { seq: 0, metrics: [] }, now);
    expect(s.handle(topic('DDATA', 'm2'), ddata(1, [{ alias: 9, value: 1 }]), now).rebirth?.reason).toMatch(
      /before DBIRTH/,
    );
  });

  it('uses the payload time, else arrival time (flagged), when a metric has no timestamp', () => {
    const s = birth();
    expect(s.handle(topic('DDATA', 'm1'), ddata(2, [{ alias: 1, value: 1 }], 4000), now).readings).toEqual([
      { ts: 4000, arrivalTime: false, values: { powerKw: 1 } },
    ]);
    expect(s.handle(topic('DDATA', 'm1'), ddata(3, [{ alias: 1, value: 2 }]), now).readings).toEqual([
      { ts: now, arrivalTime: true, values: { powerKw: 2 } },
    ]);
  });

  it('rejects a metric of the wrong type or out of bounds, naming it', () => {
    const s = birth();
    expect(
      s.handle(topic('DDATA', 'm1'), ddata(2, [{ name: 'Meter/pf', value: 'x', timestamp: 1 }]), now).reject?.reason,
    ).toMatch(/^metrics\.Meter\/pf: expected a number/);
    expect(
      s.handle(topic('DDATA', 'm1'), ddata(3, [{ name: 'pf', value: 3, timestamp: 1 }]), now).reject?.reason,
    ).toMatch(/^metrics\.pf: pf 3 is above 1/);
  });

  it('ignores the NDEATH of an older session (stale will) but honours the current one', () => {
    const s = birth();
    s.handle(topic('NDEATH'), { metrics: [{ name: 'bdSeq', value: 2 }] }, now);
    expect(s.handle(topic('DDATA', 'm1'), ddata(2, []), now).rebirth).toBeUndefined();
    s.handle(topic('NDEATH'), { metrics: [{ name: 'bdSeq', value: 3 }] }, now);
    expect(s.handle(topic('DDATA', 'm1'), ddata(3, []), now).rebirth?.reason).toMatch(/before NBIRTH/);
  });
});
