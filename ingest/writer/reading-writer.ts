// The one write path for readings from every source (Modbus, MQTT): a bounded in-memory queue
// with backpressure, batched idempotent inserts, and an on-disk spool while the database is
// unreachable. Order is kept: while the spool holds anything, new batches are appended behind
// it, and the spool is replayed oldest first before direct inserts resume.
import type { Db } from '../../lib/db/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import type { Reading } from '../../lib/domain/index.ts';
import { systemClock, type Clock, type TimerHandle } from '../../lib/domain/index.ts';
import { badOption, IngestError, requirePositiveInt } from '../errors.ts';
import type { IngestMetrics } from '../metrics.ts';
import { insertDeadLetters, type DeadLetter } from './dead-letter-repository.ts';
import { insertReadings, isDataError } from './reading-repository.ts';
import { openSpool, type ReadingSource, type Spool, type SpoolRecord, type SpoolStats } from './spool.ts';

export interface ReadingWriterOptions {
  db: Db;
  logger: Logger;
  /** folder for the spool segments; created if missing; segments of an earlier run are replayed */
  spoolDir: string;
  clock?: Clock;
  metrics?: IngestMetrics;
  /** readings per INSERT statement (default 1000) */
  batchSize?: number;
  /** readings held in memory before enqueue() waits (default 20,000) */
  maxQueue?: number;
  /** a partly filled batch is written after this long (default 1000 ms) */
  flushIntervalMs?: number;
  /** while the database is unreachable, how often to try it again (default 5000 ms) */
  retryIntervalMs?: number;
  /** spool segment size before a new file is started (default 8 MiB) */
  segmentBytes?: number;
  /** the spool stops growing here; then the queue fills and enqueue() waits (default 1 GiB) */
  maxSpoolBytes?: number;
  /** dead letters kept in memory while the database is away (default 10,000) */
  maxPendingDeadLetters?: number;
  /**
   * Called with each batch once it is committed (live stream fast path). Only committed rows are
   * passed, so the stream never shows what the database does not have (architecture.md).
   */
  onCommitted?: (readings: readonly Reading[]) => void;
}

export interface WriterStats {
  queued: number;
  spool: SpoolStats;
  /** true while the database is considered unreachable */
  outage: boolean;
  /** rows newly committed since start */
  written: number;
  /** enqueue calls waiting for room in the queue (backpressure) */
  waitingForSpace: number;
  deadLettersPending: number;
  deadLettersDropped: number;
}

export interface ReadingWriter {
  /**
   * Queues readings for writing. Resolves once they are queued; waits while the queue is full
   * (backpressure). Rejects with INGEST_WRITER_CLOSED after close().
   */
  enqueue(readings: readonly Reading[], source: ReadingSource): Promise<void>;
  /** Keeps rejected input with its reason (dead_letters); written with the next flush. */
  deadLetter(letter: Omit<DeadLetter, 'receivedAt'> & { receivedAt?: Date }): void;
  /**
   * Writes everything queued now (to the database, or to the spool during an outage) and
   * resolves when done. `retry: true` tries the database at once even inside an outage.
   */
  flush(options?: { retry?: boolean }): Promise<void>;
  stats(): WriterStats;
  /** Flushes what is queued (spooling it if the database is away) and stops the timers. */
  close(): Promise<void>;
}

const DEFAULTS = {
  batchSize: 1000,
  maxQueue: 20_000,
  flushIntervalMs: 1000,
  retryIntervalMs: 5000,
  maxSpoolBytes: 1024 * 1024 * 1024,
  maxPendingDeadLetters: 10_000,
};

