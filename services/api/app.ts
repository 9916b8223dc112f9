import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  LogController,
  type RouteOptions,
} from 'fastify';
import type { Registry } from 'prom-client';
import { type Db } from '../../lib/db/index.ts';
import { type Clock, dateOf, KamError, systemClock } from '../../lib/domain/index.ts';
import { type Logger } from '../../lib/log/index.ts';
import { authenticate, challenge } from './auth/authenticate.ts';
import type { RouteRoles } from './auth/roles.ts';
import { type ApiContext, type AuthSettings, DEFAULT_AUTH } from './context.ts';
import { ApiError } from './errors.ts';
import { type LiveEventBus, LiveStreamHub } from './live-stream.ts';
import { createApiMetrics } from './metrics.ts';
import { registerAlertRoutes } from './routes/alerts.routes.ts';
import { registerAuthRoutes } from './routes/auth.routes.ts';
import { registerFleetRoutes } from './routes/fleet.routes.ts';
import { registerServiceRecordRoutes } from './routes/service-records.routes.ts';
import { registerSystemRoutes } from './routes/system.routes.ts';

export interface ApiDeps {
  db: Db;
  logger: Logger;
  /** What this process runs, for /status (e.g. embedded database, broker, simulators). */
  components: () => Record<string, unknown>;
  /** In-process bus carrying `reading` and `alert` events to the live stream (none: the stream stays quiet). */
  events?: LiveEventBus;
  /** Registries of other components (ingest, rules, notifier), merged into /metrics. */
  metricsRegistries?: readonly Registry[];
  /** Process metrics (CPU, memory, event loop) in the API's registry; turn off if another registry has them. */
  processMetrics?: boolean;
  /** Time for "today", default ranges, completeness, login throttling; default the system clock. */
  clock?: Clock;
  auth?: Partial<AuthSettings>;
}

export interface RouteEntry {
  method: string;
  url: string;
  roles: RouteRoles | undefined;
}

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));
const UPLOT_DIR = join(dirname(createRequire(import.meta.url).resolve('uplot/package.json')), 'dist');
const DASHBOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
const routeTables = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route with the roles it declares (HEAD twins of GET routes left out). */
export function routeTableOf(app: FastifyInstance): RouteEntry[] {
  return routeTables.get(app) ?? [];
}

