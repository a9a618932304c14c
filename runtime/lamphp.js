#!/usr/bin/env node
// Entry of the `lamphp` command. Plain JavaScript so any node can start it: Node 24 runs
// lamphp's TypeScript directly (type stripping); an older node re-executes this file with
// the Node 24 pinned in node_modules, or explains what to install.
import { spawn } from 'node:child_process';
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
  // In a process group of its own, so that a signal reaches it once, through this process,
  // whether it was sent to this pid alone (a service manager, `kill`) or to the terminal's group.
  const child = spawn(node, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    detached: true,
    env: { ...process.env, LAMPHP_REEXEC: '1' },
  });
  // Stopping this process stops the real one, and this process ends the way the child did.
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'];
  for (const signal of forwarded) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    process.stderr.write(`lamphp: cannot start ${node}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      for (const s of forwarded) process.removeAllListeners(s);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
} else {
  const { main } = await import('./cli.ts');
  process.exitCode = await main(process.argv.slice(2));
}
