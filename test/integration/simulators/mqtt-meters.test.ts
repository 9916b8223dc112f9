// MQTT meters against a real broker: the in-process aedes broker always, and the broker at
// MQTT_URL (e.g. Mosquitto at 127.0.0.1:1883) when it is set. The same contract runs on both.
// Time is a hand-moved clock: each step moves the simulation one publish interval (60 s) and
// waits (bounded) until the last meter of that slot has arrived.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '../../../lib/domain/index.ts';
import { READING_KEYS } from '../../../lib/domain/index.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../../../lib/mqtt/index.ts';
import {
  BD_SEQ_METRIC,
  decodeSparkplug,
  OVERSIZED_PAYLOAD_BYTES,
  REBIRTH_METRIC,
  sparkplugNumber,
  startSimFleet,
  type JsonReadingPayload,
  type SimFleet,
  type SimMeterSpec,
} from '../../../simulators/index.ts';
import {
  collectMqtt,
  CLOCK_START_MS,
  MINUTE_MS,
  MONDAY_MIDNIGHT_MS,
  MV_ACREL_SPEC,
  uniqueId,
  type MqttCollector,
  type ReceivedMessage,
} from '../../support/simulators.ts';
import { startTcpProxy } from '../../support/tcp-proxy.ts';

const START_MS = MONDAY_MIDNIGHT_MS + 9 * 60 * MINUTE_MS;
const mqttMeter = (code: string, format: 'json' | 'sparkplug', seed: number): SimMeterSpec => ({
  ...MV_ACREL_SPEC,
  code,
  seed,
  protocol: 'mqtt',
  mapName: undefined,
  unitId: undefined,
  mqttFormat: format,
});

const JSON_CODES = ['J1', 'J2', 'J3', 'J4'];
const SPARKPLUG_CODES = ['S1', 'S2', 'S3', 'S4', 'S5', 'S6'];
/** minutes after the start */
const SILENT_J2 = [5, 8];
const STALE_J3 = [5, 8];
const MALFORMED_J4 = [5, 9];
const MALFORMED_S2 = [5, 6];
const STEPS = 45;

