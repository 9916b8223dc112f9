// The one bounded wait of the suite: poll `check` until it returns something truthy.

export interface WaitOptions {
  /** give up after this long (default 5 s) */
  timeoutMs?: number;
  /** pause between checks (default 25 ms) */
  intervalMs?: number;
  /** what is awaited, for the error message */
  label?: string;
}

/** Resolves with the first truthy value of `check`; rejects when `timeoutMs` passes without one. */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  options: WaitOptions = {},
): Promise<T> {
  const { timeoutMs = 5000, intervalMs = 25, label = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${label}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
