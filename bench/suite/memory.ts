/**
 * Resident memory: after a warm-up, and again after many more requests (runtime rotations
 * included). lamphp's PHP workers are threads, so the serve process's RSS holds them all; a
 * Lambda-shaped environment is one process with one worker; native is php-fpm (master and
 * children) plus nginx, summed.
 */
import { closedLoop, expectOk } from './load.ts';
import { mib } from './stats.ts';
import { processTree, treeRssBytes } from './proc.ts';
import { SERVER_KINDS, startServer, type ServerKind } from './servers.ts';
import { PAGE_PATH } from './throughput.ts';
import type { BenchTrees, Db } from './site.ts';
import type { MemoryRow, Page } from './result.ts';
import type { Profile } from './profile.ts';

export async function runMemory({
  trees,
  db,
  profile,
  workDir,
  servers = SERVER_KINDS,
  log,
}: {
  trees: BenchTrees;
  db: Db;
  profile: Profile;
  workDir: string;
  servers?: readonly ServerKind[];
  log: (line: string) => void;
}): Promise<MemoryRow[]> {
  const rows: MemoryRow[] = [];
  const root = trees.sites[db]!.dir;
  for (const page of ['hello', 'wordpress'] as Page[]) {
    for (const kind of servers) {
      // A fresh server per page, so each reading belongs to one page.
      const server = await startServer(kind, { root, parallel: profile.parallel, workDir, readyPath: '/hello.php' });
      try {
        const url = server.url + PAGE_PATH[page];
        await expectOk(url);
        const warm = await closedLoop({ url, connections: profile.parallel, amount: profile.memoryWarmup[page] });
        const afterWarmup = treeRssBytes(server.pids);
        const run = await closedLoop({ url, connections: profile.parallel, amount: profile.memoryRequests[page] });
        const after = treeRssBytes(server.pids);
        const statusCodes: Record<string, number> = { ...warm.statusCodes };
        for (const [code, n] of Object.entries(run.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
        const row: MemoryRow = {
          page,
          db,
          server: kind,
          processes: server.pids.flatMap(processTree).length,
          warmupRequests: warm.requests,
          rssAfterWarmupMiB: mib(afterWarmup),
          requests: run.requests,
          rssAfterMiB: mib(after),
          statusCodes,
        };
        log(`  memory ${page} ${kind}: ${row.rssAfterWarmupMiB} MiB after ${row.warmupRequests}, ${row.rssAfterMiB} MiB after ${row.requests} more`);
        rows.push(row);
      } finally {
        await server.stop();
      }
    }
  }
  return rows;
}
