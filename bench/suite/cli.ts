/**
 * `npm run bench`: lamphp against native php-fpm + nginx, measured in one run against
 * baselines started in the same run. Writes bench/results/suite-<date>.json and replaces the
 * generated section of BENCHMARKS.md.
 *
 *   node bench/suite/cli.ts [--quick] [--only part,part] [--db sqlite,mysql] [--no-write]
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { createLogger } from '../../bridge/log.ts';
import { readConfig } from '../../bridge/config.ts';
import { PARTS, PROFILES, type Part, type Profile } from './profile.ts';
import { helloTree, prepareTrees, mariadb, type BenchTrees, type Db } from './site.ts';
import { runThroughput } from './throughput.ts';
import { runOverhead } from './overhead.ts';
import { runColdStarts } from './cold-start.ts';
import { countFsops } from './fsops.ts';
import { runMemory } from './memory.ts';
import { runTail } from './tail.ts';
import { renderSection } from './report.ts';
import { replaceSection } from './markdown.ts';
import { fpmBinary, nginxBinary } from '../native/native.ts';
import { REPO } from './lambda-front.ts';
import type { Machine, SuiteResult } from './result.ts';

export const USAGE = `Usage: npm run bench -- [options]

  --quick             a few minutes in all (shorter runs, fewer requests; labelled in the report)
  --only PARTS        comma-separated: ${PARTS.join(', ')} (default: all)
  --db DBS            comma-separated: sqlite, mysql (default: both; MySQL is the MariaDB at 127.0.0.1:3306)
  --no-write          print the report; leave BENCHMARKS.md and bench/results alone
  -h, --help          this text

Long runs are separate commands: npm run bench:ramp (see bench/README.md).`;

export interface SuiteArgs {
  profile: Profile;
  parts: Part[];
  dbs: Db[];
  write: boolean;
  help: boolean;
}

/** A comma-separated flag value as allowed items in their canonical order; undefined when the flag is absent. */
export function list<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = items.filter((s) => !allowed.includes(s as T));
  if (unknown.length || items.length === 0) {
    throw new Error(`${flag} takes ${allowed.join(', ')} (comma-separated); got "${value}".`);
  }
  // In the canonical order, without duplicates.
  return allowed.filter((a) => items.includes(a));
}

export function parseSuiteArgs(argv: string[]): SuiteArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      db: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  return {
    profile: PROFILES[values.quick ? 'quick' : 'full'],
    parts: list(values.only, PARTS, '--only') ?? [...PARTS],
    dbs: list(values.db, ['sqlite', 'mysql'] as const, '--db') ?? ['sqlite', 'mysql'],
    write: !values['no-write'],
    help: values.help,
  };
}

/** First line a tool prints about itself (nginx -v writes to stderr). */
export function firstLine(command: string, args: string[]): string {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n')[0]!.trim() || 'unavailable';
}

function versions(trees: BenchTrees | undefined, dbs: Db[]): Record<string, string> {
  const require = createRequire(import.meta.url);
  const phpWasm = (require('@php-wasm/node/package.json') as { version: string }).version;
  const v: Record<string, string> = {
    lamphp: `PHP ${readConfig({}).phpVersion} on @php-wasm/node ${phpWasm} (JSPI), Node ${process.versions.node}`,
    native: firstLine(fpmBinary(), ['-v']).replace(/\s*\(built.*$/, '').replace(/\(fpm-fcgi\)/, 'php-fpm'),
    nginx: firstLine(nginxBinary(), ['-v']).replace(/^nginx version:\s*nginx\//, ''),
  };
  if (trees) v.WordPress = trees.wordpressVersion;
  if (dbs.includes('mysql')) {
    try {
      v.MariaDB = mariadb('SELECT VERSION()').trim();
    } catch {
      v.MariaDB = 'unavailable';
    }
  }
  return v;
}

export function commit(): string | undefined {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' });
  if (head.status !== 0) return undefined;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO, encoding: 'utf8' });
  return head.stdout.trim() + (dirty.stdout.trim() ? '+changes' : '');
}

