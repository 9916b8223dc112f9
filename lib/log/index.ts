import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * One root logger per process; components take `logger.child({ component })`. Output is
 * human-readable on a terminal and JSON lines otherwise — chosen by TTY, never by NODE_ENV
 * (conventions.md §10).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  if (destination) return pino({ level }, destination);
  if (process.stdout.isTTY) {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
      },
    });
  }
  return pino({ level });
}
