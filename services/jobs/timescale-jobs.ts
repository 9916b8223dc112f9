import type { Db } from '../../lib/db/index.ts';

export interface TimescaleJob {
  jobId: number;
  procName: string;
  hypertable: string | null;
  scheduleIntervalMs: number;
}

/** The policy jobs (compression, retention, aggregate refresh) the database has registered. */
export async function listTimescaleJobs(db: Db): Promise<TimescaleJob[]> {
  const { rows } = await db.query<{
    job_id: number;
    proc_name: string;
    hypertable_name: string | null;
    interval_ms: number;
  }>(
    `SELECT job_id, proc_name, hypertable_name,
            extract(epoch FROM schedule_interval) * 1000 AS interval_ms
       FROM timescaledb_information.jobs
      WHERE scheduled
      ORDER BY job_id`,
  );
  return rows.map((r) => ({
    jobId: r.job_id,
    procName: r.proc_name,
    hypertable: r.hypertable_name,
    scheduleIntervalMs: Number(r.interval_ms),
  }));
}

/**
 * Which jobs are due, given when each last ran. Pure so the schedule is testable without a
 * database or a clock. A job never run is due at once.
 */
export function selectDueJobs(
  jobs: TimescaleJob[],
  lastRunMs: ReadonlyMap<number, number>,
  nowMs: number,
): TimescaleJob[] {
  return jobs.filter((job) => {
    const last = lastRunMs.get(job.jobId);
    return last === undefined || nowMs - last >= job.scheduleIntervalMs;
  });
}

export async function runTimescaleJob(db: Db, jobId: number): Promise<void> {
  await db.query('CALL run_job($1)', [jobId]);
}
