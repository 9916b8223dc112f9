import { createServer, type AddressInfo, type Server } from 'node:net';
import { Aedes } from 'aedes';
import type { Logger } from '../log/index.ts';

export interface EmbeddedBroker {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** In-process MQTT broker for the embedded stack (architecture.md) when MQTT_URL is absent. */
export async function startEmbeddedBroker(
  options: { host?: string; port?: number; logger?: Logger } = {},
): Promise<EmbeddedBroker> {
  const host = options.host ?? '127.0.0.1';
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // the broker holds timers of its own: close it, or the process never exits
    await new Promise<void>((resolve) => broker.close(() => resolve()));
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  const url = `mqtt://${host}:${port}`;
  options.logger?.info({ url }, 'embedded MQTT broker ready');
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        broker.close(() => server.close(() => resolve()));
      });
      return stopped;
    },
  };
}
