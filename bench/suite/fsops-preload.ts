/**
 * Loaded with `node --import` into a `lamphp serve` process (and so into each of its PHP
 * worker threads, which inherit the flag): counts the host filesystem calls each worker
 * makes, split into the document root (`root:<php|sqlite|json|asset|other>`) and everything
 * else (`outside`). php-wasm's NODEFS calls `fs.*Sync` on the module object, so patching it
 * in place (bench/fsops `patchFs`) sees every call the mount makes.
 *
 * Control over the parent's IPC channel: `{t:'reset'}` and `{t:'report'}` go to every worker
 * on a BroadcastChannel; workers answer `{t:'ack'}` / `{t:'counts', counts}`.
 */
import fs from 'node:fs';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import { FsOpCounter, patchFs, classifyByExtension } from '../fsops/counter.ts';

export const CHANNEL = 'lamphp-bench-fsops';

const root = process.env.LAMPHP_BENCH_FSOPS_ROOT ? fs.realpathSync(process.env.LAMPHP_BENCH_FSOPS_ROOT) + '/' : undefined;

if (root !== undefined) {
  const channel = new BroadcastChannel(CHANNEL);
  if (isMainThread) {
    // Relay between the parent process and the workers.
    process.on('message', (msg) => channel.postMessage(msg));
    channel.onmessage = (event) => process.send?.((event as MessageEvent).data);
  } else {
    channel.unref();
    const counter = new FsOpCounter({
      classify: (p) => (p !== undefined && (p + '/').startsWith(root) ? `root:${classifyByExtension(p)}` : 'outside'),
    });
    patchFs(fs as unknown as Record<string, unknown>, counter);
    channel.onmessage = (event) => {
      const msg = (event as MessageEvent).data as { t: string };
      if (msg.t === 'reset') {
        counter.reset();
        channel.postMessage({ t: 'ack', threadId });
      } else if (msg.t === 'report') {
        channel.postMessage({ t: 'counts', threadId, counts: counter.counts() });
      }
    };
  }
}
