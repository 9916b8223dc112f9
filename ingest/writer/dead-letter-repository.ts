// dead_letters (migrations/004): rejected input kept with the reason, never dropped silently.
import type { Queryable } from './reading-repository.ts';

export type DeadLetterSource = 'mqtt' | 'modbus' | 'api' | 'spool';

export interface DeadLetter {
  source: DeadLetterSource;
  topic: string | null;
  payload: Buffer | null;
  /** names the offending field, e.g. `values.voltageAV: expected number, received string` */
  reason: string;
  details?: Record<string, unknown>;
  receivedAt: Date;
}

const INSERT_DEAD_LETTERS_SQL = `
INSERT INTO dead_letters (received_at, source, topic, payload, reason, details)
SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::bytea[], $5::text[], $6::jsonb[])`;

export async function insertDeadLetters(db: Queryable, letters: readonly DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await db.query(INSERT_DEAD_LETTERS_SQL, [
    letters.map((l) => l.receivedAt.toISOString()),
    letters.map((l) => l.source),
    letters.map((l) => l.topic),
    letters.map((l) => l.payload),
    letters.map((l) => l.reason),
    letters.map((l) => JSON.stringify(l.details ?? {})),
  ]);
}
