// MQTT ingest against a real broker: the embedded one (aedes) always, and the Mosquitto at
// MQTT_URL when set. JSON readings, malformed input → dead_letters, Sparkplug B with seq
// tracking and rebirth requests, the persistent session across a restart.
import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';
import sparkplug from 'sparkplug-payload';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUALITY } from '../../../lib/domain/index.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../lib/mqtt/index.ts';
import { startIngest, type RunningIngest } from '../../../ingest/index.ts';
import { waitFor } from '../../support/wait-for.ts';
import { insertMeters, makeTempDir, openIngestDb, silentLogger, type IngestTestDb } from './ingest-fixtures.ts';
import { BACKENDS } from '../../support/databases.ts';

describe.each(BACKENDS)('on $name', (backend) => {
  const spB = sparkplug.get('spBv1.0')!;

  interface Broker {
    name: string;
    url: () => string;
    start(): Promise<void>;
    stop(): Promise<void>;
  }

  let embedded: EmbeddedBroker | undefined;
  const BROKERS: Broker[] = [
    {
      name: 'embedded broker (aedes)',
      url: () => embedded!.url,
      start: async () => {
        embedded = await startEmbeddedBroker();
      },
      stop: async () => embedded?.stop(),
    },
    ...(process.env.MQTT_URL
      ? [
          {
            name: `Mosquitto at ${process.env.MQTT_URL}`,
            url: () => process.env.MQTT_URL!,
            start: async () => {},
            stop: async () => {},
          },
        ]
      : []),
  ];

  /** Drops a persistent session from the broker (a clean connect under the same client id). */
  async function clearSession(url: string, clientId: string): Promise<void> {
    const c = await mqtt.connectAsync(url, { clientId, clean: true });
    await c.endAsync();
  }

  describe.each(BROKERS)('MQTT ingest via $name', (broker) => {
    const run = randomBytes(3).toString('hex');
    const jsonCode = `mq-json-${run}`;
    const jsonTopic = `kam/v1/meters/${jsonCode}/reading`;
    const group = `kam-test-${run}`;
    const spTopic = (type: string, device?: string) => `spBv1.0/${group}/${type}/edge1${device ? `/${device}` : ''}`;
    let t: IngestTestDb;
    let ingest: RunningIngest;
    let publisher: MqttClient;
    let ids: Record<string, number>;
    const temp = makeTempDir('kam-mqtt-ingest-');
    const clientId = `kam-ingest-test-${run}`;

    const start = () =>
      startIngest({
        db: t.db,
        logger: silentLogger,
        spoolDir: temp.dir,
        mqttUrl: broker.url(),
        mqttClientId: clientId,
        writer: { flushIntervalMs: 20 },
        meterReloadIntervalMs: 0,
        mqtt: { rebirthMinIntervalMs: 1 },
      });
    const publish = (topic: string, payload: string | Buffer) => publisher.publishAsync(topic, payload, { qos: 1 });
    const readingsOf = (code: string) =>
      t.db.query<{
        ts: Date;
        power_kw: number | null;
        voltage_a_v: number | null;
        import_kwh: number | null;
        quality: number;
      }>('SELECT ts, power_kw, voltage_a_v, import_kwh, quality FROM readings WHERE meter_id = $1 ORDER BY ts', [
        ids[code],
      ]);
    // Only this run's topics: on a shared broker (Mosquitto) other suites publish too, and ingest
    // rightly dead-letters their messages as unknown meter topics.
    const deadLetters = () =>
      t.db.query<{ topic: string; reason: string; payload: Buffer; source: string }>(
        'SELECT topic, reason, payload, source FROM dead_letters WHERE strpos(topic, $1) > 0 ORDER BY id',
        [run],
      );

    beforeAll(async () => {
      await broker.start();
      t = await openIngestDb({ backend });
      ids = await insertMeters(t.db, t.accountId, [
        { code: jsonCode, protocol: 'mqtt', topic: jsonTopic, payloadFormat: 'json' },
        { code: `mq-sp-${run}`, protocol: 'mqtt', topic: spTopic('DDATA', 'meter1'), payloadFormat: 'sparkplug' },
      ]);
      ingest = await start();
      publisher = await mqtt.connectAsync(broker.url(), { clientId: `kam-test-pub-${run}` });
    });
    afterAll(async () => {
      await publisher?.endAsync();
      await ingest?.stop();
      await clearSession(broker.url(), clientId).catch(() => {});
      await t?.close();
      await broker.stop();
      temp.remove();
    });

    it('stores a JSON reading with its own timestamp and values', async () => {
      await publish(
        jsonTopic,
        JSON.stringify({
          ts: '2026-03-10T08:15:00+08:00',
          values: { powerKw: 512.5, voltageAV: 231.2, importKwh: 1000.25 },
        }),
      );
      const { rows } = await waitFor(async () => {
        const r = await readingsOf(jsonCode);
        return r.rows.length > 0 && r;
      });
      expect(rows[0]!.ts).toEqual(new Date('2026-03-10T00:15:00Z'));
      expect(rows[0]!.power_kw).toBeCloseTo(512.5, 3);
      expect(rows[0]!.voltage_a_v).toBeCloseTo(231.2, 3);
      expect(rows[0]!.import_kwh).toBe(1000.25);
      expect(rows[0]!.quality).toBe(0);
    });

    it('keeps malformed payloads in dead_letters with a reason naming the field, and keeps going', async () => {
      const cases: Array<[string, string | Buffer, RegExp]> = [
        [jsonTopic, '{"ts": "2026-03-10T00:16:00Z", "values": {', /^payload is not JSON/],
        [jsonTopic, JSON.stringify({ ts: '2026-03-10T00:16:00Z', values: { powerKw: 'high' } }), /^values\.powerKw: /],
        [jsonTopic, JSON.stringify({ values: { powerKw: 5 } }), /^ts: /],
        [jsonTopic, JSON.stringify({ ts: 'yesterday', values: { powerKw: 5 } }), /^ts: /],
        [
          jsonTopic,
          JSON.stringify({ ts: '2026-03-10T00:16:00Z', values: { powerKw: 5, voltsA: 230 } }),
          /^values: .*voltsA/,
        ],
        [jsonTopic, JSON.stringify({ ts: '2026-03-10T00:16:00Z', values: { pf: 1.7 } }), /^values\.pf: /],
        [jsonTopic, Buffer.alloc(200 * 1024, 0x20), /^payload too large: 204800 bytes/],
        [
          `kam/v1/meters/no-such-meter-${run}/reading`,
          JSON.stringify({ ts: '2026-03-10T00:16:00Z', values: { powerKw: 5 } }),
          /^unknown meter topic/,
        ],
        [
          spTopic('DDATA', 'ghost'),
          Buffer.from('not protobuf at all, really'),
          /Sparkplug B protobuf|unknown meter topic/,
        ],
      ];
      for (const [topic, payload] of cases) await publish(topic, payload);
      // and a good one afterwards still goes through
      await publish(jsonTopic, JSON.stringify({ ts: '2026-03-10T00:17:00Z', values: { powerKw: 600 } }));
      await waitFor(async () => (await readingsOf(jsonCode)).rows.length === 2);
      await ingest.writer.flush();
      const { rows } = await waitFor(async () => {
        const r = await deadLetters();
        return r.rows.length >= cases.length && r;
      });
      expect(rows).toHaveLength(cases.length);
      cases.forEach(([topic, payload, reason], i) => {
        expect(rows[i]!.topic).toBe(topic);
        expect(rows[i]!.source).toBe('mqtt');
        expect(rows[i]!.reason).toMatch(reason);
        const raw = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
        expect(rows[i]!.payload.equals(raw.subarray(0, 4096))).toBe(true);
      });
      expect(ingest.subscriber!.connected).toBe(true);
    });

    it('ingests Sparkplug B DBIRTH/DDATA by metric timestamp and asks for a rebirth on a seq gap or data before birth', async () => {
      const spCode = `mq-sp-${run}`;
      const cmd = await mqtt.connectAsync(broker.url(), { clientId: `kam-test-edge-${run}` });
      const commands: Array<{ topic: string; names: string[] }> = [];
      cmd.on('message', (topic, payload) => {
        commands.push({
          topic,
          names: (spB.decodePayload(new Uint8Array(payload)).metrics ?? []).map((m) => m.name ?? ''),
        });
      });
      await cmd.subscribeAsync(`spBv1.0/${group}/NCMD/+`, { qos: 0 });
      try {
        const ts1 = Date.parse('2026-03-10T01:00:00Z');
        const enc = (p: Parameters<typeof spB.encodePayload>[0]) => Buffer.from(spB.encodePayload(p));
        await publish(
          spTopic('NBIRTH'),
          enc({ timestamp: ts1, seq: 0, metrics: [{ name: 'bdSeq', type: 'UInt64', value: 0 }] }),
        );
        await publish(
          spTopic('DBIRTH', 'meter1'),
          enc({
            timestamp: ts1,
            seq: 1,
            metrics: [
              { name: 'Meter/powerKw', alias: 1, type: 'Float', value: 100, timestamp: ts1 },
              { name: 'Meter/voltageAV', alias: 2, type: 'Float', value: 230, timestamp: ts1 },
            ],
          }),
        );
        const ts2 = ts1 + 15_000;
        // DDATA by alias only, metric timestamps are the reading time
        await publish(
          spTopic('DDATA', 'meter1'),
          enc({
            timestamp: ts2 + 500,
            seq: 2,
            metrics: [
              { alias: 1, type: 'Float', value: 101, timestamp: ts2 },
              { alias: 2, type: 'Float', value: 231, timestamp: ts2 },
            ],
          }),
        );
        const { rows } = await waitFor(async () => {
          const r = await readingsOf(spCode);
          return r.rows.length >= 2 && r;
        });
        expect(rows.map((r) => [r.ts.getTime(), r.power_kw, r.voltage_a_v])).toEqual([
          [ts1, 100, 230],
          [ts2, 101, 231],
        ]);
        expect(commands).toEqual([]);

        // seq 3 and 4 lost: gap → rebirth request; the data itself is still good
        const ts3 = ts2 + 15_000;
        await publish(
          spTopic('DDATA', 'meter1'),
          enc({ seq: 5, metrics: [{ alias: 1, type: 'Float', value: 102, timestamp: ts3 }] }),
        );
        await waitFor(async () => commands.length >= 1);
        expect(commands[0]).toEqual({ topic: `spBv1.0/${group}/NCMD/edge1`, names: ['Node Control/Rebirth'] });
        await waitFor(async () => (await readingsOf(spCode)).rows.length === 3);

        // an edge node never born: data before birth → rebirth request to that node
        await publish(
          `spBv1.0/${group}/DDATA/edge2/meter9`,
          enc({ seq: 7, metrics: [{ name: 'powerKw', type: 'Float', value: 1, timestamp: ts3 }] }),
        );
        await waitFor(async () => commands.some((c) => c.topic === `spBv1.0/${group}/NCMD/edge2`));
        // metric without any timestamp → arrival time, flagged
        await publish(spTopic('DDATA', 'meter1'), enc({ seq: 6, metrics: [{ alias: 1, type: 'Float', value: 103 }] }));
        const flagged = await waitFor(async () => {
          const r = await readingsOf(spCode);
          return r.rows.find((x) => x.power_kw === 103);
        });
        expect(flagged.quality & QUALITY.ARRIVAL_TIME).toBe(QUALITY.ARRIVAL_TIME);
      } finally {
        await cmd.endAsync();
      }
    });

    it('loses nothing across an ingest restart: the broker keeps the persistent session', async () => {
      await ingest.stop();
      await publish(jsonTopic, JSON.stringify({ ts: '2026-03-10T00:30:00Z', values: { powerKw: 777 } }));
      ingest = await start();
      const row = await waitFor(async () => (await readingsOf(jsonCode)).rows.find((r) => r.power_kw === 777));
      expect(row.ts).toEqual(new Date('2026-03-10T00:30:00Z'));
    });
  });

  describe.skipIf(!process.env.MQTT_URL)('MQTT shared subscriptions on a real broker (MQTT_URL)', () => {
    const url = process.env.MQTT_URL!;
    const run = randomBytes(3).toString('hex');
    const code = `mq-shared-${run}`;
    const topic = `kam/v1/meters/${code}/reading`;
    let t: IngestTestDb;
    const temps = [makeTempDir('kam-mqtt-shared-a-'), makeTempDir('kam-mqtt-shared-b-')];
    const instances: RunningIngest[] = [];
    const clientIds = [`kam-ingest-a-${run}`, `kam-ingest-b-${run}`];

    beforeAll(async () => {
      t = await openIngestDb({ backend });
      await insertMeters(t.db, t.accountId, [{ code, protocol: 'mqtt', topic, payloadFormat: 'json' }]);
      for (let i = 0; i < 2; i++) {
        instances.push(
          await startIngest({
            db: t.db,
            logger: silentLogger,
            spoolDir: temps[i]!.dir,
            mqttUrl: url,
            mqttClientId: clientIds[i],
            mqttSharedGroup: `kam-ingest-${run}`,
            writer: { flushIntervalMs: 20 },
            meterReloadIntervalMs: 0,
            mqtt: { subscribeSparkplug: false },
          }),
        );
      }
    });
    afterAll(async () => {
      for (const i of instances) await i.stop();
      for (const id of clientIds) await clearSession(url, id).catch(() => {});
      await t?.close();
      for (const d of temps) d.remove();
    });

    it('splits the readings between two ingest processes, each stored exactly once', async () => {
      const pub = await mqtt.connectAsync(url, { clientId: `kam-test-pub-${run}` });
      const n = 40;
      try {
        for (let i = 0; i < n; i++) {
          const ts = new Date(Date.parse('2026-03-11T00:00:00Z') + i * 15_000).toISOString();
          await pub.publishAsync(topic, JSON.stringify({ ts, values: { powerKw: i } }), { qos: 1 });
        }
      } finally {
        await pub.endAsync();
      }
      const counted = async () => {
        const { rows } = await t.db.query<{ n: number; d: number }>(
          'SELECT count(*)::int n, count(DISTINCT ts)::int d FROM readings r JOIN meters m ON m.id = r.meter_id WHERE m.code = $1',
          [code],
        );
        return rows[0]!;
      };
      await waitFor(async () => (await counted()).n === n);
      expect(await counted()).toEqual({ n, d: n });
      const perInstance = await Promise.all(
        instances.map(async (i) =>
          (await i.registry.getSingleMetric('kam_ingest_readings_total')!.get()).values.reduce(
            (a, v) => a + v.value,
            0,
          ),
        ),
      );
      expect(perInstance.reduce((a, b) => a + b, 0)).toBe(n); // no message went to both
    });
  });
});
