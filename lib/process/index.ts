import type { Logger } from '../log/index.ts';

const REPEATED_SIGNAL_GRACE_MS = 1000;

/**
 * Keeps a long-running command alive until SIGINT/SIGTERM, then runs `stop` once and resolves
 * with the exit code. The same Ctrl-C can arrive twice within milliseconds (from the terminal
 * and relayed by npm); only a later signal means the operator insists, and forces the exit.
 */
export function runUntilSignal(logger: Logger, stop: () => Promise<void>, what = 'stopping'): Promise<number> {
  return new Promise<number>((resolve) => {
    let firstSignalAt: number | undefined;
    const shutdown = (signal: NodeJS.Signals) => {
      if (firstSignalAt !== undefined) {
        if (Date.now() - firstSignalAt < REPEATED_SIGNAL_GRACE_MS) return;
        logger.warn({ signal }, 'forced exit');
        process.exit(1);
      }
      firstSignalAt = Date.now();
      logger.info({ signal }, what);
      stop().then(
        () => resolve(0),
        (err: unknown) => {
          logger.error({ err }, 'unclean stop');
          resolve(1);
        },
      );
    };
    process.on('SIGINT', shutdown);
    process.on('SIGTERM', shutdown);
  });
}