export function createReadingWriter(options: ReadingWriterOptions): ReadingWriter {
  requirePositiveInt('batchSize', options.batchSize);
  requirePositiveInt('maxQueue', options.maxQueue);
  requirePositiveInt('flushIntervalMs', options.flushIntervalMs);
  requirePositiveInt('retryIntervalMs', options.retryIntervalMs);
  requirePositiveInt('maxSpoolBytes', options.maxSpoolBytes);
  if (!options.spoolDir) throw badOption('spoolDir must be a folder path');
  const cfg = { ...DEFAULTS, ...stripUndefined(options) };
  if (cfg.maxQueue < cfg.batchSize)
    throw badOption(`maxQueue (${cfg.maxQueue}) must be ≥ batchSize (${cfg.batchSize})`);
  return new BatchedReadingWriter(
    options,
    cfg,
    openSpool({ dir: options.spoolDir, segmentBytes: options.segmentBytes }),
  );
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

class BatchedReadingWriter implements ReadingWriter {
  readonly #db: Db;
  readonly #onCommitted: ((readings: readonly Reading[]) => void) | undefined;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #metrics: IngestMetrics | undefined;
  readonly #cfg: typeof DEFAULTS;
  readonly #spool: Spool;

  #queue: SpoolRecord[] = [];
  #spaceWaiters: Array<{ size: number; resolve: () => void; reject: (err: Error) => void }> = [];
  #deadLetters: DeadLetter[] = [];
  #deadLettersDropped = 0;
  #flushTimer: TimerHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  #rerun = false;
  #forceRetry = false;
  #outage = false;
  #retryAt = 0;
  #spoolFullLogged = false;
  #written = 0;
  #closed = false;

  constructor(options: ReadingWriterOptions, cfg: typeof DEFAULTS, spool: Spool) {
    this.#db = options.db;
    this.#onCommitted = options.onCommitted;
    this.#log = options.logger.child({ component: 'reading-writer' });
    this.#clock = options.clock ?? systemClock;
    this.#metrics = options.metrics;
    this.#cfg = cfg;
    this.#spool = spool;
    this.#updateGauges();
    if (spool.hasData()) {
      this.#log.info({ spool: spool.stats() }, 'spool from an earlier run found; replaying');
      this.#kick();
    }
  }

  enqueue(readings: readonly Reading[], source: ReadingSource): Promise<void> {
    if (this.#closed) return Promise.reject(new IngestError('INGEST_WRITER_CLOSED', 'the reading writer is closed'));
    if (readings.length === 0) return Promise.resolve();
    const records = readings.map((reading) => ({ reading, source }));
    this.#metrics?.readingsTotal.inc({ source }, readings.length);
    // An oversized single enqueue is let in when the queue is empty, else it could never fit.
    if (
      this.#spaceWaiters.length === 0 &&
      (this.#queue.length + records.length <= this.#cfg.maxQueue || this.#queue.length === 0)
    ) {
      this.#push(records);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      this.#spaceWaiters.push({
        size: records.length,
        resolve: () => {
          this.#push(records);
          resolve();
        },
        reject,
      });
      this.#kick();
    });
  }

  deadLetter(letter: Omit<DeadLetter, 'receivedAt'> & { receivedAt?: Date }): void {
    this.#metrics?.deadLettersTotal.inc({ source: letter.source });
    if (this.#deadLetters.length >= this.#cfg.maxPendingDeadLetters) {
      this.#deadLettersDropped++;
      this.#log.error(
        { reason: letter.reason, topic: letter.topic, dropped: this.#deadLettersDropped },
        'dead-letter buffer full; dead letter dropped',
      );
      return;
    }
    this.#deadLetters.push({ ...letter, receivedAt: letter.receivedAt ?? new Date(this.#clock.now()) });
    this.#scheduleFlush();
  }

  async flush(options: { retry?: boolean } = {}): Promise<void> {
    if (options.retry) this.#forceRetry = true;
    await this.#run();
  }

  stats(): WriterStats {
    return {
      queued: this.#queue.length,
      spool: this.#spool.stats(),
      outage: this.#outage,
      written: this.#written,
      waitingForSpace: this.#spaceWaiters.length,
      deadLettersPending: this.#deadLetters.length,
      deadLettersDropped: this.#deadLettersDropped,
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#run();
    // Whatever could not be written is on disk now (or, with a full spool, reported here).
    if (this.#queue.length > 0)
      this.#log.error(
        { lost: this.#queue.length },
        'writer closed with readings neither written nor spooled (spool full)',
      );
    for (const w of this.#spaceWaiters.splice(0))
      w.reject(new IngestError('INGEST_WRITER_CLOSED', 'the reading writer is closed'));
    if (this.#flushTimer) this.#clock.clearTimeout(this.#flushTimer);
    if (this.#retryTimer) this.#clock.clearTimeout(this.#retryTimer);
    this.#flushTimer = this.#retryTimer = undefined;
    await this.#spool.close();
    if (this.#deadLetters.length > 0)
      this.#log.warn({ count: this.#deadLetters.length }, 'dead letters not written at close');
  }

  #push(records: SpoolRecord[]): void {
    for (const r of records) this.#queue.push(r);
    this.#metrics?.queueDepth.set(this.#queue.length);
    if (this.#queue.length >= this.#cfg.batchSize) this.#kick();
    else this.#scheduleFlush();
  }

  #scheduleFlush(): void {
    if (this.#flushTimer || this.#closed) return;
    this.#flushTimer = this.#clock.setTimeout(() => {
      this.#flushTimer = undefined;
      this.#kick();
    }, this.#cfg.flushIntervalMs);
  }

  #kick(): void {
    void this.#run().catch((err: unknown) => this.#log.error({ err }, 'writer flush failed'));
  }

  /** Single flight: one flush loop at a time; a request during a run makes it loop once more. */
  #run(): Promise<void> {
    if (this.#running) {
      this.#rerun = true;
      return this.#running;
    }
    this.#running = (async () => {
      try {
        do {
          this.#rerun = false;
          await this.#flushLoop();
        } while (this.#rerun);
      } finally {
        this.#running = undefined;
      }
    })();
    return this.#running;
  }

  #take(n: number): SpoolRecord[] {
    const batch = this.#queue.splice(0, n);
    this.#metrics?.queueDepth.set(this.#queue.length);
    return batch;
  }

  #releaseWaiters(): void {
    while (this.#spaceWaiters.length > 0) {
      const next = this.#spaceWaiters[0]!;
      if (this.#queue.length + next.size > this.#cfg.maxQueue && this.#queue.length > 0) break;
      this.#spaceWaiters.shift();
      next.resolve();
    }
  }

  async #flushLoop(): Promise<void> {
    if (this.#flushTimer) {
      this.#clock.clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    }
    for (;;) {
      const tryDb = !this.#outage || this.#consumeRetry();
      if (tryDb && this.#spool.hasData()) {
        if (!(await this.#replaySpool())) continue; // outage began: spool what is queued
      }
      if (tryDb && !this.#outage && this.#deadLetters.length > 0) await this.#writeDeadLetters();
      if (this.#queue.length === 0) {
        this.#releaseWaiters();
        break;
      }
      const batch = this.#take(this.#cfg.batchSize);
      if (this.#outage && !(tryDb && !this.#spool.hasData())) {
        if (!(await this.#spoolBatch(batch))) break;
        this.#releaseWaiters();
        continue;
      }
      try {
        await this.#insertIsolating(batch);
        this.#endOutage();
      } catch (err) {
        this.#beginOutage(err);
        if (!(await this.#spoolBatch(batch))) break;
      }
      // Space is freed only once the batch is in the database or on disk.
      this.#releaseWaiters();
    }
    this.#forceRetry = false;
    if (this.#outage) this.#scheduleRetry();
  }

  /** During an outage: is a database attempt due (retry interval elapsed, or asked for)? */
  #consumeRetry(): boolean {
    if (this.#forceRetry) {
      this.#forceRetry = false;
      return true;
    }
    return this.#clock.now() >= this.#retryAt;
  }

  #notifyCommitted(readings: readonly Reading[]): void {
    try {
      this.#onCommitted?.(readings);
    } catch (err) {
      // a listener's bug must not turn a committed batch into a retry
      this.#log.error({ err }, 'onCommitted listener failed');
    }
  }

  /** Inserts a batch; rows the database refuses as data (class 22/23) become dead letters. */
  async #insertIsolating(batch: SpoolRecord[]): Promise<void> {
    const started = performance.now();
    try {
      const readings = batch.map((r) => r.reading);
      const inserted = await insertReadings(this.#db, readings);
      this.#notifyCommitted(readings);
      this.#written += inserted;
      this.#metrics?.readingsWrittenTotal.inc(inserted);
      this.#metrics?.batchDuration.observe((performance.now() - started) / 1000);
    } catch (err) {
      if (!isDataError(err)) throw err;
      if (batch.length === 1) {
        const { reading, source } = batch[0]!;
        this.#log.warn(
          { err, meterId: reading.meterId, ts: reading.ts },
          'database refused a reading; kept as a dead letter',
        );
        this.deadLetter({
          source,
          topic: null,
          payload: Buffer.from(
            JSON.stringify({
              meterId: reading.meterId,
              ts: reading.ts,
              quality: reading.quality,
              values: reading.values,
            }),
          ),
          reason: `database refused the reading: ${(err as Error).message}`,
          details: { sqlstate: (err as { code?: string }).code, meterId: reading.meterId },
        });
        return;
      }
      // Bisect: log2(n) extra statements find the offending rows without a loop of n inserts.
      const mid = Math.ceil(batch.length / 2);
      await this.#insertIsolating(batch.slice(0, mid));
      await this.#insertIsolating(batch.slice(mid));
    }
  }

  async #spoolBatch(batch: SpoolRecord[]): Promise<boolean> {
    if (this.#spool.stats().bytes >= this.#cfg.maxSpoolBytes) {
      // Give the batch back; the queue fills and enqueue() applies backpressure.
      this.#queue.unshift(...batch);
      this.#metrics?.queueDepth.set(this.#queue.length);
      if (!this.#spoolFullLogged)
        this.#log.error({ spool: this.#spool.stats() }, 'spool full; holding readings in memory');
      this.#spoolFullLogged = true;
      return false;
    }
    await this.#spool.append(batch);
    this.#updateGauges();
    return true;
  }

  /** Replays the spool oldest first; false when the database failed again. */
  async #replaySpool(): Promise<boolean> {
    await this.#spool.seal();
    let replayed = 0;
    for (const segment of this.#spool.sealedSegments()) {
      const { records, corrupt } = await this.#spool.readSegment(segment);
      try {
        for (let i = 0; i < records.length; i += this.#cfg.batchSize) {
          await this.#insertIsolating(records.slice(i, i + this.#cfg.batchSize));
        }
      } catch (err) {
        this.#beginOutage(err);
        return false;
      }
      for (const line of corrupt) {
        this.deadLetter({
          source: 'spool',
          topic: line.segment,
          payload: Buffer.from(line.text),
          reason: line.reason,
          details: { line: line.line },
        });
      }
      // Committed: only now may the segment go (an earlier crash just repeats no-op inserts).
      await this.#spool.remove(segment);
      replayed += records.length;
      this.#updateGauges();
    }
    this.#endOutage(replayed);
    return true;
  }

  async #writeDeadLetters(): Promise<void> {
    const letters = this.#deadLetters.splice(0);
    try {
      await insertDeadLetters(this.#db, letters);
    } catch (err) {
      this.#deadLetters.unshift(...letters);
      this.#beginOutage(err);
    }
  }

  #beginOutage(err: unknown): void {
    this.#retryAt = this.#clock.now() + this.#cfg.retryIntervalMs;
    if (!this.#outage) {
      this.#outage = true;
      this.#log.warn({ err, retryInMs: this.#cfg.retryIntervalMs }, 'database unreachable; spooling readings to disk');
    }
  }

  #endOutage(replayed = 0): void {
    if (this.#outage) {
      this.#outage = false;
      this.#spoolFullLogged = false;
      this.#log.info({ replayed }, 'database reachable again; spool replayed');
    }
  }

  #scheduleRetry(): void {
    if (this.#retryTimer || this.#closed) return;
    this.#retryTimer = this.#clock.setTimeout(
      () => {
        this.#retryTimer = undefined;
        this.#kick();
      },
      Math.max(0, this.#retryAt - this.#clock.now()),
    );
  }

  #updateGauges(): void {
    if (!this.#metrics) return;
    const s = this.#spool.stats();
    this.#metrics.spoolBytes.set(s.bytes);
    this.#metrics.spoolReadings.set(s.records);
  }
}
