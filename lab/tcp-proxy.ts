/**
 * A TCP proxy in front of the broker, a fault switch the real broker cannot give quickly and
 * alone: `hang()` holds every byte in both directions with the connections open (a broker that
 * stopped answering, as under SIGSTOP), `cut()` resets every connection and refuses new ones (a
 * broker killed), `resume()` lets new connections through again.
 */
import net from 'node:net';

export interface TcpProxy {
  readonly port: number;
  hang(): void;
  cut(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(upstreamPort: number, upstreamHost = '127.0.0.1'): Promise<TcpProxy> {
  let state: 'open' | 'hung' | 'cut' = 'open';
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  };
  const forward = (from: net.Socket, to: net.Socket): void => {
    from.on('data', (chunk: Buffer) => {
      if (state === 'open') to.write(chunk); // hung: the bytes are held back for good, as a stopped broker never reads them
    });
    from.on('close', () => to.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    if (state === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(upstreamPort, upstreamHost);
    track(upstream);
    forward(client, upstream);
    forward(upstream, client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    hang: () => void (state = 'hung'),
    cut: () => {
      state = 'cut';
      for (const socket of sockets) socket.resetAndDestroy();
    },
    resume: () => void (state = 'open'),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
