/**
 * The stack twin from the host's side: synthesizes the CDK app (or takes a cloud assembly),
 * starts infra/twin/main.ts in new network, PID and mount namespaces (`unshare`, as root), and
 * forwards a TCP port on the host's loopback to the twin's CloudFront so a browser can visit
 * the site. The returned handle is the twin's API for tests and the traffic replay:
 *
 *   const twin = await startTwin({ clock: 'manual', keepAliveMs: 60_000 });
 *   twin.siteUrl                       // https://d….cloudfront.localhost:PORT
 *   await twin.advanceClock(61_000);   // cache ages, keep-alive, schedules move; nothing waits
 *   await twin.invocations();          // per-invocation records: invoker, cold, durations, memory
 *   await twin.setKeepAlive(30_000);
 *   await twin.close();
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { synthesizeApp } from './assembly.ts';
import type { InvalidationRecord } from './cloudfront/api.ts';
import { proxyLine } from './cloudfront/viewer-address.ts';
import type { InstanceInfo, InvocationRecord } from './lambda/instances.ts';
import type { LogEvent } from './logs.ts';
import type { DeployEvent } from './twin.ts';

const REPO = path.resolve(import.meta.dirname, '../..');
const NODE = fs.existsSync(path.join(REPO, 'node_modules/.bin/node')) ? path.join(REPO, 'node_modules/.bin/node') : process.execPath;

export interface StartTwinOptions {
  /** CDK context for the synthesis (e.g. `{ database: 'mysql' }`); ignored with `assembly`. */
  context?: Record<string, unknown>;
  /** A synthesized cloud assembly directory to run instead of synthesizing. */
  assembly?: string;
  /** `manual`: time moves only through advanceClock (tests); `real` by default. */
  clock?: 'real' | 'manual';
  /** Keep-alive of idle Lambda instances, on the twin's clock. */
  keepAliveMs?: number;
  /** Host port for the CloudFront edge (0: any free port). */
  port?: number;
  /** Echo every collected log line to this process's stderr. */
  echo?: boolean;
  /** Where synthesis reports progress (resolving WordPress); default stderr. */
  log?: (line: string) => void;
  /** Resource types the first deploy stops before (e.g. `Custom::LamphpInstall`) until `resume()`. */
  pauseBefore?: string[];
}

export interface TwinHandle {
  /** The stack's SiteUrl output (the distribution's address through the host's forwarder). */
  siteUrl: string;
  outputs: Record<string, string>;
  /** Host port the edge listens on (127.0.0.1); the site's own address is port 443. */
  port: number;
  /** Chromium's flag that sends the site's address to the edge when it is not on port 443. */
  chromiumHostRule: string;
  /** Set when the deploy stopped before this resource (`pauseBefore`). */
  paused?: { logicalId: string; type: string };
  /** Finishes a paused deploy. */
  resume(): Promise<{ events: DeployEvent[]; outputs: Record<string, string> }>;
  /** PEM of the certificate authority the twin's HTTPS endpoints use. */
  ca: string;
  dataDir: string;
  deploy(options: { context?: Record<string, unknown>; assembly?: string }): Promise<{ events: DeployEvent[]; outputs: Record<string, string> }>;
  destroy(): Promise<{ events: DeployEvent[] }>;
  advanceClock(ms: number): Promise<number>;
  invocations(since?: number): Promise<InvocationRecord[]>;
  instances(): Promise<Record<string, InstanceInfo[]>>;
  setKeepAlive(ms: number): Promise<void>;
  setAccountConcurrency(n: number): Promise<void>;
  logs(group?: string): Promise<LogEvent[]>;
  ssmParameter(name: string): Promise<{ Name: string; Type: string; Value: string } | undefined>;
  invalidate(paths: string[]): Promise<number>;
  /** Invalidations the stack made through the CloudFront API (e.g. after a publish). */
  invalidations(): Promise<InvalidationRecord[]>;
  /** Messages the SES stand-in accepted; `raw` is the MIME message. */
  sesMessages(): Promise<{ messageId: string; at: number; from: string; to: string[]; raw: Buffer }[]>;
  /** Keys of a bucket under a prefix. */
  s3Keys(bucket: string, prefix: string): Promise<string[]>;
  /** An object's bytes, or undefined. */
  s3Object(bucket: string, key: string): Promise<Buffer | undefined>;
  /** Writes an object as the bucket's owner (its notifications follow, as in S3). */
  s3Put(bucket: string, key: string, content: Buffer | string): Promise<void>;
  status(): Promise<any>;
  /** The template deployed last (what the bill and the replay read). */
  template(): Promise<any>;
  /** A request from the internet to an address of the stack (e.g. its Function URL), bypassing CloudFront. */
  fromInternet(url: string, options?: { method?: string; headers?: Record<string, string> }): Promise<{ status: number; headers: Record<string, string | string[]>; text: string }>;
  /** Writes a file into the (first) EFS access point, relative to its root, as its POSIX user. */
  writeEfs(relativePath: string, content: Buffer | string): Promise<void>;
  close(): Promise<void>;
}

