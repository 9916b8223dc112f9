// Errors with stable codes (conventions.md §9): tests and callers branch on `code`, not text.

/** The base of every project error; an area narrows `Code` to its own list (`class IngestError extends KamError<IngestErrorCode> {}`). */
export class KamError<Code extends string = string> extends Error {
  readonly code: Code;
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class ConfigError extends KamError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

export class MigrationError extends KamError {}

export class FleetError extends KamError {}

export class DatabaseError extends KamError {}
