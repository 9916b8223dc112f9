import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { principalOf, requireVisible } from '../access.ts';
import type { ApiContext } from '../context.ts';
import {
  createServiceRecord,
  deleteServiceRecord,
  getServiceRecord,
  listServiceRecords,
  SERVICE_KINDS,
  updateServiceRecord,
} from '../repositories/service-record-repository.ts';
import { cursor, decodeCursor, defineRoute, id, isoTime, limit, toPage } from '../route.ts';

// Service records belong to the account manager's work: managers (own accounts) and admins write,
// dispatchers and the customer (own account) read.
const READERS = ['dispatcher', 'account_manager', 'ops', 'admin', 'customer'] as const;
const WRITERS = ['account_manager', 'admin'] as const;

const summary = z.string().trim().min(1).max(4000);

export function registerServiceRecordRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { db } = ctx;

  defineRoute(app, {
    method: 'GET',
    url: '/api/accounts/:accountId/service-records',
    roles: READERS,
    tags: ['service records'],
    summary: 'Visits, calls and revisits of an account, newest first',
    params: z.object({ accountId: id }),
    query: z.object({
      kind: z.enum(SERVICE_KINDS).optional(),
      from: isoTime.optional(),
      to: isoTime.optional(),
      limit: limit(500, 50),
      cursor,
    }),
    handler: async ({ params, query, request }) => {
      await requireVisible(db, request, 'account', params.accountId);
      const after = decodeCursor(query.cursor, z.object({ t: z.iso.datetime(), id: z.number().int() }));
      const rows = await listServiceRecords(db, params.accountId, {
        kind: query.kind,
        from: query.from,
        to: query.to,
        after: after ? { occurredAt: new Date(after.t), id: after.id } : undefined,
        limit: query.limit,
      });
      return toPage(rows, query.limit, (last) => ({ t: last.occurredAt.toISOString(), id: last.id }));
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/accounts/:accountId/service-records',
    roles: WRITERS,
    tags: ['service records'],
    summary: 'Record a visit, call or revisit (a revisit names the record it follows up)',
    params: z.object({ accountId: id }),
    body: z.object({
      kind: z.enum(SERVICE_KINDS),
      occurredAt: isoTime,
      summary,
      followUpOf: id.nullable().optional(),
      alertId: id.nullable().optional(),
    }),
    handler: async ({ params, body, request, reply }) => {
      await requireVisible(db, request, 'account', params.accountId);
      const record = await createServiceRecord(db, {
        ...body,
        accountId: params.accountId,
        createdBy: `user:${principalOf(request).username}`,
      });
      return reply.status(201).send(record);
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/service-records/:recordId',
    roles: READERS,
    tags: ['service records'],
    summary: 'One service record',
    params: z.object({ recordId: id }),
    handler: async ({ params, request }) => {
      await requireVisible(db, request, 'serviceRecord', params.recordId);
      return getServiceRecord(db, params.recordId);
    },
  });

  defineRoute(app, {
    method: 'PATCH',
    url: '/api/service-records/:recordId',
    roles: WRITERS,
    tags: ['service records'],
    summary: 'Change a service record',
    params: z.object({ recordId: id }),
    body: z
      .object({
        kind: z.enum(SERVICE_KINDS).optional(),
        occurredAt: isoTime.optional(),
        summary: summary.optional(),
        followUpOf: id.nullable().optional(),
        alertId: id.nullable().optional(),
      })
      .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
    handler: async ({ params, body, request }) => {
      const accountId = await requireVisible(db, request, 'serviceRecord', params.recordId);
      return updateServiceRecord(db, params.recordId, accountId, body);
    },
  });

  defineRoute(app, {
    method: 'DELETE',
    url: '/api/service-records/:recordId',
    roles: WRITERS,
    tags: ['service records'],
    summary: 'Delete a service record',
    params: z.object({ recordId: id }),
    handler: async ({ params, request, reply }) => {
      await requireVisible(db, request, 'serviceRecord', params.recordId);
      await deleteServiceRecord(db, params.recordId);
      return reply.status(204).send();
    },
  });
}
