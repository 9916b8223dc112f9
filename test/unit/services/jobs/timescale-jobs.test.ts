import { describe, expect, it } from 'vitest';
import { selectDueJobs, type TimescaleJob } from '../../../../services/jobs/index.ts';

const job = (jobId: number, minutes: number): TimescaleJob => ({
  jobId,
  procName: 'policy_refresh_continuous_aggregate',
  hypertable: 'load_1m',
  scheduleIntervalMs: minutes * 60_000,
});

describe('embedded job schedule', () => {
  const jobs = [job(1, 1), job(2, 60)];

  it('runs every job once at start', () => {
    expect(selectDueJobs(jobs, new Map(), 0).map((j) => j.jobId)).toEqual([1, 2]);
  });

  it('runs a job again only when its schedule interval has passed', () => {
    const last = new Map([
      [1, 0],
      [2, 0],
    ]);
    expect(selectDueJobs(jobs, last, 59_999).map((j) => j.jobId)).toEqual([]);
    expect(selectDueJobs(jobs, last, 60_000).map((j) => j.jobId)).toEqual([1]);
    expect(selectDueJobs(jobs, last, 3_600_000).map((j) => j.jobId)).toEqual([1, 2]);
  });
});
