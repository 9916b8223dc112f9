// Errors with stable codes (conventions.md §9): tests and callers branch on `code`, not text.

export class KamError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
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
