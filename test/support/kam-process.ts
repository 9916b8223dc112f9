import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait-for.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface KamProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Runs the real CLI (`kam <args>`) as a child process, the way an operator does. */
export function spawnKam(args: string[], env: Record<string, string>): KamProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/kam.ts', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Polls a URL until it answers 200, at most `timeoutMs`; fails at once when `alive()` turns false. */
export async function waitForHttp(url: string, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  await waitFor(
    async () => {
      if (!alive()) throw new Error(`${url}: the process exited before it answered`);
      try {
        return (await fetch(url, { signal: AbortSignal.timeout(1000) })).ok;
      } catch {
        return false; // not up yet
      }
    },
    { timeoutMs, intervalMs: 200, label: `${url} to answer 200` },
  );
}
