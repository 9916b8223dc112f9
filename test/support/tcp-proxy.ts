import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy between a client and a server (a database, a broker), to break a
 * connection from the outside: `dropConnections()` severs the open ones without a goodbye (the
 * server sees a lost client; a client may reconnect at once); `cut()` does that and refuses new
 * ones until `restore()`, the way a network or database outage does.
 */
export interface TcpProxy {
  readonly port: number;
  /** `template` (a URL of the real server) pointed at the proxy */
  readonly url: (template: string) => string;
  dropConnections(): void;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let refusing = false;
  const server: Server = createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: (template) => {
      const u = new URL(template);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    dropConnections() {
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    async cut() {
      refusing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroy();
      sockets.clear();
      await closed;
    },
    async restore() {
      refusing = false;
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
    },
    close() {
      refusing = true;
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}

/** A proxy in front of the URL a server gives: `connectVia` for the database fixture. */
export async function startTcpProxyFor(url: string): Promise<TcpProxy> {
  const u = new URL(url);
  return startTcpProxy(u.hostname, Number(u.port));
}
