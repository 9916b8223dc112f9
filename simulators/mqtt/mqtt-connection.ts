// Connect an MQTT client and fail fast when the broker cannot be reached at start-up; after
// that the client reconnects on its own (mqtt.js reconnectPeriod).
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Logger } from 'pino';
import { SimError } from '../errors.ts';

const RECONNECT_PERIOD_MS = 1000;
const CONNECT_TIMEOUT_MS = 10_000;

export async function connectMqtt(
  url: string,
  options: IClientOptions & {
    /** runs on every (re)connect, before anything else is published */
    onConnect?: (client: MqttClient) => void;
    logger: Logger;
  },
): Promise<MqttClient> {
  const { onConnect, logger, ...clientOptions } = options;
  const client = connect(url, {
    reconnectPeriod: RECONNECT_PERIOD_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...clientOptions,
  });
  if (onConnect) client.on('connect', () => onConnect(client));
  await new Promise<void>((resolve, reject) => {
    const fail = (err?: Error): void => {
      client.off('connect', succeed);
      client.end(true);
      reject(
        new SimError(
          'SIM_TRANSPORT_FAILED',
          `cannot connect to MQTT broker ${url}: ${err?.message ?? 'connection closed'}`,
          {
            cause: err,
          },
        ),
      );
    };
    const succeed = (): void => {
      client.off('error', fail);
      client.off('close', fail);
      resolve();
    };
    client.once('connect', succeed);
    client.once('error', fail);
    client.once('close', fail);
  });
  client.on('error', (err) => logger.warn({ err }, 'mqtt client error'));
  client.on('offline', () => logger.warn('mqtt client offline; reconnecting'));
  return client;
}