export class TwinError extends Error {
  readonly code = 'ETWIN';
}

function request(socketPath: string, method: string, pathname: string, body?: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request({ socketPath, method, path: pathname, headers: payload ? { 'content-type': 'application/json' } : {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const value = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
        if ((res.statusCode ?? 500) >= 400) reject(new TwinError(value?.error ?? `control API ${res.statusCode}`));
        else resolve(value);
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * TCP on the host's loopback → the twin's edge: HTTPS and HTTP on one port, told apart by the
 * first byte (a TLS handshake is 0x16), each connection preceded by a PROXY line that names the
 * viewer's address (cloudfront/viewer-address.ts).
 */
async function forwardEdge(port: number, socketPath: string): Promise<net.Server> {
  const server = net.createServer((client) => {
    client.once('data', (first: Buffer) => {
      const upstream = net.connect(`${socketPath}.${first[0] === 0x16 ? 'https' : 'http'}`);
      upstream.write(proxyLine(client));
      upstream.write(first);
      client.pipe(upstream).pipe(client);
      const end = () => { client.destroy(); upstream.destroy(); };
      client.on('error', end);
      upstream.on('error', end);
    });
    client.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  return server;
}

export function checkCanRun(): void {
  if (process.getuid?.() !== 0) {
    throw new TwinError('The stack twin creates network and mount namespaces with unshare, which needs root (run it as root, as CI does).');
  }
}

export async function startTwin(options: StartTwinOptions = {}): Promise<TwinHandle> {
  checkCanRun();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-twin-'));
  const assembly = options.assembly ?? (await synthesizeApp(path.join(dataDir, 'assembly-0'), options.context, options.log)).directory;
  const edgeSocket = path.join(dataDir, 'edge.sock');
  const controlSocket = path.join(dataDir, 'control.sock');
  const probe = net.createServer();
  await new Promise<void>((r) => probe.listen(options.port ?? 0, '127.0.0.1', () => r()));
  const port = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const edge = await forwardEdge(port, edgeSocket);

  const child: ChildProcess = spawn('/usr/bin/unshare', [
    '--net', '--pid', '--fork', '--mount-proc', '--kill-child',
    NODE, '--openssl-legacy-provider', path.join(import.meta.dirname, 'main.ts'),
    '--assembly', assembly, '--data', path.join(dataDir, 'run'), '--edge-socket', edgeSocket, '--control-socket', controlSocket,
    '--clock', options.clock ?? 'real',
    ...(options.keepAliveMs !== undefined ? ['--keep-alive-ms', String(options.keepAliveMs)] : []),
    ...(options.echo ? ['--echo'] : []),
    ...(options.pauseBefore ?? []).flatMap((t) => ['--pause-before', t]),
  ], { stdio: ['ignore', 'pipe', options.echo ? 'inherit' : 'pipe'] });
  fs.mkdirSync(path.join(dataDir, 'run'), { recursive: true });
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-20_000)));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  const ready = await new Promise<any>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"ready"') || l.startsWith('{"error"') || l.startsWith('{"paused"'));
      if (line) resolve(JSON.parse(line));
    });
    void exited.then((code) => reject(new TwinError(`The twin exited (${code}) before it was ready:\n${out}\n${stderr}`)));
  });
  const close = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(t);
    }
    edge.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  if (ready.error) {
    await close();
    throw new TwinError(`The twin could not deploy the stack: ${ready.error.message}\n${ready.error.stack ?? ''}\n${stderr}`);
  }
  const call = (method: string, p: string, body?: unknown) => request(controlSocket, method, p, body);
  // Paused mid-deploy, the outputs are those of what exists so far.
  const outputs: Record<string, string> = ready.ready?.outputs ?? (await call('GET', '/status')).outputs;
  const siteUrl = Object.entries(outputs).find(([k]) => /SiteUrl/.test(k))?.[1] ?? '';
  let synths = 0;
  return {
    ...(ready.paused && { paused: ready.paused }),
    resume: () => call('POST', '/resume'),
    siteUrl,
    outputs,
    port,
    chromiumHostRule: `--host-resolver-rules=MAP *.cloudfront.localhost:443 127.0.0.1:${port}`,
    ca: fs.readFileSync(path.join(dataDir, 'run', 'tls', 'ca.pem'), 'utf8'),
    dataDir,
    async deploy(o) {
      const dir = o.assembly ?? (await synthesizeApp(path.join(dataDir, `assembly-${++synths}`), o.context, options.log)).directory;
      return call('POST', '/deploy', { assembly: dir });
    },
    destroy: () => call('POST', '/destroy'),
    advanceClock: async (ms) => (await call('POST', '/clock/advance', { ms })).now,
    invocations: (since = 0) => call('GET', `/invocations?since=${since}`),
    instances: () => call('GET', '/instances'),
    setKeepAlive: async (ms) => void (await call('PUT', '/settings', { keepAliveMs: ms })),
    setAccountConcurrency: async (n) => void (await call('PUT', '/settings', { accountConcurrency: n })),
    logs: (group) => call('GET', `/logs${group ? `?group=${encodeURIComponent(group)}` : ''}`),
    ssmParameter: (name) => call('GET', `/ssm/parameter?name=${encodeURIComponent(name)}`).catch(() => undefined),
    invalidate: async (paths) => (await call('POST', '/invalidate', { paths })).invalidated,
    invalidations: () => call('GET', '/invalidations'),
    sesMessages: async () => ((await call('GET', '/ses/messages')) as { messageId: string; at: number; from: string; to: string[]; raw: string }[]).map((m) => ({ ...m, raw: Buffer.from(m.raw, 'base64') })),
    s3Keys: (bucket, prefix) => call('GET', `/s3/keys?bucket=${encodeURIComponent(bucket)}&prefix=${encodeURIComponent(prefix)}`),
    s3Object: async (bucket, key) => {
      const r = await call('GET', `/s3/object?bucket=${encodeURIComponent(bucket)}&key=${encodeURIComponent(key)}`).catch(() => undefined);
      return r ? Buffer.from(r.content, 'base64') : undefined;
    },
    s3Put: async (bucket, key, content) => void (await call('PUT', '/s3/object', { bucket, key, content: Buffer.from(content).toString('base64') })),
    status: () => call('GET', '/status'),
    template: () => call('GET', '/template'),
    fromInternet: (url, o = {}) => call('POST', '/internet', { url, ...o }),
    writeEfs: async (p, content) => void (await call('PUT', '/efs', { path: p, content: Buffer.from(content).toString('base64') })),
    close,
  };
}
