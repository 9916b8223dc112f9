// Failed logins per username in a sliding window; beyond the limit the username answers 429
// until the window passes (OWASP authentication cheat sheet: throttle per account). In memory:
// one API process per deployment today; several would each keep their own count.

import { type Clock, systemClock } from '../../../lib/domain/index.ts';

export class LoginThrottle {
  readonly #failures = new Map<string, number[]>();
  constructor(
    readonly max: number,
    readonly windowMs: number,
    readonly clock: Clock = systemClock,
  ) {}

  blocked(username: string): boolean {
    return this.#recent(username).length >= this.max;
  }

  fail(username: string): void {
    const list = this.#recent(username);
    list.push(this.clock.now());
    this.#failures.set(username, list);
    if (this.#failures.size > 10_000) this.#failures.delete(this.#failures.keys().next().value!);
  }

  succeed(username: string): void {
    this.#failures.delete(username);
  }

  #recent(username: string): number[] {
    const cutoff = this.clock.now() - this.windowMs;
    return (this.#failures.get(username) ?? []).filter((t) => t > cutoff);
  }
}