/**
 * Builds the HTTP app without listening (conventions.md §2): tests use app.inject().
 * Every route declares who may call it in `config.roles` ('public' or a list of roles); a route
 * without it makes `ready()` (and so listen/inject) fail, so no route is ever open by accident.
 */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const logger = deps.logger.child({ component: 'api' });
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 256 * 1024,
    routerOptions: { ignoreTrailingSlash: true },
  });

  const metrics = createApiMetrics({ extra: deps.metricsRegistries, processMetrics: deps.processMetrics });
  const clock = deps.clock ?? systemClock;
  const hub = new LiveStreamHub({ db: deps.db, logger, bus: deps.events, stats: metrics.stream, clock });
  const ctx: ApiContext = {
    db: deps.db,
    logger,
    clock,
    now: () => dateOf(clock),
    hub,
    metrics,
    components: deps.components,
    auth: { ...DEFAULT_AUTH, ...deps.auth },
  };

  // ---- the route table and the "every route declares its roles" rule -------------------------
  const routes: Array<RouteOptions> = [];
  routeTables.set(app, []);
  app.addHook('onRoute', (route) => {
    routes.push(route);
  });
  app.addHook('onReady', async () => {
    const table = routes
      .filter((r) => !(r.method === 'HEAD' && routes.some((g) => g.method === 'GET' && g.url === r.url)))
      .map((r) => ({ method: String(r.method), url: r.url, roles: r.config?.roles }));
    const undeclared = table.filter((r) => r.roles === undefined);
    if (undeclared.length > 0) {
      throw new KamError(
        'API_ROUTE_WITHOUT_ROLES',
        `routes without config.roles: ${undeclared.map((r) => `${r.method} ${r.url}`).join(', ')}`,
      );
    }
    routeTables.set(app, table);
  });

  // ---- errors: one handler, one shape { error, message, field? } --------------------------------
  app.setErrorHandler((err: FastifyError | ApiError, request, reply) => {
    if (err instanceof ApiError) {
      if (err.statusCode === 401) challenge(reply);
      if (err.statusCode === 403) {
        request.log.warn(
          {
            userId: request.principal?.userId,
            role: request.principal?.role,
            method: request.method,
            route: request.routeOptions.url,
          },
          'access denied',
        );
      }
      return reply
        .status(err.statusCode)
        .send({ error: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) });
    }
    const statusCode = (err as FastifyError).statusCode ?? 500;
    if (statusCode >= 500) {
      request.log.error({ err }, 'request failed');
      // 5xx answers never leak internals (conventions.md §9).
      return reply.status(500).send({ error: 'internal_error', message: 'internal server error' });
    }
    const code = FASTIFY_CODES[statusCode] ?? 'bad_request';
    const field = code === 'validation_failed' ? 'body' : undefined;
    return reply.status(statusCode).send({ error: code, message: err.message, ...(field ? { field } : {}) });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` }),
  );
  // zod validates (route.ts); the JSON Schemas on routes only document.
  app.setValidatorCompiler(() => (data) => ({ value: data }));

  // ---- metrics, authentication and route-level authorisation -------------------------------------
  app.addHook('onResponse', async (request, reply) => {
    metrics.httpDuration.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.addHook('onRequest', async (request) => {
    const roles = request.routeOptions.config?.roles;
    if (roles === undefined || roles === 'public') return;
    const principal = await authenticate(deps.db, request);
    if (!principal) throw new ApiError('unauthenticated', 'login or an API token is required');
    request.principal = principal;
    if (!roles.includes(principal.role)) {
      throw new ApiError('forbidden', `role ${principal.role} may not ${request.method} ${request.routeOptions.url}`);
    }
  });

  // ---- OpenAPI document, docs UI, dashboard files: public, declared by a wrapping plugin ---------
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Key-Account Monitor API',
        version: '1.0.0',
        description:
          'Key accounts, meters, load curves, alerts and service records. Errors: `{ error, message, field? }`. ' +
          'Log in (POST /api/auth/login, session cookie) or send `Authorization: Bearer <API token>`. ' +
          'Each operation lists the roles it allows in `x-roles`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'kam_session' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(async (publicScope) => {
    publicScope.addHook('onRoute', (route) => {
      route.config = { ...route.config, roles: route.config?.roles ?? 'public' };
    });
    await publicScope.register(fastifySwaggerUi, { routePrefix: '/docs' });
    await publicScope.register(fastifyStatic, {
      root: PUBLIC_DIR,
      prefix: '/',
      index: 'index.html',
      maxAge: '5m',
      // the dashboard loads only its own files: no inline scripts, no third-party origins
      setHeaders: (res) => {
        void res.header('content-security-policy', DASHBOARD_CSP);
        void res.header('x-content-type-options', 'nosniff');
        void res.header('referrer-policy', 'same-origin');
      },
    });
    await publicScope.register(fastifyStatic, {
      root: UPLOT_DIR,
      prefix: '/vendor/uplot/',
      decorateReply: false,
      allowedPath: (path) => /^\/uPlot\.(esm\.js|min\.css)$/.test(path),
      maxAge: '1d',
    });
  });

  registerSystemRoutes(app, ctx);
  registerAuthRoutes(app, ctx);
  registerFleetRoutes(app, ctx);
  registerAlertRoutes(app, ctx);
  registerServiceRecordRoutes(app, ctx);

  app.addHook('onReady', async () => hub.start());
  app.addHook('preClose', async () => hub.stop());

  return app;
}

const FASTIFY_CODES: Record<number, string> = {
  400: 'validation_failed',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
};
