/**
 * The Runtime API transport alone: emulator round trips with a handler that answers at once
 * (no adapter, no bridge, no PHP), runtime loop and emulator in one process.
 *   node bench/lambda/transport.ts
 */
import { startEmulator } from '../../infra/twin/lambda/runtime-api.ts';
import { createRuntimeApiClient } from '../../runtime/lambda/client.ts';
import { runLoop } from '../../runtime/lambda/loop.ts';
import { createLogger } from '../../bridge/log.ts';
const emu = await startEmulator();
const ac = new AbortController();
const client = createRuntimeApiClient(emu.url);
const loop = runLoop({ client, logger: createLogger({ level: 'error' }), signal: ac.signal, handler: async () => ({ kind: 'buffered', payload: { statusCode: 200, body: 'hi' } }) });
const ev = JSON.parse((await import('node:fs')).readFileSync(new URL('../../test/fixtures/aws-events/lambda-urls-request.json', import.meta.url), 'utf8'));
const t: number[] = [];
for (let i = 0; i < 2200; i++) { const s = performance.now(); await emu.invoke(ev); if (i >= 200) t.push(performance.now() - s); }
t.sort((a, b) => a - b);
console.log('transport-only emulator round trip p50', t[Math.floor(t.length / 2)].toFixed(3), 'p99', t[Math.floor(t.length * 0.99)].toFixed(3));
ac.abort(); await emu.close(); process.exit(0);
