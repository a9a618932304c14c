/**
 * A TCP proxy to put in front of a service (MariaDB, S3) and break it on demand, without
 * touching the service itself. Modes apply to new connections; `cut()` kills open ones.
 *
 *   pass      forward both ways (optionally each chunk held `delayMs`)
 *   refuse    stop listening: connections are refused (ECONNREFUSED)
 *   reset     accept, then close at once (a server that is up but not answering)
 *   blackhole accept and never answer (a stalled server: only timeouts end it)
 */
import net from 'node:net';

export type ProxyMode = 'pass' | 'refuse' | 'reset' | 'blackhole';

export interface TcpProxy {
  readonly port: number;
  readonly host: string;
  /** `host:port`, e.g. for DB_HOST. */
  readonly address: string;
  readonly mode: ProxyMode;
  /** Connections accepted so far. */
  readonly accepted: number;
  setMode(mode: ProxyMode): Promise<void>;
  /** Latency added to every chunk in both directions (pass mode). */
  setDelay(ms: number): void;
  /** Destroys every open connection (a network cut mid-request). */
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }, options: { port?: number } = {}): Promise<TcpProxy> {
  let mode: ProxyMode = 'pass';
  let delayMs = 0;
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => {});
  };

  /** Forwards `from` → `to`, holding each chunk `delayMs` while keeping order. */
  const pipe = (from: net.Socket, to: net.Socket) => {
    let chain = Promise.resolve();
    from.on('data', (chunk: Buffer) => {
      const wait = delayMs;
      if (wait <= 0) {
        if (!to.destroyed) to.write(chunk);
        return;
      }
      from.pause();
      chain = chain
        .then(() => new Promise((r) => setTimeout(r, wait)))
        .then(() => {
          if (!to.destroyed) to.write(chunk);
          from.resume();
        });
    });
    from.once('end', () => void chain.then(() => to.end()));
    from.once('close', () => void chain.then(() => to.destroy()));
  };

  const onConnection = (client: net.Socket) => {
    accepted++;
    track(client);
    if (mode === 'reset') {
      client.destroy();
      return;
    }
    if (mode === 'blackhole') {
      client.pause();
      return;
    }
    const upstream = net.connect(target);
    track(upstream);
    pipe(client, upstream);
    pipe(upstream, client);
  };

  let server: net.Server | undefined;
  let port = options.port ?? 0;
  const listen = async () => {
    const s = net.createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => resolve());
    });
    port = (s.address() as net.AddressInfo).port;
    server = s;
  };
  /** Stops accepting at once; open connections live on until `cut()` (close's callback would wait for them). */
  const unlisten = async () => {
    const s = server;
    server = undefined;
    s?.close();
    await new Promise((r) => setImmediate(r));
  };
  await listen();

  const proxy: TcpProxy = {
    get port() {
      return port;
    },
    host: '127.0.0.1',
    get address() {
      return `127.0.0.1:${port}`;
    },
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    async setMode(next) {
      if (next === 'refuse' && server) await unlisten();
      if (next !== 'refuse' && !server) await listen();
      mode = next;
    },
    setDelay(ms) {
      delayMs = ms;
    },
    cut() {
      for (const s of sockets) s.destroy();
    },
    async close() {
      proxy.cut();
      await unlisten();
    },
  };
  return proxy;
}
