#!/usr/bin/env node
// Entry of the `lamphp` command. Plain JavaScript so any node can start it: Node 24 runs
// lamphp's TypeScript directly (type stripping); an older node re-executes this file with
// the Node 24 pinned in node_modules, or explains what to install.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN_MAJOR = 24;
const here = path.dirname(fileURLToPath(import.meta.url));

function pinnedNode() {
  // Walk up from the package: node_modules/.bin/node is put there by the `node` devDependency.
  for (let dir = path.resolve(here, '..'); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', '.bin', 'node');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

const major = Number(process.versions.node.split('.')[0]);
if (major < MIN_MAJOR) {
  const node = pinnedNode();
  if (!node || process.env.LAMPHP_REEXEC === '1') {
    process.stderr.write(
      `lamphp needs Node ${MIN_MAJOR} or newer (this is ${process.version}). ` +
        'Run `npm ci` in the lamphp checkout to get the pinned Node, or install Node 24.\n',
    );
    process.exit(1);
  }
  const result = spawnSync(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, LAMPHP_REEXEC: '1' },
  });
  process.exit(result.status ?? 1);
} else {
  const { main } = await import('./cli.ts');
  process.exitCode = await main(process.argv.slice(2));
}
