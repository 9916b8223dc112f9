import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ALERT_KINDS, SEVERITIES } from '../../../lib/domain/index.ts';
import { ALERT_STATES } from '../../alerts/index.ts';
import { principalOf, requireVisible, scopeOfRequest } from '../access.ts';
import { ALL_ROLES, type Principal } from '../auth/roles.ts';
import type { ApiContext } from '../context.ts';
import { alertCommands, type AlertView, getAlert, listAlerts } from '../alert-view.ts';
import { cursor, decodeCursor, defineRoute, id, isoTime, limit, toPage } from '../route.ts';

/** `a,b,c` or repeated parameters → a checked list. */
const listOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)).min(1));

const actorOf = (p: Principal) => `user:${p.username}`;
const note = z.string().trim().min(1).max(4000);

export function registerAlertRoutes(app: FastifyInstance, ctx: ApiContext): void {
  const { db } = ctx;
  const commands = alertCommands(db, { clock: ctx.clock });
  const publish = (a: AlertView, action: string) =>
    ctx.hub.publishAlert({
      alertId: a.id,
      accountId: a.accountId,
      meterId: a.meterId,
      kind: a.kind,
      severity: a.severity,
      state: a.state,
      action,
      at: ctx.now(),
    });

  defineRoute(app, {
    method: 'GET',
    url: '/api/alerts',
    roles: ALL_ROLES,
    tags: ['alerts'],
    summary: 'Alerts the caller may see, newest first; filter by state, kind, severity, account, meter, opened time',
    query: z.object({
      state: listOf(ALERT_STATES).optional(),
      kind: listOf(ALERT_KINDS).optional(),
      severity: listOf(SEVERITIES).optional(),
      accountId: id.optional(),
      meterId: id.optional(),
      from: isoTime.optional(),
      to: isoTime.optional(),
      limit: limit(500, 50),
      cursor,
    }),
    handler: async ({ query, request }) => {
      const after = decodeCursor(query.cursor, z.object({ t: z.iso.datetime(), id: z.number().int() }));
      const rows = await listAlerts(db, scopeOfRequest(request), {
        states: query.state,
        kinds: query.kind,
        severities: query.severity,
        accountId: query.accountId,
        meterId: query.meterId,
        openedFrom: query.from,
        openedBefore: query.to,
        after: after ? { openedAt: new Date(after.t), id: after.id } : undefined,
        limit: query.limit,
      });
      return toPage(rows, query.limit, (last) => ({ t: last.openedAt.toISOString(), id: last.id }));
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/alerts/:alertId',
    roles: ALL_ROLES,
    tags: ['alerts'],
    summary: 'One alert with its audit trail',
    params: z.object({ alertId: id }),
    handler: async ({ params, request }) => {
      await requireVisible(db, request, 'alert', params.alertId);
      return getAlert(db, params.alertId);
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/alerts/:alertId/acknowledge',
    roles: ['dispatcher', 'account_manager', 'ops', 'admin'],
    tags: ['alerts'],
    summary: 'Acknowledge an open alert (idempotent; a resolved alert answers 409)',
    params: z.object({ alertId: id }),
    body: z.object({ note: note.optional() }).default({}),
    handler: async ({ params, body, request }) => {
      await requireVisible(db, request, 'alert', params.alertId);
      const alert = await commands.acknowledge(params.alertId, actorOf(principalOf(request)), body.note);
      publish(alert, 'acknowledged');
      return alert;
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/alerts/:alertId/comments',
    roles: ['dispatcher', 'account_manager', 'ops', 'admin'],
    tags: ['alerts'],
    summary: 'Comment on an alert (kept in its audit trail)',
    params: z.object({ alertId: id }),
    body: z.object({ note }),
    handler: async ({ params, body, request, reply }) => {
      await requireVisible(db, request, 'alert', params.alertId);
      const event = await commands.comment(params.alertId, actorOf(principalOf(request)), body.note);
      publish(await getAlert(db, params.alertId), 'commented');
      return reply.status(201).send(event);
    },
  });

  defineRoute(app, {
    method: 'POST',
    url: '/api/alerts/:alertId/resolve',
    roles: ['dispatcher', 'account_manager', 'admin'],
    tags: ['alerts'],
    summary: 'Resolve an alert with a note (409 when already resolved)',
    params: z.object({ alertId: id }),
    body: z.object({ note }),
    handler: async ({ params, body, request }) => {
      await requireVisible(db, request, 'alert', params.alertId);
      const alert = await commands.resolve(params.alertId, actorOf(principalOf(request)), body.note);
      publish(alert, 'resolved');
      return alert;
    },
  });
}
