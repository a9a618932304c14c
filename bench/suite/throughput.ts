/**
 * Closed-loop latency and throughput of hello.php and the WordPress home page on every
 * server, each page warmed up before it is measured, the servers taking turns.
 */
import { closedLoop, expectOk, mergeLoads, type LoadResult } from './load.ts';
import { ratio } from './stats.ts';
import { SERVER_KINDS, startServer, type RunningServer, type ServerKind } from './servers.ts';
import type { BenchTrees, Db } from './site.ts';
import type { Page, ThroughputRow } from './result.ts';
import type { Profile } from './profile.ts';

export const PAGE_PATH: Record<Page, string> = { hello: '/hello.php', wordpress: '/' };

/** hello.php is the same on every database: measured on the first site only. */
export function pagesFor(db: Db, dbs: readonly Db[]): Page[] {
  return db === dbs[0] ? ['hello', 'wordpress'] : ['wordpress'];
}

/** Fills `ratio` on lamphp rows from the native row of the same page, database and concurrency. */
export function withRatios(rows: ThroughputRow[]): ThroughputRow[] {
  return rows.map((row) => {
    if (row.server === 'native') return row;
    const base = rows.find((r) => r.server === 'native' && r.page === row.page && r.db === row.db && r.connections === row.connections);
    if (!base) return row;
    return {
      ...row,
      ratio: {
        p50: ratio(row.latencyMs.p50, base.latencyMs.p50),
        p99: ratio(row.latencyMs.p99, base.latencyMs.p99),
        reqPerS: ratio(row.reqPerS, base.reqPerS),
      },
    };
  });
}

/**
 * A timed warm-up at the highest concurrency, stretched until every worker has answered a
 * few times: a cold WordPress request (empty opcache) takes seconds on a busy machine.
 */
export async function warmUp(url: string, connections: number, profile: Profile): Promise<void> {
  const first = await closedLoop({ url, connections, durationS: profile.warmupS });
  const wanted = WARMUP_PER_WORKER * profile.parallel;
  // autocannon refuses an amount below its connection count.
  if (first.requests < wanted) await closedLoop({ url, connections, amount: Math.max(connections, wanted - first.requests) });
}

const WARMUP_PER_WORKER = 5;

/** Server order of round `i`: rotated, so no server always runs first (or right after another). */
export function roundOrder<T>(items: readonly T[], i: number): T[] {
  const k = items.length ? i % items.length : 0;
  return [...items.slice(k), ...items.slice(0, k)];
}

/**
 * Measures every page on every server. All servers of a database run at once and take turns
 * in short slices (`profile.rounds`), so other load on the machine is spread over all of
 * them. Rows go into `rows` as they are measured; a server that fails to start is left out
 * (and `onFailure` says so) while the others are measured.
 */
export async function runThroughput({
  trees,
  dbs,
  profile,
  workDir,
  servers = SERVER_KINDS,
  rows,
  log,
  onFailure,
}: {
  trees: BenchTrees;
  dbs: readonly Db[];
  profile: Profile;
  workDir: string;
  servers?: readonly ServerKind[];
  rows: ThroughputRow[];
  log: (line: string) => void;
  onFailure: (message: string) => void;
}): Promise<void> {
  const top = Math.max(...profile.concurrency);
  const slice = profile.durationS / profile.rounds;
  for (const db of dbs) {
    const site = trees.sites[db]!;
    const running: RunningServer[] = [];
    try {
      for (const kind of servers) {
        try {
          running.push(await startServer(kind, { root: site.dir, parallel: profile.parallel, workDir, readyPath: '/hello.php' }));
        } catch (err) {
          const message = `${kind} on ${db} did not start: ${(err as Error).message}`;
          log(`  failed: ${message}`);
          onFailure(message);
        }
      }
      for (const page of pagesFor(db, dbs)) {
        const measured: RunningServer[] = [];
        for (const server of running) {
          const url = server.url + PAGE_PATH[page];
          try {
            await expectOk(url);
            await warmUp(url, top, profile);
            measured.push(server);
          } catch (err) {
            const message = `${server.kind} on ${db}, ${page}: ${(err as Error).message}`;
            log(`  failed: ${message}`);
            onFailure(message);
          }
        }
        for (const connections of profile.concurrency) {
          const slices = new Map<ServerKind, LoadResult[]>(measured.map((s) => [s.kind, []]));
          for (let round = 0; round < profile.rounds; round++) {
            for (const server of roundOrder(measured, round)) {
              slices.get(server.kind)!.push(await closedLoop({ url: server.url + PAGE_PATH[page], connections, durationS: slice }));
            }
          }
          for (const server of measured) {
            const r = mergeLoads(slices.get(server.kind)!);
            log(`  ${page} ${db} ${server.kind} c=${connections}: ${r.reqPerS} req/s, p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms ${JSON.stringify(r.statusCodes)}`);
            rows.push({
              page,
              db,
              server: server.kind,
              connections,
              durationS: r.durationS,
              requests: r.requests,
              reqPerS: r.reqPerS,
              latencyMs: r.latencyMs,
              statusCodes: r.statusCodes,
              errors: r.errors,
            });
          }
        }
      }
    } finally {
      await Promise.all(running.map((s) => s.stop()));
    }
  }
  rows.splice(0, rows.length, ...withRatios(rows));
}
