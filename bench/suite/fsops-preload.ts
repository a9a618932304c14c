/**
 * Loaded with `node --import` into a `lamphp serve` process (and so into each of its PHP
 * worker threads, which inherit the flag): counts the host filesystem calls each worker
 * makes, split into the document root (`root:<php|sqlite|json|asset|other>`) and everything
 * else (`outside`). Patching and the control channel: bench/fsops/relay.ts.
 */
import fs from 'node:fs';
import { FsOpCounter, classifyByExtension } from '../fsops/counter.ts';
import { countWorkersFs } from '../fsops/relay.ts';

export const CHANNEL = 'lamphp-bench-fsops';

const root = process.env.LAMPHP_BENCH_FSOPS_ROOT ? fs.realpathSync(process.env.LAMPHP_BENCH_FSOPS_ROOT) + '/' : undefined;

if (root !== undefined) {
  countWorkersFs(CHANNEL, () => new FsOpCounter({ classify: (p) => (p !== undefined && (p + '/').startsWith(root) ? `root:${classifyByExtension(p)}` : 'outside') }));
}
