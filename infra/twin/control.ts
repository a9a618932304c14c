/**
 * The twin's control API, on a Unix socket (infra/twin/index.ts is its client): what a test or
 * a traffic replay needs to drive the twin and read what happened, JSON in and out.
 *
 *   GET  /status                  outputs, resources, clock
 *   POST /deploy   {assembly}     deploy another synthesis of the stack (an update)
 *   POST /destroy                 delete the stack (custom resources get Delete)
 *   POST /resume                  finish a deploy started with pauseBefore
 *   POST /clock/advance {ms}      move a manual clock (timers, cache ages, keep-alive, schedules)
 *   GET  /template                the template deployed last
 *   PUT  /efs {path, content}     a file (base64) into an access point, as its POSIX user
 *   GET  /invocations?since=T     invocation records (instances.ts), twin-clock time ≥ T
 *   GET  /instances               running instances per function
 *   PUT  /settings {keepAliveMs, accountConcurrency}
 *   GET  /logs?group=G            collected log lines
 *   GET  /ssm/parameter?name=N    a parameter's value, decrypted (what the operator reads)
 *   GET  /invalidations           invalidations made through the CloudFront API stand-in
 *   POST /invalidate {paths}      CloudFront invalidation on every distribution
 *   POST /internet {url, method, headers}
 *                                 a request from the internet to an address of the stack (e.g.
 *                                 the Function URL, bypassing CloudFront): status, headers, text
 *   GET  /ses/messages            messages the SES stand-in accepted (raw MIME in base64)
 *   GET  /s3/keys?bucket=B&prefix=P   keys of a bucket under a prefix
 *   GET  /s3/object?bucket=B&key=K    an object's bytes (base64), or 404
 *   PUT  /s3/object {bucket, key, content}   an object written as the bucket's owner (notifications follow)
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Clock, ManualClock } from './clock.ts';
import { readAssembly } from './assembly.ts';
import { startCloudFrontApi } from './cloudfront/api.ts';
import { distributions } from './cloudfront/resources.ts';
import { writeIntoAccessPoint } from './efs.ts';
import { readBody } from './endpoint.ts';
import { lambdaService } from './lambda/functions.ts';
import { publishAssets, s3Service } from './s3.ts';
import { sesService } from './ses.ts';
import { ssmService } from './ssm.ts';
import type { Twin } from './twin.ts';

export async function serveControl(twin: Twin, socketPath: string, clock: Clock): Promise<http.Server> {
  const routes: Record<string, (body: any, query: URLSearchParams) => Promise<unknown> | unknown> = {
    'GET /status': () => ({
      stackName: twin.stackName,
      outputs: twin.outputs(),
      resources: [...twin.deployed].map(([logicalId, d]) => ({ logicalId, type: d.type, ref: d.standIn.ref, attributes: d.standIn.attributes ?? {} })),
      clock: { kind: clock.kind, now: clock.now() },
      history: twin.history,
    }),
    'POST /deploy': async (b) => {
      const assembly = readAssembly(b.assembly, b.stack);
      await publishAssets(twin, assembly.assets);
      return { events: await twin.deploy(assembly), outputs: twin.outputs() };
    },
    'POST /destroy': async () => ({ events: await twin.destroy() }),
    'POST /resume': async () => ({ events: await twin.resume(), outputs: twin.outputs() }),
    'POST /clock/advance': (b) => {
      if (clock.kind !== 'manual') throw Object.assign(new Error('The twin runs on the real clock; start it with clock: "manual" to move time.'), { status: 409 });
      (clock as ManualClock).advance(Number(b.ms));
      return { now: clock.now() };
    },
    'GET /template': () => twin.assembly?.template ?? {},
    'PUT /efs': (b) => ({ written: writeIntoAccessPoint(twin, b.path, Buffer.from(b.content, 'base64'), b.accessPointId) }),
    'GET /invocations': async (_b, q) => {
      const since = Number(q.get('since') ?? 0);
      return (await lambdaService(twin)).records().filter((r) => r.at >= since);
    },
    'GET /instances': async () => Object.fromEntries([...(await lambdaService(twin)).functions.values()].map((f) => [f.name, f.pool.info()])),
    'PUT /settings': async (b) => {
      Object.assign(twin.settings, b);
      for (const f of (await lambdaService(twin)).functions.values()) f.pool.rearm();
      return twin.settings;
    },
    'GET /logs': (_b, q) => twin.logs.events(q.get('group') ? { group: q.get('group')! } : {}),
    'GET /ssm/parameter': async (_b, q) => {
      const p = (await ssmService(twin)).parameters.get(q.get('name') ?? '');
      if (!p) throw Object.assign(new Error(`No parameter ${q.get('name')}`), { status: 404 });
      return p;
    },
    'GET /invalidations': async () => (await startCloudFrontApi(twin)).invalidations,
    'POST /internet': (b) => fromInternet(twin, b),
    'GET /ses/messages': async () =>
      (await sesService(twin)).sent.map((m) => ({ messageId: m.messageId, at: m.at, from: m.fromEmailAddress, to: m.destination.to, raw: Buffer.from(m.raw).toString('base64') })),
    'GET /s3/keys': async (_b, q) => (await s3Service(twin)).list(q.get('bucket') ?? '', q.get('prefix') ?? ''),
    'GET /s3/object': async (_b, q) => {
      const body = await (await s3Service(twin)).get(q.get('bucket') ?? '', q.get('key') ?? '');
      if (!body) throw Object.assign(new Error(`No object ${q.get('bucket')}/${q.get('key')}`), { status: 404 });
      return { content: body.toString('base64') };
    },
    'PUT /s3/object': async (b) => {
      await (await s3Service(twin)).putAsOwner(b.bucket, b.key, Buffer.from(b.content, 'base64'));
      return { written: `${b.bucket}/${b.key}` };
    },
    'POST /invalidate': async (b) => {
      let n = 0;
      for (const d of (await distributions(twin)).values()) n += d.cache.invalidate(b.paths ?? ['/*']);
      return { invalidated: n };
    },
  };
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://twin');
      const route = routes[`${req.method} ${url.pathname}`];
      const reply = (status: number, value: unknown) => {
        const text = JSON.stringify(value);
        res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      };
      if (!route) return reply(404, { error: `No route ${req.method} ${url.pathname}` });
      try {
        const body = await readBody(req);
        reply(200, await route(body.length ? JSON.parse(body.toString('utf8')) : {}, url.searchParams));
      } catch (err) {
        reply((err as { status?: number }).status ?? 500, { error: (err as Error).message });
      }
    })();
  });
  server.requestTimeout = 0;
  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve) => server.listen(socketPath, () => resolve()));
  return server;
}

/** One HTTPS request from an address of its own on the namespace's "internet", by the twin's DNS. */
function fromInternet(twin: Twin, b: { url: string; method?: string; headers?: Record<string, string> }) {
  const url = new URL(b.url);
  const address = twin.network.lookup(url.hostname);
  if (!address) throw Object.assign(new Error(`${url.hostname} does not resolve in the twin.`), { status: 404 });
  return new Promise((resolve, reject) => {
    const req = https.request(
      { host: address, servername: url.hostname, port: Number(url.port || 443), method: b.method ?? 'GET', path: url.pathname + url.search, headers: { host: url.host, ...b.headers }, ca: twin.tls.caPem, localAddress: twin.network.address('internet-client'), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}
