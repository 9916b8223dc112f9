import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal, RouteRoles } from './auth/roles.ts';
import { ApiError } from './errors.ts';

// One way to declare a route: method, URL, the roles allowed, zod schemas for params, query and
// body (validated here, shown in the OpenAPI document as JSON Schema) and a handler that gets
// the parsed values. Validation errors name the field: `{ error: 'validation_failed', field }`.

declare module 'fastify' {
  interface FastifyContextConfig {
    /** who may call the route; app.ts refuses to start when a route lacks it */
    roles?: RouteRoles;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface RouteContext<P, Q, B> {
  request: FastifyRequest;
  reply: FastifyReply;
  params: P;
  query: Q;
  body: B;
  /** the caller; throws `unauthenticated` on a public route without a login */
  user: Principal;
}

export interface RouteSpec<P extends Schema | undefined, Q extends Schema | undefined, B extends Schema | undefined> {
  method: Method;
  url: string;
  roles: RouteRoles;
  summary: string;
  tags: string[];
  description?: string;
  params?: P;
  query?: Q;
  body?: B;
  /** documented non-JSON answers, e.g. text/csv */
  produces?: string[];
  handler: (ctx: RouteContext<Out<P>, Out<Q>, Out<B>>) => Promise<unknown>;
}

export function toJsonSchema(schema: Schema): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'openapi-3.0' }) as Record<
    string,
    unknown
  >;
  delete json.$schema;
  stripDateTimePatterns(json);
  return json;
}

// zod spells ISO date-time as a long regex next to `format: date-time`; the format says it all.
function stripDateTimePatterns(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  if (obj.format === 'date-time') delete obj.pattern;
  for (const value of Object.values(obj)) stripDateTimePatterns(value);
}

export function parseInput<S extends Schema>(
  schema: S,
  value: unknown,
  part: 'params' | 'query' | 'body',
): z.output<S> {
  const result = schema.safeParse(value ?? (part === 'body' ? undefined : {}));
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length > 0 ? issue.path.join('.') : part;
  throw new ApiError('validation_failed', `${field}: ${issue.message}`, { field });
}

export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
>(app: FastifyInstance, spec: RouteSpec<P, Q, B>): void {
  const secured = spec.roles !== 'public';
  app.route({
    method: spec.method,
    url: spec.url,
    config: { roles: spec.roles },
    schema: {
      summary: spec.summary,
      tags: spec.tags,
      ...(spec.description ? { description: spec.description } : {}),
      ...(spec.params ? { params: toJsonSchema(spec.params) } : {}),
      ...(spec.query ? { querystring: toJsonSchema(spec.query) } : {}),
      ...(spec.body ? { body: toJsonSchema(spec.body) } : {}),
      ...(spec.produces ? { produces: spec.produces } : {}),
      ...(secured
        ? {
            security: [{ session: [] }, { bearer: [] }],
            'x-roles': spec.roles,
          }
        : {}),
    },
    handler: async (request, reply) => {
      const params = (spec.params ? parseInput(spec.params, request.params, 'params') : undefined) as Out<P>;
      const query = (spec.query ? parseInput(spec.query, request.query, 'query') : undefined) as Out<Q>;
      const body = (spec.body ? parseInput(spec.body, request.body, 'body') : undefined) as Out<B>;
      return spec.handler({
        request,
        reply,
        params,
        query,
        body,
        get user(): Principal {
          if (!request.principal) throw new ApiError('unauthenticated', 'login required');
          return request.principal;
        },
      });
    },
  });
}

// ---- shared input pieces ----------------------------------------------------------------------

export const id = z.coerce.number().int().min(1).max(2_147_483_647);
export const isoTime = z.iso
  .datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset, e.g. 2026-03-01T00:00:00+08:00' })
  .transform((v) => new Date(v));
export const limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);
export const cursor = z.string().max(200).optional();

/** Opaque pagination cursors: base64url JSON of the last row's sort key. */
export function encodeCursor(key: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor<S extends Schema>(value: string | undefined, schema: S): z.output<S> | undefined {
  if (value === undefined) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(Buffer.from(value, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  throw new ApiError('validation_failed', 'cursor: not a cursor this API handed out', { field: 'cursor' });
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Rows were fetched with limit + 1: the extra row says whether another page exists. */
export function toPage<T>(rows: T[], max: number, keyOf: (last: T) => Record<string, string | number>): Page<T> {
  const more = rows.length > max;
  const items = more ? rows.slice(0, max) : rows;
  return { items, nextCursor: more ? encodeCursor(keyOf(items[items.length - 1]!)) : null };
}

/** Checks from < to and the span limit; both are optional with defaults chosen by the caller. */
export function timeRange(
  from: Date | undefined,
  to: Date | undefined,
  defaults: { spanMs: number; maxSpanMs: number; now: Date },
): { from: Date; to: Date } {
  const end = to ?? defaults.now;
  const start = from ?? new Date(end.getTime() - defaults.spanMs);
  if (start.getTime() >= end.getTime()) {
    throw new ApiError('validation_failed', 'from: must be before to', { field: 'from' });
  }
  if (end.getTime() - start.getTime() > defaults.maxSpanMs) {
    const days = Math.round(defaults.maxSpanMs / 86_400_000);
    throw new ApiError('validation_failed', `to: the range may span at most ${days} days`, { field: 'to' });
  }
  return { from: start, to: end };
}
