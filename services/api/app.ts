import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { type Db, type Logger, readFleetStatus } from '../../lib/index.ts';

export interface ApiDeps {
  db: Db;
  logger: Logger;
  /** What this process runs, for /status (e.g. embedded database, broker, simulators). */
  components: () => Record<string, unknown>;
}

/**
 * Builds the HTTP app without listening (conventions.md §2): tests use app.inject().
 * Every route declares who may call it in `config.access`; the access-control issue turns that
 * into an enforced role check.
 */
export async function buildApi(deps: ApiDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger,
    disableRequestLogging: true,
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const statusCode = err.statusCode ?? 500;
    if (statusCode >= 500) request.log.error({ err }, 'request failed');
    // 5xx answers never leak internals (conventions.md §9).
    void reply.status(statusCode).send({
      error: statusCode >= 500 ? 'internal_error' : (err.code ?? 'bad_request'),
      message: statusCode >= 500 ? 'internal server error' : err.message,
    });
  });

  // Liveness: the process answers. Never touches the database, so a DB outage does not get
  // the process restarted by an orchestrator while ingest is spooling.
  app.get('/healthz', { config: { access: 'public' } }, async () => ({ status: 'ok' }));

  // Readiness: the database answers.
  app.get('/readyz', { config: { access: 'public' } }, async (_request, reply) => {
    try {
      await deps.db.query('SELECT 1');
      return { status: 'ready' };
    } catch {
      return reply.status(503).send({ status: 'unavailable', reason: 'database' });
    }
  });

  // Counts only, no names or contact data.
  app.get('/status', { config: { access: 'public' } }, async () => ({
    components: deps.components(),
    fleet: await readFleetStatus(deps.db),
  }));

  return app;
}
