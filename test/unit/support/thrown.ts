import { expect } from 'vitest';

/** What the project's errors carry: a stable code, and for bad input the field or the issues. */
export interface ThrownError extends Error {
  code?: string;
  field?: string;
  issues?: readonly { path: string; message: string }[];
}

/** The error `fn` throws; fails the test when it throws nothing. */
export function thrownBy(fn: () => unknown): ThrownError {
  try {
    fn();
  } catch (err) {
    return err as ThrownError;
  }
  expect.unreachable('expected an error');
}

/** `path: message` of every issue `fn` reports; [] when it accepts the input. */
export function issueLines(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    return ((err as ThrownError).issues ?? []).map((i) => `${i.path}: ${i.message}`);
  }
  return [];
}
