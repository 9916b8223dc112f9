import type { z } from 'zod';
import { ConfigError } from './errors.ts';

// Settings parsed once (conventions.md §8): one zod schema, every problem listed in one
// ConfigError with its path under `prefix`, then frozen so nothing changes it afterwards.

/** Parse `input` with `schema`; the result is deep-frozen. */
export function parseSettings<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${prefix}.${i.path.join('.')}: ${i.message}`));
  }
  return deepFreeze(result.data);
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
