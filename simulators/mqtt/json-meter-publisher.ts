// Publishes the plain-JSON readings of MQTT meters (topic and payload: json-payloads.ts), QoS 1,
// one reading per meter per publish interval of simulated time.
import type { MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import type { SimMeter } from '../sim-meter.ts';
import { encodeJsonReading, encodeMalformedJsonReading, readingTopic } from './json-payloads.ts';
import { connectMqtt } from './mqtt-connection.ts';
import { PublicationSchedule } from './publication.ts';

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
  private readonly schedule: PublicationSchedule;
  private published = 0;

  private constructor(client: MqttClient, options: JsonMeterPublisherOptions) {
    this.client = client;
    this.options = options;
    this.schedule = new PublicationSchedule(options.meters, options.startTimeMs, options.intervalMs);
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
    for (const { code, slotMs, publication } of this.schedule.due(simNowMs)) {
      const payload =
        publication.kind === 'malformed'
          ? encodeMalformedJsonReading(publication.variant, slotMs, publication.snapshot.values)
          : encodeJsonReading(slotMs, publication.snapshot.values);
      this.published++;
      this.client.publish(readingTopic(this.options.topicPrefix, code), payload, { qos: 1 }, (err) => {
        if (err) this.options.logger.warn({ err, meter: code }, 'publish failed');
      });
    }
  }

  async stop(): Promise<void> {
    await this.client.endAsync();
  }
}