function defineMqttContract(brokerName: string, brokerUrl: () => string): void {
  describe(`MQTT meters on ${brokerName}`, () => {
    const prefix = `${uniqueId('test')}/kam/v1`;
    const group = uniqueId('g');
    const clock = createManualClock(CLOCK_START_MS);
    let fleet: SimFleet;
    let collector: MqttCollector;
    const jsonOf = (code: string) => collector.messages.filter((m) => m.topic === `${prefix}/meters/${code}/reading`);
    const sparkplugOf = (type: string, device?: string) =>
      collector.messages.filter((m) => {
        const [, g, t, , d] = m.topic.split('/');
        return g === group && t === type && d === device;
      });
    const seqOf = (m: ReceivedMessage): number => sparkplugNumber(decodeSparkplug(m.payload).seq)!;
    const minuteOf = (timeMs: number): number => (timeMs - START_MS) / MINUTE_MS;

    beforeAll(async () => {
      collector = await collectMqtt(brokerUrl(), [`${prefix}/#`, `spBv1.0/${group}/#`]);
      fleet = await startSimFleet({
        meters: [
          ...JSON_CODES.map((code, i) => mqttMeter(code, 'json', i)),
          ...SPARKPLUG_CODES.map((code, i) => mqttMeter(code, 'sparkplug', 10 + i)),
        ],
        mqttUrl: brokerUrl(),
        mqttTopicPrefix: prefix,
        sparkplugGroupId: group,
        sparkplugEdgeNodeId: 'edge1',
        scenario: {
          faults: [
            {
              meter: 'J2',
              kind: 'not_answering',
              start: SILENT_J2[0]! * 60,
              durationS: (SILENT_J2[1]! - SILENT_J2[0]!) * 60,
            },
            {
              meter: 'J3',
              kind: 'stale_values',
              start: STALE_J3[0]! * 60,
              durationS: (STALE_J3[1]! - STALE_J3[0]!) * 60,
            },
            {
              meter: 'J4',
              kind: 'malformed_payload',
              start: MALFORMED_J4[0]! * 60,
              durationS: (MALFORMED_J4[1]! - MALFORMED_J4[0]!) * 60,
            },
            {
              meter: 'S2',
              kind: 'malformed_payload',
              start: MALFORMED_S2[0]! * 60,
              durationS: (MALFORMED_S2[1]! - MALFORMED_S2[0]!) * 60,
              params: { variant: 'invalid_json' },
            },
          ],
        },
        clock,
        startTime: START_MS,
        tickMs: 5,
      });
      await collector.waitFor(
        () => jsonOf('J4').length === 1 && sparkplugOf('DBIRTH', 'S6').length === 1,
        'first slot',
      );
      for (let step = 1; step <= STEPS; step++) {
        clock.set(clock.now() + MINUTE_MS);
        await collector.waitFor(
          () => jsonOf('J4').length === step + 1 && sparkplugOf('DDATA', 'S6').length === step + 1,
          `slot ${step}`,
        );
      }
    });

    afterAll(async () => {
      await fleet?.stop();
      await collector?.close();
    });

    it('records the MQTT faults in the ground truth with their simulated times', () => {
      const iso = (minute: number) => new Date(START_MS + minute * MINUTE_MS).toISOString();
      expect(fleet.truth().map(({ meter, kind, start, end }) => ({ meter, kind, start, end }))).toEqual([
        { meter: 'J2', kind: 'not_answering', start: iso(SILENT_J2[0]!), end: iso(SILENT_J2[1]!) },
        { meter: 'J3', kind: 'stale_values', start: iso(STALE_J3[0]!), end: iso(STALE_J3[1]!) },
        { meter: 'J4', kind: 'malformed_payload', start: iso(MALFORMED_J4[0]!), end: iso(MALFORMED_J4[1]!) },
        { meter: 'S2', kind: 'malformed_payload', start: iso(MALFORMED_S2[0]!), end: iso(MALFORMED_S2[1]!) },
      ]);
    });

    describe('JSON readings', () => {
      it('publishes one reading per simulated minute on <prefix>/meters/<code>/reading with QoS 1', () => {
        expect(jsonOf('J1')).toHaveLength(STEPS + 1);
        const endpoint = fleet.endpoints.find((e) => e.code === 'J1');
        expect(endpoint).toMatchObject({ protocol: 'mqtt', format: 'json', topic: `${prefix}/meters/J1/reading` });
      });

      it('carries { ts, values }: ts the simulated reading time, values exactly what the meter reported', () => {
        for (const [i, message] of jsonOf('J1').entries()) {
          const payload = JSON.parse(message.payload.toString()) as JsonReadingPayload;
          expect(Object.keys(payload)).toEqual(['ts', 'values']);
          expect(Date.parse(payload.ts)).toBe(START_MS + i * MINUTE_MS);
          expect(Object.keys(payload.values)).toEqual([...READING_KEYS]);
          expect(payload.values).toEqual(fleet.valuesAt('J1', Date.parse(payload.ts)));
        }
      });

      it('not_answering: publishes nothing inside the window and resumes afterwards', () => {
        const minutes = jsonOf('J2').map((m) =>
          minuteOf(Date.parse((JSON.parse(m.payload.toString()) as JsonReadingPayload).ts)),
        );
        expect(minutes.filter((m) => m >= SILENT_J2[0]! && m < SILENT_J2[1]!)).toEqual([]);
        expect(minutes).toContain(SILENT_J2[0]! - 1);
        expect(minutes).toContain(SILENT_J2[1]!);
      });

      it('stale_values: timestamps advance while every value stays frozen', () => {
        const payloads = jsonOf('J3').map((m) => JSON.parse(m.payload.toString()) as JsonReadingPayload);
        const inside = payloads.filter(
          (p) => minuteOf(Date.parse(p.ts)) >= STALE_J3[0]! && minuteOf(Date.parse(p.ts)) < STALE_J3[1]!,
        );
        expect(inside).toHaveLength(3);
        for (const p of inside) expect(p.values).toEqual(inside[0]!.values);
        const after = payloads.find((p) => minuteOf(Date.parse(p.ts)) === STALE_J3[1]! + 1)!;
        expect(after.values.importKwh!).toBeGreaterThan(inside[0]!.values.importKwh!);
      });

      it('malformed_payload: cut-off JSON, wrong types, a missing ts and an oversized payload on the wire', () => {
        const malformed = jsonOf('J4')
          .slice(MALFORMED_J4[0]!, MALFORMED_J4[1]!)
          .map((m) => m.payload);
        expect(malformed).toHaveLength(4);
        const [cut, wrongTypes, missing, oversized] = malformed as [Buffer, Buffer, Buffer, Buffer];
        expect(() => JSON.parse(cut.toString())).toThrow(SyntaxError);
        const typed = JSON.parse(wrongTypes.toString()) as { ts: unknown; values: Record<string, unknown> };
        expect(typeof typed.ts).toBe('number');
        expect(Object.values(typed.values).every((v) => typeof v === 'string')).toBe(true);
        const noTs = JSON.parse(missing.toString()) as Record<string, unknown>;
        expect(noTs).not.toHaveProperty('ts');
        expect(noTs).toHaveProperty('values');
        expect(oversized.length).toBeGreaterThan(OVERSIZED_PAYLOAD_BYTES);
        // well-formed again after the window
        const next = JSON.parse(jsonOf('J4')[MALFORMED_J4[1]!]!.payload.toString()) as JsonReadingPayload;
        expect(minuteOf(Date.parse(next.ts))).toBe(MALFORMED_J4[1]);
      });
    });

    describe('Sparkplug B edge node', () => {
      it('opens with NBIRTH: seq 0, bdSeq 0 and the rebirth control metric', () => {
        const [birth] = sparkplugOf('NBIRTH');
        const payload = decodeSparkplug(birth!.payload);
        expect(sparkplugNumber(payload.seq)).toBe(0);
        const metrics = Object.fromEntries((payload.metrics ?? []).map((m) => [m.name, m]));
        expect(sparkplugNumber(metrics[BD_SEQ_METRIC]!.value)).toBe(0);
        expect(metrics[REBIRTH_METRIC]).toMatchObject({ type: 'Boolean', value: false });
      });

      it('declares every ReadingValues key as a Double metric in each DBIRTH', () => {
        for (const code of SPARKPLUG_CODES) {
          const [birth] = sparkplugOf('DBIRTH', code);
          const metrics = decodeSparkplug(birth!.payload).metrics ?? [];
          expect(metrics.map((m) => m.name)).toEqual([...READING_KEYS]);
          expect(metrics.every((m) => m.type === 'Double')).toBe(true);
        }
      });

      it('stamps DDATA metrics with the simulated reading time, values as reported', () => {
        for (const [i, message] of sparkplugOf('DDATA', 'S1').entries()) {
          const payload = decodeSparkplug(message.payload);
          const readingMs = START_MS + i * MINUTE_MS;
          expect(sparkplugNumber(payload.timestamp)).toBe(readingMs);
          const values = fleet.valuesAt('S1', readingMs);
          for (const metric of payload.metrics ?? []) {
            expect(sparkplugNumber(metric.timestamp)).toBe(readingMs);
            expect(metric.value).toBe(values[metric.name as keyof typeof values]);
          }
        }
      });

      it('numbers every edge-node message with seq 0..255, wrapping', () => {
        const session = collector.messages.filter((m) => {
          const [, g, type] = m.topic.split('/');
          return g === group && ['NBIRTH', 'DBIRTH', 'DDATA'].includes(type!);
        });
        // NBIRTH, 6 DBIRTHs, then 6 DDATA per simulated minute: more than 256 messages
        expect(session).toHaveLength(1 + 6 + 6 * (STEPS + 1));
        session.forEach((message, i) => {
          const seq = seqOrNull(message);
          // only S2's deliberately undecodable payload has no readable seq (it still used one)
          if (seq === null) expect(message.topic).toBe(`spBv1.0/${group}/DDATA/edge1/S2`);
          else expect(seq).toBe(i % 256);
        });
        expect(session.map(seqOrNull).filter((seq) => seq === 0)).toHaveLength(2);
      });

      it('malformed_payload: the device sends bytes that are not a Sparkplug payload', () => {
        const inside = sparkplugOf('DDATA', 'S2').slice(MALFORMED_S2[0]!, MALFORMED_S2[1]!);
        expect(inside).toHaveLength(1);
        expect(() => decodeSparkplug(inside[0]!.payload)).toThrow();
        expect(() => decodeSparkplug(sparkplugOf('DDATA', 'S2')[MALFORMED_S2[1]!]!.payload)).not.toThrow();
      });

      it('answers NCMD Node Control/Rebirth with a new NBIRTH (seq 0, same bdSeq) and all DBIRTHs', async () => {
        const { encodePayload } = (await import('sparkplug-payload')).get('spBv1.0')!;
        await collector.client.publishAsync(
          `spBv1.0/${group}/NCMD/edge1`,
          Buffer.from(
            encodePayload({ timestamp: Date.now(), metrics: [{ name: REBIRTH_METRIC, type: 'Boolean', value: true }] }),
          ),
          { qos: 1 },
        );
        await collector.waitFor(() => sparkplugOf('DBIRTH', 'S6').length === 2, 'rebirth');
        const rebirth = decodeSparkplug(sparkplugOf('NBIRTH')[1]!.payload);
        expect(sparkplugNumber(rebirth.seq)).toBe(0);
        const bdSeq = rebirth.metrics!.find((m) => m.name === BD_SEQ_METRIC)!;
        expect(sparkplugNumber(bdSeq.value)).toBe(0);
        expect(SPARKPLUG_CODES.map((c) => sparkplugOf('DBIRTH', c).length)).toEqual([2, 2, 2, 2, 2, 2]);
      });

      it('publishes NDEATH with the session bdSeq when the fleet stops', async () => {
        await fleet.stop();
        await collector.waitFor(() => sparkplugOf('NDEATH').length === 1, 'NDEATH');
        const death = decodeSparkplug(sparkplugOf('NDEATH')[0]!.payload);
        expect(sparkplugNumber(death.metrics!.find((m) => m.name === BD_SEQ_METRIC)!.value)).toBe(0);
        expect(death.seq).toBeUndefined();
      });
    });

    function seqOrNull(m: ReceivedMessage): number | null {
      try {
        return seqOf(m);
      } catch {
        return null;
      }
    }
  });

  describe(`Sparkplug session loss on ${brokerName}`, () => {
    it('lets the broker publish the NDEATH will with the session bdSeq, then births with bdSeq + 1', async () => {
      const group = uniqueId('g');
      const target = new URL(brokerUrl());
      const proxy = await startTcpProxy(target.hostname, Number(target.port || 1883));
      const collector = await collectMqtt(brokerUrl(), [`spBv1.0/${group}/#`]);
      const fleet = await startSimFleet({
        meters: [mqttMeter('S1', 'sparkplug', 1)],
        mqttUrl: proxy.url(brokerUrl()),
        sparkplugGroupId: group,
        sparkplugEdgeNodeId: 'edge1',
        clock: createManualClock(CLOCK_START_MS),
        startTime: START_MS,
        tickMs: 5,
      });
      try {
        const bdSeqOf = (m: ReceivedMessage) =>
          sparkplugNumber(decodeSparkplug(m.payload).metrics!.find((x) => x.name === BD_SEQ_METRIC)!.value);
        const ofType = (type: string) => collector.messages.filter((m) => m.topic.split('/')[2] === type);
        await collector.waitFor(() => ofType('NBIRTH').length === 1, 'first NBIRTH');
        proxy.dropConnections();
        await collector.waitFor(
          () => ofType('NDEATH').length === 1 && ofType('NBIRTH').length === 2,
          'will and rebirth',
        );
        expect(bdSeqOf(ofType('NBIRTH')[0]!)).toBe(0);
        expect(bdSeqOf(ofType('NDEATH')[0]!)).toBe(0);
        expect(bdSeqOf(ofType('NBIRTH')[1]!)).toBe(1);
        expect(sparkplugNumber(decodeSparkplug(ofType('NBIRTH')[1]!.payload).seq)).toBe(0);
      } finally {
        await fleet.stop();
        await collector.close();
        await proxy.close();
      }
    });
  });
}

let broker: EmbeddedBroker | undefined;
beforeAll(async () => {
  broker = await startEmbeddedBroker();
});
afterAll(async () => {
  await broker?.stop();
});

defineMqttContract('the embedded aedes broker', () => broker!.url);

describe.skipIf(!process.env.MQTT_URL)('external broker (MQTT_URL)', () => {
  defineMqttContract(process.env.MQTT_URL ?? 'MQTT_URL', () => process.env.MQTT_URL!);
});
