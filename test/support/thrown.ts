import { expect } from 'vitest';

/**
 * What the project's data and input errors carry (lib/domain/data-issues DataIssueError): a
 * stable code, the first offending field and every issue.
 */
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

/** The field the error of `fn` names; fails the test when `fn` throws nothing. */
export function fieldOf(fn: () => unknown): string | undefined {
  return thrownBy(fn).field;
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

/** The path of every issue `fn` reports, after checking the error's code; [] when it accepts the input. */
export function issuePaths(fn: () => unknown, code: string): string[] {
  try {
    fn();
  } catch (err) {
    expect((err as ThrownError).code).toBe(code);
    return ((err as ThrownError).issues ?? []).map((i) => i.path);
  }
  return [];
}
