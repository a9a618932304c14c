/**
 * `npm run stack:local`: the synthesized stack (default: SQLite behind a Function URL) run on
 * this machine by the twin, with no internet; prints the local CloudFront URL and keeps it up
 * until Ctrl-C. `-- --check` instead runs the first-visit journey without a browser
 * (infra/twin/journey.ts) on the twin's manual clock and exits 0 or 1 with one summary line.
 *
 *   npm run stack:local [-- [--check] [-c key=value …] [--port N] [--verbose]]
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildLayer } from '../../layer/build.ts';
import { REPO_ROOT } from '../app.ts';
import { INSTALL_RESOURCE_TYPE } from '../contracts.ts';
import { DEFAULT_LAYER_ZIP } from '../wordpress-on-lambda.ts';
import { startTwin, TwinError } from './index.ts';
import { adminPassword, runJourney } from './journey.ts';

const { values } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    context: { type: 'string', short: 'c', multiple: true, default: [] },
    port: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const context: Record<string, string> = {};
for (const kv of values.context) {
  const eq = kv.indexOf('=');
  if (eq <= 0) throw new TwinError(`Context must be key=value, got "${kv}".`);
  context[kv.slice(0, eq)] = kv.slice(eq + 1);
}

async function portFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const say = (line: string) => process.stderr.write(`stack:local: ${line}\n`);
const started = performance.now();
try {
  // The twin deploys what `cdk deploy` would: the real layer, built if it is not there yet.
  if (!context.layerZip && !fs.existsSync(path.join(REPO_ROOT, DEFAULT_LAYER_ZIP))) {
    say(`building the layer (${DEFAULT_LAYER_ZIP})`);
    await buildLayer({ print: () => {} });
  }
  if (values.check) {
    // The check sends a password reset: mail needs an SES identity (the twin's SES takes the one the template creates).
    if (!context.sesIdentity) {
      context.sesIdentity = 'example.com';
      say('checking with -c sesIdentity=example.com (mail through SES; give -c sesIdentity=… to choose)');
    }
    const twin = await startTwin({ context, clock: 'manual', pauseBefore: [INSTALL_RESOURCE_TYPE], echo: values.verbose, log: say });
    let steps;
    try {
      steps = await runJourney(twin, values.verbose ? say : () => {});
    } finally {
      await twin.close();
    }
    const failed = steps.filter((s) => !s.ok);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    console.log(
      `stack twin check: ${steps.length - failed.length} passed, ${failed.length} failed in ${seconds} s` +
        (failed.length ? ` — ${failed.map((s) => `${s.name}: ${s.detail}`).join('; ')}` : ''),
    );
    process.exit(failed.length ? 1 : 0);
  }
  // On port 443 the site's own address works in any browser (*.localhost is this machine).
  const port = values.port ? Number(values.port) : (await portFree(443)) ? 443 : 0;
  const twin = await startTwin({ context, clock: 'real', port, echo: values.verbose, log: say });
  const admin = await adminPassword(twin);
  console.log(`CloudFront (local): ${twin.siteUrl}/`);
  if (twin.port !== 443) console.log(`Port 443 is taken here: start Chromium with ${twin.chromiumHostRule}`);
  if (admin) console.log(`Log in at ${twin.siteUrl}/wp-login.php as ${admin.user} with ${admin.password} (from the stack's SSM parameter)`);
  console.log("The certificate comes from the twin's own authority: accept it in the browser. Ctrl-C stops the twin.");
  const stop = async () => {
    await twin.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
} catch (err) {
  console.error(`stack:local: ${(err as Error).message}`);
  process.exit(1);
}
