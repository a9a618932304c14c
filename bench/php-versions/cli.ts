/**
 * The same warm WordPress requests on every PHP version php-wasm ships, against native php-fpm
 * 8.2 + nginx serving the same tree and database in the same run.
 *
 *   node bench/php-versions/cli.ts [--versions 8.2,8.3,8.4,8.5] [--db sqlite,mysql]
 *     [--servers serve,lambda] [--journal DELETE,TRUNCATE,PERSIST,WAL] [--split] [--persistent]
 *     [--warmup 40] [--rounds 6] [--per-round 10] [--cold 5] [--no-write]
 *
 * Every server has one PHP worker (one fpm child): requests are sequential, so the time is one
 * request's, not a queue's. `--journal` adds rows for the SQLite site with other
 * `SQLITE_JOURNAL_MODE` values (each on its own copy of the site: WAL is stored in the file);
 * `--persistent` adds the timing drop-in with and without the SQLite driver's persistent connection;
 * `--split` times where the SQLite site's database time goes (bench/php-versions/sqlite-split.ts);
 * `--cold N` times N Lambda-shaped cold starts of the WordPress home per version (opcache snapshot
 * restored, versions alternating), since a larger PHP build compiles longer.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../bridge/log.ts';
import { PHP_VERSIONS, DEFAULT_PHP_VERSION } from '../../bridge/config.ts';
import { prepareTrees, mariadb, type BenchTrees, type Db } from '../suite/site.ts';
import { startServer, type RunningServer, type ServerKind } from '../suite/servers.ts';
import { commit, firstLine, list, machine } from '../suite/cli.ts';
import { fpmBinary, nginxBinary } from '../native/native.ts';
import { median, percentile, ratio, round } from '../suite/stats.ts';
import { replaceSection } from '../suite/markdown.ts';
import { REPO } from '../suite/lambda-front.ts';
import { checkPage, interleaved, timedGet, warmUp, type PageCheck, type Target } from './measure.ts';
import { journalCopy, JOURNAL_MODES, type JournalMode } from './journal.ts';
import { instrumentedCopy, measureSplit, type SplitRow } from './sqlite-split.ts';
import { coldLambda, primeSnapshot } from '../suite/cold-start.ts';
import { renderReport, SECTION_START, SECTION_END, type ColdVersionRow, type VersionRow, type VersionsResult } from './report.ts';

type Kind = Exclude<ServerKind, 'native'>;

interface Args {
  versions: string[];
  dbs: Db[];
  kinds: Kind[];
  journals: JournalMode[];
  split: boolean;
  persistent: boolean;
  cold: number;
  warmup: number;
  rounds: number;
  perRound: number;
  write: boolean;
}

function parse(argv: string[]): Args {
  const { values } = parseArgs({
    args: argv,
    options: {
      versions: { type: 'string' },
      db: { type: 'string' },
      servers: { type: 'string' },
      journal: { type: 'string' },
      split: { type: 'boolean', default: false },
      persistent: { type: 'boolean', default: false },
      cold: { type: 'string', default: '0' },
      warmup: { type: 'string', default: '40' },
      rounds: { type: 'string', default: '6' },
      'per-round': { type: 'string', default: '10' },
      'no-write': { type: 'boolean', default: false },
    },
    strict: true,
  });
  return {
    versions: list(values.versions, PHP_VERSIONS, '--versions') ?? [...PHP_VERSIONS],
    dbs: list(values.db, ['sqlite', 'mysql'] as const, '--db') ?? ['sqlite', 'mysql'],
    kinds: list(values.servers, ['serve', 'lambda'] as const, '--servers') ?? ['serve'],
    journals: list(values.journal, JOURNAL_MODES, '--journal') ?? [],
    split: values.split,
    persistent: values.persistent,
    cold: Number(values.cold),
    warmup: Number(values.warmup),
    rounds: Number(values.rounds),
    perRound: Number(values['per-round']),
    write: !values['no-write'],
  };
}

/** Exact PHP release of each php-wasm build, from its package's directory name (8_3_33 → 8.3.33). */
function wasmRelease(version: string): string {
  const dir = path.join(REPO, 'node_modules/@php-wasm', `node-${version.replace('.', '-')}`, 'jspi');
  const found = fs.readdirSync(dir).find((d) => /^\d+_\d+_\d+$/.test(d));
  return found ? found.replaceAll('_', '.') : version;
}

