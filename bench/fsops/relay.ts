/**
 * The control channel of the counting preloads (bench/suite/fsops-preload.ts,
 * bench/code-cache/preload.ts), loaded with `node --import` into a `lamphp serve` process and so
 * into each of its PHP worker threads. In a worker: patches `fs` in place with `counter` (php-wasm's
 * NODEFS calls `fs.*Sync` on the module object, so every call of the mount is seen). In the main
 * thread: relays the parent's IPC messages to the workers over a BroadcastChannel and their
 * answers back. `{t:'reset'}` → `{t:'ack', threadId}`; `{t:'report'}` → `{t:'counts', threadId,
 * counts, trace}`.
 */
import fs from 'node:fs';
import { BroadcastChannel, isMainThread, threadId } from 'node:worker_threads';
import { patchFs, type FsOpCounter } from './counter.ts';

export function countWorkersFs(channelName: string, makeCounter: () => FsOpCounter): void {
  const channel = new BroadcastChannel(channelName);
  if (isMainThread) {
    process.on('message', (msg) => channel.postMessage(msg));
    channel.onmessage = (event) => process.send?.((event as MessageEvent).data);
    return;
  }
  channel.unref();
  const counter = makeCounter();
  patchFs(fs as unknown as Record<string, unknown>, counter);
  channel.onmessage = (event) => {
    const msg = (event as MessageEvent).data as { t: string };
    if (msg.t === 'reset') {
      counter.reset();
      channel.postMessage({ t: 'ack', threadId });
    } else if (msg.t === 'report') {
      channel.postMessage({ t: 'counts', threadId, counts: counter.counts(), trace: counter.trace });
    }
  };
}
