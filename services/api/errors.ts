import { KamError } from '../../lib/domain/index.ts';

// Errors the API answers with (conventions.md §9): a stable code, an HTTP status and, for input
// errors, the field at fault. The one error handler in app.ts maps them to
// `{ error: code, message, field? }`.

export type ApiErrorCode =
  | 'validation_failed'
  | 'unauthenticated'
  | 'invalid_credentials'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_many_requests'
  | 'internal_error';

const STATUS: Record<ApiErrorCode, number> = {
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_many_requests: 429,
  internal_error: 500,
};

export class ApiError extends KamError<ApiErrorCode> {
  readonly statusCode: number;
  readonly field: string | undefined;
  constructor(code: ApiErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(code, message, { cause: options.cause });
    this.statusCode = STATUS[code];
    this.field = options.field;
  }
}

export const notFound = (what: string) => new ApiError('not_found', `${what} not found`);
