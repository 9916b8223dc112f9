import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSpool, toColumnParams } from '../../../ingest/writer/index.ts';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kam-spool-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const rec = (i: number) => ({
  reading: { meterId: 7, ts: new Date(1_700_000_000_000 + i * 1000), values: { powerKw: i }, quality: i % 2 },
  source: 'modbus' as const,
});

describe('on-disk spool', () => {
  it('gives records back in order across segments and keeps them until removed', async () => {
    const dir = tempDir();
    const spool = openSpool({ dir, segmentBytes: 200 });
    for (let i = 0; i < 10; i++) await spool.append([rec(i)]);
    await spool.seal();
    const segments = spool.sealedSegments();
    expect(segments.length).toBeGreaterThan(1);
    const back = [];
    for (const s of segments) back.push(...(await spool.readSegment(s)).records);
    expect(back).toEqual(Array.from({ length: 10 }, (_, i) => rec(i)));
    expect(spool.stats()).toMatchObject({ records: 10, segments: segments.length });
    await spool.remove(segments[0]!);
    expect(readdirSync(dir)).not.toContain(segments[0]);
    await spool.close();
  });

  it('finds the segments of an earlier run when reopened', async () => {
    const dir = tempDir();
    const first = openSpool({ dir });
    await first.append([rec(1), rec(2)]);
    await first.close();
    const again = openSpool({ dir });
    expect(again.hasData()).toBe(true);
    expect(again.stats().records).toBe(2);
    await again.append([rec(3)]); // a new segment after the old one
    await again.seal();
    const segments = again.sealedSegments();
    expect(segments).toHaveLength(2);
    expect((await again.readSegment(segments[1]!)).records).toEqual([rec(3)]);
    await again.close();
  });
});

describe('column-wise insert parameters', () => {
  it('turns absent and non-finite values into NULL, never zero', () => {
    const params = toColumnParams([
      { meterId: 1, ts: new Date(0), values: { powerKw: 5, pf: Number.NaN }, quality: 1 },
    ]);
    expect(params.slice(0, 3)).toEqual([[1], ['1970-01-01T00:00:00.000Z'], [1]]);
    const values = params.slice(3) as Array<Array<number | null>>;
    expect(values.filter((c) => c[0] !== null)).toEqual([[5]]);
  });
});
