// MQTT ingest: JSON readings and Sparkplug B, QoS 1 on a persistent session (clean: false, a
// fixed client id) so the broker keeps what arrives while ingest is away. A message is
// acknowledged only after its reading is queued (or dead-lettered): mqtt.js sends the PUBACK
// when handleMessage calls back, and reads no further packet until then, so a full writer
// queue slows the broker down instead of losing data. Nothing in a payload can crash this.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import sparkplug from 'sparkplug-payload';
import { QUALITY, type Reading } from '../../lib/domain/index.ts';
import { type Logger } from '../../lib/log/index.ts';
import type { Clock } from '../../lib/domain/index.ts';
import { badOption, requirePositiveInt } from '../errors.ts';
import type { IngestMeter } from '../meter-repository.ts';
import type { IngestMetrics } from '../metrics.ts';
import type { ReadingPipeline } from '../reading-pipeline.ts';
import type { ReadingWriter } from '../writer/index.ts';
import { JSON_READING_TOPIC_FILTER, meterCodeFromTopic, parseJsonReading } from './json-payload.ts';
import {
  createSparkplugSession,
  deviceDataTopic,
  parseSparkplugTopic,
  REBIRTH_METRIC,
  SPARKPLUG_FILTERS,
  SPARKPLUG_NAMESPACE,
  type SparkplugPayload,
  type SparkplugTopic,
} from './sparkplug-session.ts';

const spB = sparkplug.get(SPARKPLUG_NAMESPACE)!;

export interface MqttSubscriberOptions {
  url: string;
  /** fixed per ingest process: the broker keeps the session (and queued QoS 1 messages) under it */
  clientId: string;
  logger: Logger;
  clock: Clock;
  pipeline: ReadingPipeline;
  writer: Pick<ReadingWriter, 'deadLetter'>;
  metrics?: IngestMetrics;
  meters: readonly IngestMeter[];
  /**
   * Shared subscription group: several ingest processes with the same group split the JSON
   * load (`$share/<group>/kam/v1/meters/+/reading`). Sparkplug is never shared: seq tracking
   * needs every message of an edge node in one process.
   */
  sharedGroup?: string;
  /** larger payloads are dead letters (default 64 KiB; a reading is ~1 KiB) */
  maxPayloadBytes?: number;
  /** refuse readings stamped further ahead than this (default 5 min) */
  maxFutureMs?: number;
  /** at most one rebirth request per edge node this often (default 5 s) */
  rebirthMinIntervalMs?: number;
  subscribeSparkplug?: boolean;
  /** start() waits this long for the broker, then resolves and keeps connecting (default 10 s) */
  startTimeoutMs?: number;
  /** extra mqtt.js options (tls, username/password, ...) */
  clientOptions?: IClientOptions;
}

export interface MqttSubscriber {
  /**
   * Connects and subscribes; resolves once the subscriptions are granted, or after
   * startTimeoutMs with the client still trying (a broker outage never stops the rest of ingest).
   */
  start(): Promise<void>;
  /** The meters whose topics are routed (reload after the meters table changed). */
  setMeters(meters: readonly IngestMeter[]): Promise<void>;
  readonly connected: boolean;
  stop(): Promise<void>;
}

const STORED_PAYLOAD_BYTES = 4096;

