// Per-meter communication status (meter_status, migrations/005_ingest.sql). The tracker is pure
// state fed by the poller and the subscriber; `evaluate(now)` applies the comm-loss rule; the
// repository writes a snapshot in one set-based upsert.
import type { Db } from '../../lib/db/index.ts';

export type CommState = 'unknown' | 'ok' | 'failing' | 'lost';

export interface MeterStatus {
  meterId: number;
  commState: CommState;
  lastSeenAt: number | null;
  lastAttemptAt: number | null;
  lastError: string | null;
  lastErrorCode: string | null;
  lastErrorAt: number | null;
  consecutiveFailures: number;
  backoffUntil: number | null;
  commLostSince: number | null;
}

export interface MeterStatusTracker {
  /** a reading with this reading time arrived (the meter is alive) */
  recordReading(meterId: number, readingTs: number, now: number): void;
  recordAttempt(meterId: number, now: number): void;
  recordFailure(
    meterId: number,
    failure: { code: string; message: string; backoffUntil?: number | null; consecutiveFailures?: number },
    now: number,
  ): void;
  /** Applies the comm-loss rule; returns the meters whose state changed to or from 'lost'. */
  evaluate(now: number): Array<{ meterId: number; from: CommState; to: CommState }>;
  get(meterId: number): MeterStatus | undefined;
  snapshot(): MeterStatus[];
  /** rows changed since the last call (what the repository needs to write) */
  takeDirty(): MeterStatus[];
  track(meterIds: readonly number[], now: number): void;
}

export function createMeterStatusTracker(options: { commLostAfterMs: number; startedAt: number }): MeterStatusTracker {
  const statuses = new Map<number, MeterStatus>();
  const dirty = new Set<number>();
  const since = new Map<number, number>();
  const get = (meterId: number): MeterStatus => {
    let s = statuses.get(meterId);
    if (!s) {
      s = {
        meterId,
        commState: 'unknown',
        lastSeenAt: null,
        lastAttemptAt: null,
        lastError: null,
        lastErrorCode: null,
        lastErrorAt: null,
        consecutiveFailures: 0,
        backoffUntil: null,
        commLostSince: null,
      };
      statuses.set(meterId, s);
      since.set(meterId, options.startedAt);
      dirty.add(meterId);
    }
    return s;
  };
  return {
    track(meterIds, now) {
      for (const id of meterIds) {
        if (!statuses.has(id)) {
          get(id);
          since.set(id, now);
        }
      }
    },
    recordReading(meterId, readingTs, now) {
      const s = get(meterId);
      s.lastSeenAt = Math.max(s.lastSeenAt ?? readingTs, readingTs);
      s.lastAttemptAt = now;
      s.consecutiveFailures = 0;
      s.backoffUntil = null;
      s.commState = 'ok';
      s.commLostSince = null;
      dirty.add(meterId);
    },
    recordAttempt(meterId, now) {
      get(meterId).lastAttemptAt = now;
      dirty.add(meterId);
    },
    recordFailure(meterId, failure, now) {
      const s = get(meterId);
      s.lastAttemptAt = now;
      s.lastError = failure.message.slice(0, 500);
      s.lastErrorCode = failure.code;
      s.lastErrorAt = now;
      s.consecutiveFailures = failure.consecutiveFailures ?? s.consecutiveFailures + 1;
      s.backoffUntil = failure.backoffUntil ?? null;
      if (s.commState !== 'lost') s.commState = 'failing';
      dirty.add(meterId);
    },
    evaluate(now) {
      const changes: Array<{ meterId: number; from: CommState; to: CommState }> = [];
      for (const s of statuses.values()) {
        const reference = s.lastSeenAt ?? since.get(s.meterId) ?? options.startedAt;
        if (s.commState !== 'lost' && now - reference > options.commLostAfterMs) {
          changes.push({ meterId: s.meterId, from: s.commState, to: 'lost' });
          s.commState = 'lost';
          s.commLostSince = reference + options.commLostAfterMs;
          dirty.add(s.meterId);
        }
      }
      return changes;
    },
    get: (meterId) => statuses.get(meterId),
    snapshot: () => [...statuses.values()].map((s) => ({ ...s })),
    takeDirty() {
      const rows = [...dirty].map((id) => ({ ...statuses.get(id)! }));
      dirty.clear();
      return rows;
    },
  };
}

const toIso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function upsertMeterStatus(db: Db, rows: readonly MeterStatus[], reportedBy: string): Promise<void> {
  if (rows.length === 0) return;
  await db.query(
    `INSERT INTO meter_status (meter_id, comm_state, last_seen_at, last_attempt_at, last_error, last_error_code, last_error_at,
                               consecutive_failures, backoff_until, comm_lost_since, reported_by, updated_at)
     SELECT u.*, $11, now()
       FROM unnest($1::int[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::text[], $7::timestamptz[],
                   $8::int[], $9::timestamptz[], $10::timestamptz[])
            AS u(meter_id, comm_state, last_seen_at, last_attempt_at, last_error, last_error_code, last_error_at,
                 consecutive_failures, backoff_until, comm_lost_since)
      WHERE EXISTS (SELECT 1 FROM meters m WHERE m.id = u.meter_id)
     ON CONFLICT (meter_id) DO UPDATE SET
       comm_state = EXCLUDED.comm_state,
       last_seen_at = GREATEST(meter_status.last_seen_at, EXCLUDED.last_seen_at),
       last_attempt_at = EXCLUDED.last_attempt_at,
       last_error = EXCLUDED.last_error,
       last_error_code = EXCLUDED.last_error_code,
       last_error_at = EXCLUDED.last_error_at,
       consecutive_failures = EXCLUDED.consecutive_failures,
       backoff_until = EXCLUDED.backoff_until,
       comm_lost_since = EXCLUDED.comm_lost_since,
       reported_by = EXCLUDED.reported_by,
       updated_at = now()`,
    [
      rows.map((r) => r.meterId),
      rows.map((r) => r.commState),
      rows.map((r) => toIso(r.lastSeenAt)),
      rows.map((r) => toIso(r.lastAttemptAt)),
      rows.map((r) => r.lastError),
      rows.map((r) => r.lastErrorCode),
      rows.map((r) => toIso(r.lastErrorAt)),
      rows.map((r) => r.consecutiveFailures),
      rows.map((r) => toIso(r.backoffUntil)),
      rows.map((r) => toIso(r.commLostSince)),
      reportedBy,
    ],
  );
}
