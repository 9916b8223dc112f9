// Publishes the plain-JSON readings of MQTT meters (topic and payload: json-payloads.ts), QoS 1,
// one reading per meter per publish interval of simulated time.
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { SimMeter } from '../sim-meter.ts';
import { encodeJsonReading, encodeMalformedJsonReading, readingTopic } from './json-payloads.ts';
import { connectMqtt } from './mqtt-connection.ts';
import { dueSlotMs, publicationAt } from './publication.ts';

export interface JsonMeterPublisherOptions {
  readonly url: string;
  readonly clientId: string;
  readonly topicPrefix: string;
  readonly meters: readonly SimMeter[];
  readonly intervalMs: number;
  readonly startTimeMs: number;
  readonly logger: Logger;
}

export class JsonMeterPublisher {
  private readonly client: MqttClient;
  private readonly options: JsonMeterPublisherOptions;
  private readonly lastSlotMs = new Map<string, number>();
  private readonly malformedCount = new Map<string, number>();
  private published = 0;

  private constructor(client: MqttClient, options: JsonMeterPublisherOptions) {
    this.client = client;
    this.options = options;
  }

  static async start(options: JsonMeterPublisherOptions): Promise<JsonMeterPublisher> {
    const client = await connectMqtt(options.url, { clientId: options.clientId, logger: options.logger });
    return new JsonMeterPublisher(client, options);
  }

  get messagesPublished(): number {
    return this.published;
  }

  /** Publish every meter whose next reading slot has come. */
  tick(simNowMs: number): void {
    const { meters, startTimeMs, intervalMs, topicPrefix } = this.options;
    for (const meter of meters) {
      const code = meter.spec.code;
      const slot = dueSlotMs(simNowMs, startTimeMs, intervalMs, this.lastSlotMs.get(code));
      if (slot === undefined) continue;
      this.lastSlotMs.set(code, slot);
      const malformedSoFar = this.malformedCount.get(code) ?? 0;
      const publication = publicationAt(meter, slot, malformedSoFar);
      if (publication.kind === 'silent') continue;
      let payload: Buffer;
      if (publication.kind === 'malformed') {
        this.malformedCount.set(code, malformedSoFar + 1);
        payload = encodeMalformedJsonReading(publication.variant, slot, publication.snapshot.values);
      } else {
        payload = encodeJsonReading(slot, publication.snapshot.values);
      }
      this.published++;
      this.client.publish(readingTopic(topicPrefix, code), payload, { qos: 1 }, (err) => {
        if (err) this.options.logger.warn({ err, meter: code }, 'publish failed');
      });
    }
  }

  async stop(): Promise<void> {
    await this.client.endAsync();
  }
}