export function machine(): Machine {
  const cpus = os.cpus();
  return {
    host: os.hostname(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.versions.node,
    loadBefore: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export async function main(argv: string[]): Promise<number> {
  let args: SuiteArgs;
  try {
    args = parseSuiteArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { profile, parts, dbs } = args;
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const result: SuiteResult = {
    profile,
    parts,
    dbs,
    startedAt: new Date().toISOString(),
    command: `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`,
    commit: commit(),
    machine: machine(),
    versions: {},
    failures: [],
  };
  if (result.machine.loadBefore[0]! > 1.5) log(`note: load average is ${result.machine.loadBefore[0]} — absolute numbers will be noisy`);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-bench-'));
  const logger = createLogger({ level: 'warn' });
  let trees: BenchTrees | undefined;
  const cleanup = async () => {
    await trees?.close().catch(() => {});
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const attempt = async (part: Part, fn: () => Promise<void>) => {
    if (!parts.includes(part)) return;
    log(`[${part}]`);
    const t0 = performance.now();
    try {
      await fn();
    } catch (err) {
      const message = (err as Error).stack ?? String(err);
      log(`  failed: ${message}`);
      result.failures.push({ part, message: (err as Error).message });
    }
    log(`  (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  };

  try {
    const hello = helloTree(workDir);
    if (parts.some((p) => p !== 'overhead' && p !== 'replay')) {
      log(`preparing WordPress (${dbs.join(', ')}) in ${workDir}`);
      trees = await prepareTrees({ workDir, dbs, logger });
    }
    result.versions = versions(trees, dbs);
    const first = dbs[0]!;
    await attempt('overhead', async () => {
      result.overhead = await runOverhead({ root: hello, workDir, profile });
      const o = result.overhead;
      log(`  direct p50 ${o.direct.p50} ms · Lambda-shaped p50 ${o.lambda.p50} ms (+${o.addedMs.lambda.p50}) · serve p50 ${o.serve.p50} ms (+${o.addedMs.serve.p50})`);
    });
    await attempt('cold', async () => {
      result.cold = await runColdStarts({ roots: { hello, wordpress: trees!.sites[first]!.dir }, runs: profile.coldRuns, workDir, log });
    });
    await attempt('fsops', async () => {
      result.fsops = [];
      for (const db of dbs) {
        const row = await countFsops({ root: trees!.sites[db]!.dir, db, warmup: profile.fsopsWarmup, requests: profile.fsopsRequests, workDir });
        log(`  ${db}: ${row.perRequest.documentRoot} document-root operations per request (${JSON.stringify(row.byKind)})`);
        result.fsops.push(row);
      }
    });
    await attempt('throughput', async () => {
      result.throughput = [];
      await runThroughput({
        trees: trees!,
        dbs,
        profile,
        workDir,
        rows: result.throughput,
        log,
        onFailure: (message) => result.failures.push({ part: 'throughput', message }),
      });
    });
    await attempt('memory', async () => {
      result.memory = await runMemory({ trees: trees!, db: first, profile, workDir, log });
    });
    await attempt('replay', async () => {
      // The traffic replay through the stack twin writes its own section (bench/replay, BENCHMARKS.md "Traffic replay").
      const { main: replay, SUITE_RUNS } = await import('../replay/cli.ts');
      const argv = profile.name === 'quick' ? ['--runs', 'sqlite-k15', '--hours', '8-10', '--no-write'] : ['--runs', SUITE_RUNS.join(','), ...(args.write ? [] : ['--no-write'])];
      log(`  npm run bench:replay -- ${argv.join(' ')}`);
      const code = await replay(argv);
      if (code !== 0) throw new Error(`the traffic replay exited with ${code}`);
    });
    await attempt('tail', async () => {
      const t = await runTail({ root: trees!.sites[first]!.dir, db: first, requests: profile.tailRequests, warmup: profile.tailWarmup, workDir, log });
      result.tail = t;
      log(`  tail: p50 ${t.latencyMs.p50} ms, p99 ${t.latencyMs.p99} ms (p99/p50 ${t.p99OverP50}), ${t.rotations} rotations; RSS ${t.rss.firstMiB} → ${t.rss.lastMiB} MiB, peak ${t.rss.peakMiB} MiB`);
    });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
  result.finishedAt = new Date().toISOString();
  result.machine.loadAfter = os.loadavg().map((l) => Math.round(l * 100) / 100);

  const jsonRel = `bench/results/suite-${result.startedAt.slice(0, 10)}.json`;
  const section = renderSection(result, jsonRel);
  if (args.write) {
    const jsonFile = path.join(REPO, jsonRel);
    fs.mkdirSync(path.dirname(jsonFile), { recursive: true });
    fs.writeFileSync(jsonFile, JSON.stringify(result, null, 2) + '\n');
    const mdFile = path.join(REPO, 'BENCHMARKS.md');
    const current = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, 'utf8') : '# Benchmarks\n';
    fs.writeFileSync(mdFile, replaceSection(current, section));
    log(`wrote ${jsonRel} and the suite section of BENCHMARKS.md`);
  } else {
    log(section);
  }
  return result.failures.length ? 1 : 0;
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
