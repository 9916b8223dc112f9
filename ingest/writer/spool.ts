// On-disk spool for readings the database could not take (architecture.md: "spool on disk when
// DB is down"). Append-only JSON-lines segments, one write + fdatasync per batch, so a batch
// the writer has accepted survives a crash. Segments are replayed oldest first and deleted only
// after their rows are committed; replay is idempotent because the insert is ON CONFLICT DO
// NOTHING, so a crash between commit and delete only repeats no-ops.
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { open, readFile, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { Reading, ReadingValues } from '../../lib/domain/index.ts';
import type { DeadLetterSource } from './dead-letter-repository.ts';

export type ReadingSource = Exclude<DeadLetterSource, 'spool'>;

export interface SpoolRecord {
  reading: Reading;
  source: ReadingSource;
}

/** A line that could not be read back (torn write, disk corruption): kept as a dead letter. */
export interface CorruptSpoolLine {
  segment: string;
  line: number;
  text: string;
  reason: string;
}

export interface SpoolStats {
  segments: number;
  bytes: number;
  records: number;
}

const SEGMENT_PATTERN = /^readings-(\d{10})\.jsonl$/;
const DEFAULT_SEGMENT_BYTES = 8 * 1024 * 1024;

interface SpoolLine {
  m: number;
  t: number;
  q: number;
  s: ReadingSource;
  v: ReadingValues;
}

function encodeRecord({ reading, source }: SpoolRecord): string {
  const line: SpoolLine = {
    m: reading.meterId,
    t: reading.ts.getTime(),
    q: reading.quality,
    s: source,
    v: reading.values,
  };
  return JSON.stringify(line);
}

function decodeLine(text: string): SpoolRecord {
  const raw = JSON.parse(text) as Partial<SpoolLine>;
  if (
    !Number.isInteger(raw.m) ||
    !Number.isFinite(raw.t) ||
    !Number.isInteger(raw.q) ||
    typeof raw.v !== 'object' ||
    raw.v === null
  ) {
    throw new Error('spool line lacks m/t/q/v');
  }
  const source: ReadingSource = raw.s === 'mqtt' || raw.s === 'modbus' || raw.s === 'api' ? raw.s : 'api';
  return { reading: { meterId: raw.m!, ts: new Date(raw.t!), quality: raw.q!, values: raw.v }, source };
}

export interface Spool {
  readonly dir: string;
  /** Appends the records as one write and fdatasyncs before resolving. */
  append(records: readonly SpoolRecord[]): Promise<void>;
  /** true while any segment (sealed or active) holds records */
  hasData(): boolean;
  /** Closes the active segment so it can be replayed; later appends open a new one. */
  seal(): Promise<void>;
  /** sealed segments, oldest first */
  sealedSegments(): string[];
  readSegment(name: string): Promise<{ records: SpoolRecord[]; corrupt: CorruptSpoolLine[] }>;
  /** Deletes a replayed segment; call only after its rows are committed. */
  remove(name: string): Promise<void>;
  stats(): SpoolStats;
  close(): Promise<void>;
}

export interface SpoolOptions {
  dir: string;
  /** a segment is closed once it grows past this size */
  segmentBytes?: number;
}

/** Opens (creating) the spool folder; segments left by an earlier run are found and kept. */
export function openSpool(options: SpoolOptions): Spool {
  const dir = options.dir;
  const segmentBytes = options.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
  mkdirSync(dir, { recursive: true });

  // name -> { bytes, records }
  const sealed = new Map<string, { bytes: number; records: number }>();
  let nextSeq = 1;
  for (const file of readdirSync(dir).sort()) {
    const match = SEGMENT_PATTERN.exec(file);
    if (!match) continue;
    nextSeq = Math.max(nextSeq, Number(match[1]) + 1);
    const text = readFileSync(join(dir, file), 'utf8');
    const records = text.split('\n').filter((l) => l.length > 0).length;
    if (records === 0) continue;
    sealed.set(file, { bytes: statSync(join(dir, file)).size, records });
  }

  let active: { name: string; handle: FileHandle; bytes: number; records: number } | undefined;
  // appends and seals are serialised: one writer of the active segment at a time
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => {});
    return next;
  };

  async function sealActive(): Promise<void> {
    if (!active) return;
    const current = active;
    active = undefined;
    await current.handle.close();
    if (current.records > 0) sealed.set(current.name, { bytes: current.bytes, records: current.records });
    else await rm(join(dir, current.name), { force: true });
  }

  async function syncDir(): Promise<void> {
    // The new file's directory entry must be durable too (fsync(2) on the folder).
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } catch {
      // some file systems refuse fsync on a directory; the data itself is synced
    } finally {
      await handle.close();
    }
  }

  return {
    dir,
    append(records) {
      return serial(async () => {
        if (records.length === 0) return;
        if (!active) {
          const name = `readings-${String(nextSeq++).padStart(10, '0')}.jsonl`;
          const handle = await open(join(dir, name), 'a');
          await syncDir();
          active = { name, handle, bytes: 0, records: 0 };
        }
        const text = records.map(encodeRecord).join('\n') + '\n';
        const buffer = Buffer.from(text, 'utf8');
        await active.handle.write(buffer);
        await active.handle.datasync();
        active.bytes += buffer.length;
        active.records += records.length;
        if (active.bytes >= segmentBytes) await sealActive();
      });
    },
    hasData: () => sealed.size > 0 || (active !== undefined && active.records > 0),
    seal: () => serial(sealActive),
    sealedSegments: () => [...sealed.keys()].sort(),
    async readSegment(name) {
      const text = await readFile(join(dir, name), 'utf8');
      const lines = text.split('\n');
      const records: SpoolRecord[] = [];
      const corrupt: CorruptSpoolLine[] = [];
      lines.forEach((line, i) => {
        if (line.length === 0) return;
        try {
          records.push(decodeLine(line));
        } catch (err) {
          corrupt.push({
            segment: name,
            line: i + 1,
            text: line,
            reason: `spool line unreadable: ${(err as Error).message}`,
          });
        }
      });
      return { records, corrupt };
    },
    async remove(name) {
      await rm(join(dir, name), { force: true });
      sealed.delete(name);
    },
    stats() {
      let bytes = active?.bytes ?? 0;
      let records = active?.records ?? 0;
      for (const s of sealed.values()) {
        bytes += s.bytes;
        records += s.records;
      }
      return { segments: sealed.size + (active && active.records > 0 ? 1 : 0), bytes, records };
    },
    close: () => serial(sealActive),
  };
}
