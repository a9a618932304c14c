/**
 * Where a warm WordPress page's database time goes: on a copy of the site with a timing
 * database drop-in (split-db.php) per PHP version, one `lamphp serve --workers 1` each; the
 * drop-in writes one line per request. On SQLite the integration's PHP (MySQL parser, translation, result
 * emulation) is the wpdb time minus the time SQLite itself spent in prepare/execute/fetch.
 * The versions' copies are served at once and timed in interleaved rounds, like the main rows.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startServer, type RunningServer } from '../suite/servers.ts';
import { median, round } from '../suite/stats.ts';
import { interleaved, warmUp, type Target } from './measure.ts';
import type { Db } from '../suite/site.ts';
import { copySite } from './journal.ts';

export interface SplitRow {
  db: Db;
  php: string;
  requests: number;
  /** Medians per request, ms. */
  pageMs: number | null;
  /** From the database drop-in's first line to PHP's shutdown (most of WordPress's run). */
  phpMs: number | null;
  /** Creating the database object: driver start-up and connection (SQLite: grammar, PRAGMAs). */
  connectMs: number | null;
  /** All wpdb queries after the connection, from call to return. */
  dbMs: number | null;
  /** Of dbMs, inside SQLite (statement preparation, execution, row fetches); null on MySQL. */
  sqliteMs: number | null;
  /** dbMs − sqliteMs: the SQLite integration's own PHP work; null on MySQL. */
  integrationMs: number | null;
  queries: number | null;
  statements: number | null;
}

interface Line {
  uri: string;
  phpMs: number;
  connectMs: number;
  queries: number;
  dbMs: number;
  statements: number;
  sqliteMs: number;
}

const DROPIN = path.join(import.meta.dirname, 'split-db.php');
const OUT = 'wp-content/lamphp-split.jsonl';

/**
 * Copies the site and puts the timing drop-in in place (the SQLite drop-in kept beside it);
 * `persistent` makes the SQLite driver keep its connection across requests.
 */
export function instrumentedCopy(siteDir: string, copyDir: string, { persistent = false } = {}): string {
  copySite(siteDir, copyDir);
  const dbPhp = path.join(copyDir, 'wp-content/db.php');
  let dropin = fs.readFileSync(DROPIN, 'utf8');
  if (fs.existsSync(dbPhp)) {
    const original = fs.readFileSync(dbPhp, 'utf8');
    const version = /define\(\s*'SQLITE_DB_DROPIN_VERSION',\s*'([^']+)'/.exec(original)?.[1];
    if (!version) throw new Error(`${dbPhp} is not the SQLite integration's drop-in.`);
    fs.renameSync(dbPhp, path.join(copyDir, 'wp-content/db.lamphp-original.php'));
    dropin = dropin.replace('{SQLITE_DB_DROPIN_VERSION}', version);
  }
  fs.writeFileSync(dbPhp, dropin);
  if (persistent) {
    const config = path.join(copyDir, 'wp-config.php');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('<?php\n', "<?php\ndefine( 'LAMPHP_BENCH_PERSISTENT', true );\n"));
  }
  return copyDir;
}

/** Every version's instrumented copy served at once, warmed up, then timed in interleaved rounds. */
export async function measureSplit({
  siteDir,
  db,
  workDir,
  versions,
  warmup,
  rounds,
  perRound,
}: {
  siteDir: string;
  db: Db;
  workDir: string;
  versions: readonly string[];
  warmup: number;
  rounds: number;
  perRound: number;
}): Promise<SplitRow[]> {
  const copies = new Map(versions.map((v) => [v, instrumentedCopy(siteDir, path.join(workDir, `split-${db}-${v}`))]));
  const servers: RunningServer[] = [];
  try {
    const targets: Target[] = [];
    for (const version of versions) {
      const server = await startServer('serve', { root: copies.get(version)!, parallel: 1, workDir, readyPath: '/hello.php', env: { LAMPHP_PHP_VERSION: version } });
      servers.push(server);
      targets.push({ id: version, url: server.url });
    }
    await warmUp(targets, '/', warmup);
    for (const copy of copies.values()) fs.rmSync(path.join(copy, OUT), { force: true });
    const { samples, statuses } = await interleaved(targets, '/', { rounds, perRound });
    for (const [version, s] of statuses) if (Object.keys(s).some((code) => code !== '200')) throw new Error(`${db} PHP ${version}: GET / answered ${JSON.stringify(s)}`);
    return versions.map((version) => {
      const lines = fs
        .readFileSync(path.join(copies.get(version)!, OUT), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line)
        .filter((l) => l.uri === '/');
      const med = (pick: (l: Line) => number) => round(median(lines.map(pick)), 2);
      return {
        db,
        php: version,
        requests: lines.length,
        pageMs: round(median(samples.get(version)!), 2),
        phpMs: med((l) => l.phpMs),
        connectMs: med((l) => l.connectMs),
        dbMs: med((l) => l.dbMs),
        sqliteMs: db === 'sqlite' ? med((l) => l.sqliteMs) : null,
        integrationMs: db === 'sqlite' ? med((l) => l.dbMs - l.sqliteMs) : null,
        queries: med((l) => l.queries),
        statements: db === 'sqlite' ? med((l) => l.statements) : null,
      };
    });
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
    for (const copy of copies.values()) fs.rmSync(copy, { recursive: true, force: true });
  }
}
