/**
 * The twin's process, started by infra/twin/index.ts inside new network, PID and mount
 * namespaces (`unshare`): only loopback exists, so the stack is proven to need nothing outside
 * itself. It brings loopback up, publishes the assembly's assets, deploys the template, prints
 * one JSON line `{"ready":…}` and serves the control API (control.ts) on a Unix socket.
 */
import { execFileSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { readAssembly } from './assembly.ts';
import { manualClock, realClock } from './clock.ts';
import { serveControl } from './control.ts';
import { createLogStore } from './logs.ts';
import { Network } from './network.ts';
import { startCloudFrontApi } from './cloudfront/api.ts';
import { responseService } from './custom-resource.ts';
import { startInvokeApi } from './lambda/invoke-api.ts';
import { publishAssets, s3Service } from './s3.ts';
import { secretsService } from './secrets-manager.ts';
import { sesService } from './ses.ts';
import { ssmService } from './ssm.ts';
import { createTls } from './tls.ts';
import { Twin } from './twin.ts';

const { values } = parseArgs({
  options: {
    assembly: { type: 'string' },
    stack: { type: 'string' },
    data: { type: 'string' },
    'edge-socket': { type: 'string' },
    'control-socket': { type: 'string' },
    clock: { type: 'string', default: 'real' },
    'keep-alive-ms': { type: 'string' },
    'pause-before': { type: 'string', multiple: true },
    echo: { type: 'boolean', default: false },
  },
});

execFileSync('ip', ['link', 'set', 'lo', 'up']);
const clock = values.clock === 'manual' ? manualClock() : realClock();
const logs = createLogStore(() => clock.now(), {
  echo: values.echo ? (e) => process.stderr.write(`${e.group} ${e.message}\n`) : undefined,
});
const twin = new Twin({
  clock,
  logs,
  network: new Network(),
  tls: createTls(`${values.data}/tls`),
  dataDir: values.data!,
  settings: {
    edgeSocket: values['edge-socket'],
    ...(values['keep-alive-ms'] && { keepAliveMs: Number(values['keep-alive-ms']) }),
  },
  pauseBefore: values['pause-before'] ?? [],
  onPause: (at) => process.stdout.write(`${JSON.stringify({ paused: at })}\n`),
});

const shutdown = async (code: number) => {
  await twin.close().catch(() => {});
  process.exit(code);
};
process.on('SIGTERM', () => void shutdown(0));
process.on('SIGINT', () => void shutdown(0));

try {
  await serveControl(twin, values['control-socket']!, clock);
  // AWS's APIs exist whatever the template creates: functions may call them.
  await Promise.all([s3Service(twin), startInvokeApi(twin), ssmService(twin), secretsService(twin), responseService(twin), startCloudFrontApi(twin), sesService(twin)]);
  const assembly = readAssembly(values.assembly!, values.stack);
  await publishAssets(twin, assembly.assets);
  const events = await twin.deploy(assembly);
  process.stdout.write(`${JSON.stringify({ ready: { outputs: twin.outputs(), resources: events.length } })}\n`);
} catch (err) {
  process.stdout.write(`${JSON.stringify({ error: { message: `${(err as Error).message}${(err as Error).cause ? ` (${String((err as { cause: Error }).cause.message ?? (err as Error).cause)})` : ""}`, stack: (err as Error).stack } })}\n`);
  await shutdown(1);
}
