// Public entry of the rules service (conventions.md §1): the pure core (core/: rule functions,
// alert tracker, evaluateReadings; importable alone through core/index.ts, which loads no I/O) and
// the service that runs it against the database (service/: loop, checkpoint, repositories).
export * from './core/index.ts';
export * from './service/index.ts';
