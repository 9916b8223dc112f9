// Prometheus metrics of ingest (prom-client). Each ingest instance owns its Registry, so two
// instances in one process (tests, the bench) never collide on metric names; the API serves
// `metrics.registry` on /metrics.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface IngestMetrics {
  readonly registry: Registry;
  /** rate() of this is readings/s */
  readonly readingsTotal: Counter<'source'>;
  /** readings committed to the database (new rows; replays that were no-ops are not counted) */
  readonly readingsWrittenTotal: Counter;
  readonly batchDuration: Histogram;
  readonly queueDepth: Gauge;
  readonly spoolBytes: Gauge;
  readonly spoolReadings: Gauge;
  readonly deadLettersTotal: Counter<'source'>;
  readonly meterLastSeen: Gauge<'meter'>;
  readonly modbusRequestsTotal: Counter<'outcome'>;
  readonly sparkplugRebirthsTotal: Counter;
}

export function createIngestMetrics(registry: Registry = new Registry()): IngestMetrics {
  return {
    registry,
    readingsTotal: new Counter({
      name: 'kam_ingest_readings_total',
      help: 'Readings accepted by ingest, by source (modbus, mqtt)',
      labelNames: ['source'],
      registers: [registry],
    }),
    readingsWrittenTotal: new Counter({
      name: 'kam_ingest_readings_written_total',
      help: 'Readings newly committed to the readings table',
      registers: [registry],
    }),
    batchDuration: new Histogram({
      name: 'kam_ingest_batch_duration_seconds',
      help: 'Time to commit one batch of readings to the database',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({
      name: 'kam_ingest_queue_depth',
      help: 'Readings waiting in memory for the writer',
      registers: [registry],
    }),
    spoolBytes: new Gauge({
      name: 'kam_ingest_spool_bytes',
      help: 'Bytes of readings spooled on disk while the database was unreachable',
      registers: [registry],
    }),
    spoolReadings: new Gauge({
      name: 'kam_ingest_spool_readings',
      help: 'Readings spooled on disk and not yet committed',
      registers: [registry],
    }),
    deadLettersTotal: new Counter({
      name: 'kam_ingest_dead_letters_total',
      help: 'Rejected inputs written to dead_letters, by source',
      labelNames: ['source'],
      registers: [registry],
    }),
    meterLastSeen: new Gauge({
      name: 'kam_ingest_meter_last_seen_timestamp_seconds',
      help: 'Reading time of the newest reading per meter (unix seconds)',
      labelNames: ['meter'],
      registers: [registry],
    }),
    modbusRequestsTotal: new Counter({
      name: 'kam_ingest_modbus_requests_total',
      help: 'Modbus read requests by outcome (ok, timeout, exception, connection)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    sparkplugRebirthsTotal: new Counter({
      name: 'kam_ingest_sparkplug_rebirth_requests_total',
      help: 'NCMD Node Control/Rebirth requests sent (seq gap or data before birth)',
      registers: [registry],
    }),
  };
}
