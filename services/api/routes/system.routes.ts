import type { FastifyInstance } from 'fastify';
import { readFleetStatus } from '../../../lib/db/index.ts';
import { ALL_ROLES } from '../auth/roles.ts';
import type { ApiContext } from '../context.ts';
import { defineRoute } from '../route.ts';

export function registerSystemRoutes(app: FastifyInstance, ctx: ApiContext): void {
  // Liveness: the process answers. Never touches the database, so a DB outage does not get
  // the process restarted by an orchestrator while ingest is spooling.
  defineRoute(app, {
    method: 'GET',
    url: '/healthz',
    roles: 'public',
    tags: ['system'],
    summary: 'Liveness: the process answers',
    handler: async () => ({ status: 'ok' }),
  });

  // Readiness: the database answers.
  defineRoute(app, {
    method: 'GET',
    url: '/readyz',
    roles: 'public',
    tags: ['system'],
    summary: 'Readiness: the database answers',
    handler: async ({ reply }) => {
      try {
        await ctx.db.query('SELECT 1');
        return { status: 'ready' };
      } catch {
        return reply.status(503).send({ status: 'unavailable', reason: 'database' });
      }
    },
  });

  // Counts only, no names or contact data.
  defineRoute(app, {
    method: 'GET',
    url: '/status',
    roles: 'public',
    tags: ['system'],
    summary: 'What runs and fleet counts (no names)',
    handler: async () => ({ components: ctx.components(), fleet: await readFleetStatus(ctx.db) }),
  });

  // Scraped with an API token of an ops user (Authorization: Bearer ...).
  defineRoute(app, {
    method: 'GET',
    url: '/metrics',
    roles: ['ops', 'admin'],
    tags: ['system'],
    summary: 'Prometheus metrics: HTTP, live stream, and the registries of ingest/rules/notifier',
    produces: ['text/plain'],
    handler: async ({ reply }) => {
      const registry = ctx.metrics.merged();
      return reply.header('content-type', registry.contentType).send(await registry.metrics());
    },
  });

  defineRoute(app, {
    method: 'GET',
    url: '/api/stream',
    roles: ALL_ROLES,
    tags: ['live'],
    summary: 'Server-Sent Events: `reading` and `alert` events of the accounts the caller may see',
    description:
      'Events: `ready` once subscribed, then `reading` (meterId, accountId, ts, values) and `alert` (alertId, accountId, state, action). ' +
      'Heartbeat comments every 15 s. EventSource reconnects by itself; reload state from the REST routes after a reconnect.',
    produces: ['text/event-stream'],
    handler: async ({ reply, request, user }) => {
      const accounts = await ctx.hub.subscriptionFor(user);
      reply.hijack();
      ctx.hub.open(reply.raw, user, accounts);
      request.log.debug({ userId: user.userId }, 'live stream opened');
    },
  });
}