interface Planned {
  target: Target;
  row: Omit<VersionRow, 'n' | 'medianMs' | 'p90Ms' | 'p99Ms' | 'ratio' | 'ratioSameVersion' | 'statuses' | 'check' | 'sameAsNative' | 'cpuMsPerRequest' | 'cpuRatio'>;
  start: () => Promise<RunningServer>;
}

export async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-phpver-'));
  const startedAt = new Date().toISOString();
  const m = machine();
  let trees: BenchTrees | undefined;
  const running: RunningServer[] = [];
  const rows: VersionRow[] = [];
  const split: SplitRow[] = [];
  const cold: ColdVersionRow[] = [];
  const failures: string[] = [];
  const cleanup = async () => {
    await Promise.all(running.map((s) => s.stop().catch(() => {})));
    await trees?.close().catch(() => {});
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    log(`preparing WordPress (${args.dbs.join(', ')}) in ${workDir}`);
    trees = await prepareTrees({ workDir, dbs: args.dbs, logger: createLogger({ level: 'warn' }) });
    for (const db of args.dbs) {
      const site = trees.sites[db]!;
      const plans: Planned[] = [
        {
          target: { id: `${db}/native`, url: '' },
          row: { db, server: 'native', php: '8.2', variant: 'php-fpm' },
          start: () => startServer('native', { root: site.dir, parallel: 1, workDir, readyPath: '/hello.php' }),
        },
      ];
      for (const version of args.versions) {
        for (const kind of args.kinds) {
          plans.push({
            target: { id: `${db}/${kind}/${version}`, url: '' },
            row: { db, server: kind, php: version, variant: 'default' },
            start: () => startServer(kind, { root: site.dir, parallel: 1, workDir, readyPath: '/hello.php', env: { LAMPHP_PHP_VERSION: version } }),
          });
        }
      }
      if (db === 'sqlite' && args.persistent) {
        // The timing drop-in with and without the driver's persistent connection, side by side.
        const best = args.versions.at(-1)!;
        for (const persistent of [false, true]) {
          const copy = instrumentedCopy(site.dir, path.join(workDir, `wp-sqlite-dropin-${persistent}`), { persistent });
          plans.push({
            target: { id: `${db}/serve/${best}/dropin-${persistent}`, url: '' },
            row: { db, server: 'serve', php: best, variant: persistent ? 'timing drop-in + PDO::ATTR_PERSISTENT' : 'timing drop-in' },
            start: () => startServer('serve', { root: copy, parallel: 1, workDir, readyPath: '/hello.php', env: { LAMPHP_PHP_VERSION: best } }),
          });
        }
      }
      if (db === 'sqlite') {
        for (const mode of args.journals) {
          const copy = journalCopy(site.dir, path.join(workDir, `wp-sqlite-${mode.toLowerCase()}`), mode);
          plans.push({
            target: { id: `${db}/serve/${DEFAULT_PHP_VERSION}/journal-${mode}`, url: '' },
            row: { db, server: 'serve', php: DEFAULT_PHP_VERSION, variant: `SQLITE_JOURNAL_MODE=${mode}` },
            start: () => startServer('serve', { root: copy, parallel: 1, workDir, readyPath: '/hello.php' }),
          });
        }
      }
      const started: Planned[] = [];
      for (const plan of plans) {
        try {
          const server = await plan.start();
          running.push(server);
          plan.target.url = server.url;
          // The Lambda-shaped front runs in this process: only its bootstrap processes are counted.
          plan.target.pids = server.pids;
          started.push(plan);
          log(`  started ${plan.target.id} at ${server.url}`);
        } catch (err) {
          failures.push(`${plan.target.id} did not start: ${(err as Error).message}`);
          log(`  failed: ${plan.target.id}: ${(err as Error).message}`);
        }
      }
      const checks = new Map<string, PageCheck>();
      for (const plan of started) {
        const first = await timedGet(plan.target.url + '/');
        checks.set(plan.target.id, checkPage(first.status, first.body));
      }
      const targets = started.map((p) => p.target);
      log(`  warm-up: ${args.warmup} requests each`);
      await warmUp(targets, '/', args.warmup);
      const { samples, statuses, cpuMs } = await interleaved(targets, '/', {
        rounds: args.rounds,
        perRound: args.perRound,
        onRound: (r) => log(`  round ${r + 1}/${args.rounds}`),
      });
      const nativeCheck = checks.get(`${db}/native`);
      const nativeMedian = median(samples.get(`${db}/native`) ?? []);
      const cpuPerRequest = (id: string) => round(cpuMs.get(id)! / Math.max(1, samples.get(id)!.length), 1);
      const nativeCpu = cpuPerRequest(`${db}/native`);
      for (const plan of started) {
        const s = [...samples.get(plan.target.id)!].sort((a, b) => a - b);
        const check = checks.get(plan.target.id)!;
        const med = median(s);
        rows.push({
          ...plan.row,
          n: s.length,
          medianMs: round(med, 2),
          p90Ms: round(percentile(s, 90), 2),
          p99Ms: round(percentile(s, 99), 2),
          ratio: plan.row.server === 'native' ? null : ratio(med, nativeMedian),
          ratioSameVersion: plan.row.server !== 'native' && plan.row.php === '8.2' ? ratio(med, nativeMedian) : null,
          cpuMsPerRequest: cpuPerRequest(plan.target.id),
          cpuRatio: plan.row.server === 'native' ? null : ratio(cpuPerRequest(plan.target.id), nativeCpu),
          statuses: statuses.get(plan.target.id)!,
          check,
          sameAsNative:
            !!nativeCheck &&
            check.status === 200 &&
            check.title === nativeCheck.title &&
            JSON.stringify(check.postLinks) === JSON.stringify(nativeCheck.postLinks) &&
            check.phpMessages.length === 0,
        });
        log(`  ${plan.target.id}: median ${round(med, 1)} ms (${rows.at(-1)!.ratio ?? '–'}× native), CPU ${rows.at(-1)!.cpuMsPerRequest} ms/request (${rows.at(-1)!.cpuRatio ?? '–'}×) ${JSON.stringify(statuses.get(plan.target.id))}`);
      }
      await Promise.all(running.splice(0).map((s) => s.stop()));
      if (args.split) {
        for (const row of await measureSplit({ siteDir: site.dir, db, workDir, versions: args.versions, warmup: args.warmup, rounds: args.rounds, perRound: args.perRound })) {
          log(`  database split, ${db}, PHP ${row.php}: ${JSON.stringify(row)}`);
          split.push(row);
        }
      }
      if (args.cold > 0 && db === args.dbs[0]) {
        const runs = new Map<string, number[]>(args.versions.map((v) => [v, []]));
        for (const version of args.versions) await primeSnapshot(site.dir, workDir, 3, { LAMPHP_PHP_VERSION: version });
        for (let i = 0; i < args.cold; i++) {
          for (const version of args.versions) runs.get(version)!.push(round(await coldLambda(site.dir, 'wordpress', workDir, { LAMPHP_PHP_VERSION: version }), 1)!);
        }
        for (const [version, ms] of runs) {
          cold.push({ db, php: version, runsMs: ms, medianMs: round(median(ms), 1) });
          log(`  cold start, ${db}, PHP ${version}: median ${round(median(ms), 1)} ms (${ms.join(', ')})`);
        }
      }
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
  const result: VersionsResult = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `node bench/php-versions/cli.ts${argv.length ? ' ' + argv.join(' ') : ''}`,
    commit: commit(),
    machine: { ...m, loadAfter: os.loadavg().map((l) => Math.round(l * 100) / 100) },
    tools: {
      native: firstLine(fpmBinary(), ['-v']).replace(/\s*\(built.*$/, ''),
      nginx: firstLine(nginxBinary(), ['-v']).replace(/^nginx version:\s*nginx\//, ''),
      wasm: Object.fromEntries(args.versions.map((v) => [v, wasmRelease(v)])),
      WordPress: trees?.wordpressVersion ?? 'unknown',
      ...(args.dbs.includes('mysql') ? { MariaDB: mariadb('SELECT VERSION()').trim() } : {}),
    },
    settings: { warmup: args.warmup, rounds: args.rounds, perRound: args.perRound, defaultVersion: DEFAULT_PHP_VERSION },
    rows,
    split,
    cold,
    failures,
  };
  const jsonRel = `bench/results/php-versions-${startedAt.slice(0, 10)}.json`;
  const section = renderReport(result, jsonRel);
  if (args.write) {
    fs.writeFileSync(path.join(REPO, jsonRel), JSON.stringify(result, null, 2) + '\n');
    const md = path.join(REPO, 'BENCHMARKS.md');
    fs.writeFileSync(md, replaceSection(fs.readFileSync(md, 'utf8'), section, SECTION_START, SECTION_END));
    log(`wrote ${jsonRel} and the PHP-version section of BENCHMARKS.md`);
  } else {
    log(section);
  }
  return failures.length ? 1 : 0;
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
