import cron, { type ScheduledTask } from 'node-cron';
import type { Db } from '../../lib/db/index.ts';
import { type Clock, systemClock } from '../../lib/domain/index.ts';
import type { Logger } from '../../lib/log/index.ts';
import { listTimescaleJobs, runTimescaleJob, selectDueJobs } from './timescale-jobs.ts';

export interface JobRunnerOptions {
  db: Db;
  logger: Logger;
  /** PGlite has no background worker, so in embedded mode we run TimescaleDB's jobs ourselves. */
  runTimescaleJobs: boolean;
  timescaleCron?: string;
  /** the clock (when each TimescaleDB job last ran); cron itself runs on wall time */
  clock?: Clock;
}

export interface JobRunner {
  /** Adds a named cron task; later issues register escalations, reports, ... here. */
  schedule(name: string, cronExpression: string, task: () => Promise<void>): void;
  /** Runs the TimescaleDB jobs that are due now; returns the ids that ran. */
  runDueTimescaleJobs(): Promise<number[]>;
  stop(): Promise<void>;
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const { db, logger } = options;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const tasks: ScheduledTask[] = [];
  const lastRunMs = new Map<number, number>();
  const running = new Set<Promise<unknown>>();
  let stopped = false;

  async function runDueTimescaleJobs(): Promise<number[]> {
    const due = selectDueJobs(await listTimescaleJobs(db), lastRunMs, now());
    const ran: number[] = [];
    for (const job of due) {
      if (stopped) break;
      const started = now();
      try {
        await runTimescaleJob(db, job.jobId);
        ran.push(job.jobId);
        logger.debug(
          { jobId: job.jobId, proc: job.procName, table: job.hypertable, ms: now() - started },
          'timescale job ran',
        );
      } catch (err) {
        logger.warn({ err, jobId: job.jobId, proc: job.procName }, 'timescale job failed');
      } finally {
        // A failing job waits its interval too instead of being retried every tick.
        lastRunMs.set(job.jobId, started);
      }
    }
    return ran;
  }

  function schedule(name: string, cronExpression: string, task: () => Promise<void>): void {
    const scheduled = cron.schedule(
      cronExpression,
      async () => {
        const run = task().catch((err: unknown) => logger.error({ err, job: name }, 'scheduled job failed'));
        running.add(run);
        await run;
        running.delete(run);
      },
      // noOverlap: a slow run is never started twice in parallel against a one-connection DB.
      { name, noOverlap: true },
    );
    tasks.push(scheduled);
  }

  if (options.runTimescaleJobs) {
    schedule('timescale-jobs', options.timescaleCron ?? '*/1 * * * *', async () => {
      await runDueTimescaleJobs();
    });
  }

  return {
    schedule,
    runDueTimescaleJobs,
    async stop() {
      stopped = true;
      await Promise.all(tasks.map((t) => t.destroy()));
      await Promise.all(running);
    },
  };
}
