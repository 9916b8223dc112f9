import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { KamError } from '../../lib/domain/index.ts';
import type { StreamStats } from './live-stream.ts';

// Prometheus metrics of the API in its own registry (never prom-client's global one, so several
// apps in one test process do not collide). /metrics merges in the registries other components
// pass to buildApi (ingest, rules, notifier) with Registry.merge.

export interface ApiMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status_code'>;
  stream: StreamStats;
  /** all registries merged, for one scrape */
  merged(): Registry;
}

export function createApiMetrics(options: { extra?: readonly Registry[]; processMetrics?: boolean }): ApiMetrics {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'kam_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status code',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const clients = new Gauge({
    name: 'kam_live_stream_clients',
    help: 'Open live-stream (SSE) connections',
    registers: [registry],
  });
  const events = new Counter({
    name: 'kam_live_stream_events_total',
    help: 'Events received from the bus, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const deliveries = new Counter({
    name: 'kam_live_stream_deliveries_total',
    help: 'Events written to live-stream clients, by type',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const extra = options.extra ?? [];
  const merged = () => (extra.length === 0 ? registry : Registry.merge([registry, ...extra]));
  try {
    merged();
  } catch (err) {
    // Registry.merge refuses two metrics with one name: say so at start, not at the first scrape
    throw new KamError('API_METRICS_CONFLICT', `metrics registries conflict: ${(err as Error).message}`, {
      cause: err,
    });
  }
  return {
    registry,
    httpDuration,
    merged,
    stream: {
      onClientsChanged: (n) => clients.set(n),
      onEvent: (type, n) => {
        events.inc({ type });
        if (n > 0) deliveries.inc({ type }, n);
      },
    },
  };
}
