/**
 * Where a warm WordPress page's database time goes: on a copy of the site with a timing
 * database drop-in (split-db.php), one `lamphp serve --workers 1` on the given PHP version
 * answers `requests` sequential GETs of `/` after `warmup` untimed ones; the drop-in writes one
 * line per request. On SQLite the integration's PHP (MySQL parser, translation, result
 * emulation) is the wpdb time minus the time SQLite itself spent in prepare/execute/fetch.
 */
import fs from 'node:fs';
import path from 'node:path';
import { startServer } from '../suite/servers.ts';
import { median, round } from '../suite/stats.ts';
import { timedGet } from './measure.ts';
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

export async function measureSplit({
  siteDir,
  db,
  workDir,
  version,
  warmup,
  requests,
}: {
  siteDir: string;
  db: Db;
  workDir: string;
  version: string;
  warmup: number;
  requests: number;
}): Promise<SplitRow> {
  const copy = instrumentedCopy(siteDir, path.join(workDir, `split-${db}-${version}`));
  const server = await startServer('serve', { root: copy, parallel: 1, workDir, readyPath: '/hello.php', env: { LAMPHP_PHP_VERSION: version } });
  const out = path.join(copy, OUT);
  const pages: number[] = [];
  try {
    for (let i = 0; i < warmup; i++) await timedGet(server.url + '/');
    fs.rmSync(out, { force: true });
    for (let i = 0; i < requests; i++) {
      const r = await timedGet(server.url + '/');
      if (r.status !== 200) throw new Error(`${db} PHP ${version}: GET / answered ${r.status}`);
      pages.push(r.ms);
    }
  } finally {
    await server.stop();
  }
  const lines = fs
    .readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Line)
    .filter((l) => l.uri === '/');
  fs.rmSync(copy, { recursive: true, force: true });
  const med = (pick: (l: Line) => number) => round(median(lines.map(pick)), 2);
  return {
    db,
    php: version,
    requests: lines.length,
    pageMs: round(median(pages), 2),
    phpMs: med((l) => l.phpMs),
    connectMs: med((l) => l.connectMs),
    dbMs: med((l) => l.dbMs),
    sqliteMs: db === 'sqlite' ? med((l) => l.sqliteMs) : null,
    integrationMs: db === 'sqlite' ? med((l) => l.dbMs - l.sqliteMs) : null,
    queries: med((l) => l.queries),
    statements: db === 'sqlite' ? med((l) => l.statements) : null,
  };
}