export function createMqttSubscriber(options: MqttSubscriberOptions): MqttSubscriber {
  if (!options.clientId) throw badOption('clientId must be a non-empty string');
  requirePositiveInt('maxPayloadBytes', options.maxPayloadBytes);
  requirePositiveInt('rebirthMinIntervalMs', options.rebirthMinIntervalMs);
  if (options.sharedGroup !== undefined && !/^[^/+#]+$/.test(options.sharedGroup)) {
    throw badOption('sharedGroup must be a non-empty name without /, + or #');
  }
  const log = options.logger.child({ component: 'mqtt-subscriber', clientId: options.clientId });
  const maxPayloadBytes = options.maxPayloadBytes ?? 64 * 1024;
  const maxFutureMs = options.maxFutureMs ?? 5 * 60_000;
  const rebirthMinIntervalMs = options.rebirthMinIntervalMs ?? 5000;
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const session = createSparkplugSession();
  const lastRebirth = new Map<string, number>();
  let byTopic = new Map<string, IngestMeter>();
  let subscribed = new Set<string>();
  let client: MqttClient | undefined;

  const filtersFor = (meters: readonly IngestMeter[]): string[] => {
    const json = new Set<string>([JSON_READING_TOPIC_FILTER]);
    for (const m of meters) {
      if (m.protocol === 'mqtt' && m.payloadFormat === 'json' && m.topic && meterCodeFromTopic(m.topic) === undefined)
        json.add(m.topic);
    }
    const share = (f: string) => (options.sharedGroup ? `$share/${options.sharedGroup}/${f}` : f);
    const filters = [...json].map(share);
    if (options.subscribeSparkplug !== false) filters.push(...SPARKPLUG_FILTERS);
    return filters;
  };

  const deadLetter = (topic: string, payload: Buffer, reason: string, details: Record<string, unknown> = {}) => {
    log.warn({ topic, reason, bytes: payload.length }, 'MQTT message rejected');
    const stored = payload.length > STORED_PAYLOAD_BYTES ? payload.subarray(0, STORED_PAYLOAD_BYTES) : payload;
    options.writer.deadLetter({
      source: 'mqtt',
      topic,
      payload: Buffer.from(stored),
      reason,
      details: { bytes: payload.length, truncated: stored.length < payload.length, ...details },
    });
  };

  async function handleJson(topic: string, payload: Buffer): Promise<void> {
    const meter = byTopic.get(topic);
    if (!meter || meter.payloadFormat !== 'json') {
      deadLetter(topic, payload, `unknown meter topic: no active JSON meter publishes on ${topic}`);
      return;
    }
    const parsed = parseJsonReading(payload, { now: options.clock.now(), maxFutureMs });
    if (!parsed.ok) {
      deadLetter(topic, payload, parsed.reason, { meter: meter.code });
      return;
    }
    await options.pipeline.accept([{ meterId: meter.id, ts: parsed.ts, values: parsed.values, quality: 0 }], 'mqtt');
  }

  function requestRebirth(t: SparkplugTopic, reason: string): void {
    const node = `${t.group}/${t.edgeNode}`;
    const now = options.clock.now();
    if (now - (lastRebirth.get(node) ?? -Infinity) < rebirthMinIntervalMs) return;
    lastRebirth.set(node, now);
    options.metrics?.sparkplugRebirthsTotal.inc();
    log.info({ node, reason }, 'asking Sparkplug edge node to rebirth');
    const body = spB.encodePayload({
      timestamp: now,
      metrics: [{ name: REBIRTH_METRIC, type: 'Boolean', value: true }],
    });
    // Sparkplug B 3.0 [tck-id-topics-ncmd-qos]: NCMD is published with QoS 0, not retained.
    client?.publish(`${SPARKPLUG_NAMESPACE}/${t.group}/NCMD/${t.edgeNode}`, Buffer.from(body), {
      qos: 0,
      retain: false,
    });
  }

  async function handleSparkplug(topic: string, t: SparkplugTopic, payload: Buffer): Promise<void> {
    let decoded: SparkplugPayload;
    try {
      decoded = toPlain(spB.decodePayload(new Uint8Array(payload)));
    } catch (err) {
      deadLetter(topic, payload, `payload is not a Sparkplug B protobuf: ${(err as Error).message}`);
      return;
    }
    const outcome = session.handle(t, decoded, options.clock.now());
    if (outcome.rebirth) requestRebirth(t, outcome.rebirth.reason);
    if (outcome.reject) {
      deadLetter(topic, payload, outcome.reject.reason);
      return;
    }
    if (!outcome.readings || outcome.readings.length === 0 || !t.device) return;
    const meter = byTopic.get(deviceDataTopic({ group: t.group, edgeNode: t.edgeNode, device: t.device }));
    if (!meter || meter.payloadFormat !== 'sparkplug') {
      deadLetter(
        topic,
        payload,
        `unknown meter topic: no active Sparkplug meter is device ${t.group}/${t.edgeNode}/${t.device}`,
      );
      return;
    }
    const readings: Reading[] = outcome.readings.map((r) => ({
      meterId: meter.id,
      ts: new Date(r.ts),
      values: r.values,
      quality: r.arrivalTime ? QUALITY.ARRIVAL_TIME : 0,
    }));
    await options.pipeline.accept(readings, 'mqtt');
  }

  async function handleMessage(topic: string, payload: Buffer): Promise<void> {
    if (payload.length > maxPayloadBytes) {
      deadLetter(topic, payload, `payload too large: ${payload.length} bytes > ${maxPayloadBytes}`);
      return;
    }
    const spTopic = topic.startsWith(`${SPARKPLUG_NAMESPACE}/`) ? parseSparkplugTopic(topic) : undefined;
    if (spTopic) return handleSparkplug(topic, spTopic, payload);
    return handleJson(topic, payload);
  }

  async function subscribe(filters: string[]): Promise<void> {
    if (!client) return;
    const added = filters.filter((f) => !subscribed.has(f));
    const removed = [...subscribed].filter((f) => !filters.includes(f));
    if (added.length > 0) {
      const granted = await client.subscribeAsync(added, { qos: 1 });
      for (const g of granted) {
        // 0x80 = failure (MQTT 3.1.1 §3.9.3)
        if (g.qos === 128) log.error({ topic: g.topic }, 'broker refused subscription');
      }
    }
    if (removed.length > 0) await client.unsubscribeAsync(removed);
    subscribed = new Set(filters);
  }

  const indexMeters = (meters: readonly IngestMeter[]) => {
    byTopic = new Map(meters.filter((m) => m.protocol === 'mqtt' && m.topic).map((m) => [m.topic!, m]));
  };
  let currentMeters = options.meters;
  indexMeters(options.meters);

  return {
    async start() {
      const c = mqtt.connect(options.url, {
        clientId: options.clientId,
        clean: false,
        reconnectPeriod: 1000,
        connectTimeout: 10_000,
        resubscribe: true,
        ...options.clientOptions,
      });
      client = c;
      // Installed before the first CONNACK: a resumed session delivers its queued messages right
      // after it, and mqtt.js's default handler would acknowledge them unprocessed.
      c.handleMessage = (packet, done) => {
        const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
        handleMessage(packet.topic, payload).then(
          () => done(),
          (err: unknown) => {
            // Never crash on input; the message is kept with the reason.
            log.error({ err, topic: packet.topic }, 'MQTT message handling failed');
            try {
              deadLetter(packet.topic, payload, `ingest failed: ${(err as Error).message}`);
            } finally {
              done();
            }
          },
        );
      };
      c.on('error', (err) => log.warn({ err }, 'MQTT client error'));
      c.on('offline', () => log.warn('MQTT broker unreachable; reconnecting'));
      c.on('reconnect', () => log.debug('MQTT reconnecting'));
      const firstConnect = new Promise<void>((resolve) => {
        c.on('connect', (ack) => {
          log.info({ sessionPresent: ack.sessionPresent }, 'MQTT connected');
          // Subscriptions survive in a present session; (re)subscribing is harmless and covers a
          // broker that lost its state.
          subscribe(filtersFor(currentMeters)).then(resolve, (err: unknown) => {
            log.error({ err }, 'MQTT subscribe failed');
            resolve();
          });
        });
      });
      let timer: NodeJS.Timeout | undefined;
      const waited = await Promise.race([
        firstConnect.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(false), startTimeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (waited) log.info({ url: options.url, filters: [...subscribed] }, 'MQTT subscriber ready');
      else
        log.warn(
          { url: options.url, waitedMs: startTimeoutMs },
          'MQTT broker not reachable yet; subscribing once it is',
        );
    },
    async setMeters(meters) {
      currentMeters = meters;
      indexMeters(meters);
      if (client?.connected) await subscribe(filtersFor(meters));
    },
    get connected() {
      return client?.connected ?? false;
    },
    async stop() {
      const c = client;
      client = undefined;
      // keep the session: the broker queues QoS 1 messages for us until we come back
      if (c) await c.endAsync(false);
    },
  };
}

/** protobuf Longs → numbers (timestamps in ms and seq fit a double exactly). */
function toPlain(payload: ReturnType<typeof spB.decodePayload>): SparkplugPayload {
  const num = (v: unknown): number | null => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'number') return v;
    if (typeof v === 'object' && v !== null && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
    return null;
  };
  return {
    timestamp: num(payload.timestamp),
    seq: num(payload.seq),
    metrics: (payload.metrics ?? []).map((m) => ({
      name: m.name ?? null,
      alias: num(m.alias),
      timestamp: num(m.timestamp),
      isNull: m.isNull ?? null,
      value:
        typeof m.value === 'object' && m.value !== null && 'toNumber' in m.value
          ? (m.value as { toNumber(): number }).toNumber()
          : m.value,
    })),
  };
}
