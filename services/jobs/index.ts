export { createJobRunner, type JobRunner, type JobRunnerOptions } from './job-runner.ts';
export { listTimescaleJobs, selectDueJobs, type TimescaleJob } from './timescale-jobs.ts';
