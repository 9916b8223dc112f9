// A Sparkplug B edge node (an RS-485-to-MQTT gateway) with one device per meter (domain.md §9).
//
// Session: the NDEATH is registered as the MQTT will and carries the bdSeq of this connection;
// NBIRTH (seq 0) carries the same bdSeq, then one DBIRTH per device declares its metrics. Each
// later edge-node message takes the next seq, 0..255 wrapping. A lost connection increments
// bdSeq for the next session. NCMD `Node Control/Rebirth` = true re-sends NBIRTH and DBIRTHs.
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { SimMeter } from '../sim-meter.ts';
import { connectMqtt } from './mqtt-connection.ts';
import { PublicationSchedule } from './publication.ts';
import {
  encodeDeviceBirth,
  encodeDeviceData,
  encodeMalformedDeviceData,
  encodeNodeBirth,
  encodeNodeDeath,
  isRebirthCommand,
  SEQ_MODULO,
  sparkplugTopic,
} from './sparkplug-payloads.ts';

export interface SparkplugEdgeNodeOptions {
  readonly url: string;
  readonly clientId: string;
  readonly groupId: string;
  readonly edgeNodeId: string;
  readonly meters: readonly SimMeter[];
  readonly intervalMs: number;
  readonly startTimeMs: number;
  readonly simNow: () => number;
  readonly logger: Logger;
}

export class SparkplugEdgeNode {
  private client: MqttClient | undefined;
  private readonly options: SparkplugEdgeNodeOptions;
  private bdSeq = 0;
  private seq = 0;
  private born = false;
  private stopped = false;
  private published = 0;
  private readonly schedule: PublicationSchedule;

  private constructor(options: SparkplugEdgeNodeOptions) {
    this.options = options;
    this.schedule = new PublicationSchedule(options.meters, options.startTimeMs, options.intervalMs);
  }

  static async start(options: SparkplugEdgeNodeOptions): Promise<SparkplugEdgeNode> {
    const node = new SparkplugEdgeNode(options);
    const { groupId, edgeNodeId } = options;
    const client = await connectMqtt(options.url, {
      clientId: options.clientId,
      clean: true,
      resubscribe: false,
      logger: options.logger,
      will: {
        topic: sparkplugTopic(groupId, 'NDEATH', edgeNodeId),
        payload: encodeNodeDeath({ timestampMs: options.simNow(), bdSeq: node.bdSeq }),
        qos: 1,
        retain: false,
      },
      onConnect: (c) => node.onConnect(c),
    });
    node.client = client;
    client.on('close', () => node.onConnectionLost(client));
    client.on('message', (topic, payload) => {
      if (topic === sparkplugTopic(groupId, 'NCMD', edgeNodeId) && isRebirthCommand(payload)) {
        options.logger.info({ edgeNodeId }, 'rebirth requested');
        node.publishBirths(client);
      }
    });
    return node;
  }

  get messagesPublished(): number {
    return this.published;
  }

  get currentBdSeq(): number {
    return this.bdSeq;
  }

  private nextSeq(): number {
    const seq = this.seq;
    this.seq = (this.seq + 1) % SEQ_MODULO;
    return seq;
  }

  private publish(client: MqttClient, topic: string, payload: Buffer): void {
    this.published++;
    client.publish(topic, payload, { qos: 1 }, (err) => {
      if (err) this.options.logger.warn({ err, topic }, 'sparkplug publish failed');
    });
  }

  private onConnect(client: MqttClient): void {
    if (this.stopped) return;
    const { groupId, edgeNodeId } = this.options;
    client.subscribe(sparkplugTopic(groupId, 'NCMD', edgeNodeId), { qos: 1 });
    this.publishBirths(client);
  }

  /** The next session announces a new bdSeq; the will registered with it must match. */
  private onConnectionLost(client: MqttClient): void {
    this.born = false;
    if (this.stopped) return;
    this.bdSeq = (this.bdSeq + 1) % SEQ_MODULO;
    if (client.options.will) {
      client.options.will.payload = encodeNodeDeath({ timestampMs: this.options.simNow(), bdSeq: this.bdSeq });
    }
  }

  private publishBirths(client: MqttClient): void {
    const { groupId, edgeNodeId, meters, simNow } = this.options;
    const nowMs = simNow();
    this.seq = 0;
    this.publish(
      client,
      sparkplugTopic(groupId, 'NBIRTH', edgeNodeId),
      encodeNodeBirth({ timestampMs: nowMs, seq: this.nextSeq(), bdSeq: this.bdSeq }),
    );
    for (const meter of meters) {
      const snapshot = meter.model.snapshotAt(nowMs);
      this.publish(
        client,
        sparkplugTopic(groupId, 'DBIRTH', edgeNodeId, meter.spec.code),
        encodeDeviceBirth({ timestampMs: snapshot.timeMs, seq: this.nextSeq(), values: snapshot.values }),
      );
    }
    this.born = true;
  }

  /** Publish DDATA for every device whose next reading slot has come. */
  tick(simNowMs: number): void {
    const client = this.client;
    if (!client || !this.born || this.stopped) return;
    const { groupId, edgeNodeId } = this.options;
    for (const { code, slotMs, publication } of this.schedule.due(simNowMs)) {
      const args = { timestampMs: slotMs, seq: this.nextSeq(), values: publication.snapshot.values };
      const payload =
        publication.kind === 'malformed'
          ? encodeMalformedDeviceData(publication.variant, args)
          : encodeDeviceData(args);
      this.publish(client, sparkplugTopic(groupId, 'DDATA', edgeNodeId, code), payload);
    }
  }

  /** Announce the end of the session (NDEATH) and disconnect. */
  async stop(): Promise<void> {
    if (this.stopped || !this.client) return;
    this.stopped = true;
    const client = this.client;
    const { groupId, edgeNodeId, simNow } = this.options;
    if (client.connected) {
      await client
        .publishAsync(
          sparkplugTopic(groupId, 'NDEATH', edgeNodeId),
          encodeNodeDeath({ timestampMs: simNow(), bdSeq: this.bdSeq }),
          { qos: 1 },
        )
        .catch((err: unknown) => this.options.logger.warn({ err }, 'NDEATH publish failed'));
    }
    await client.endAsync();
  }
}
