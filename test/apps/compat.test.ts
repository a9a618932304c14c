/**
 * Real PHP applications, unpacked from Debian by scripts/system-packages.js (see
 * scripts/debian-apps.js for how each folder is assembled), each served from one folder by
 * `lamphp serve` and by Debian's php-fpm 8.2 + nginx at the same time. Every step of a visitor's
 * journey runs on both; status and the facts checked on each page must match, and hold.
 * The applications' protected files are denied, and the log line proves which rule denied them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Visitor } from '../support/http-client.ts';
import { adminer, dokuwiki, mediawiki, phpmyadmin, type AppSite } from './support/apps.ts';
import { startLamphp, startNative, type LamphpSide, type Side } from './support/servers.ts';
import { adminerJourney, DOKUWIKI, MEDIAWIKI, mediawikiSearch, phpmyadminJourney, type Database, type Step, type StepResult } from './support/journeys.ts';
import { mysql } from '../support/wordpress.ts';

let tmp: string;

interface Pair {
  site: AppSite;
  lamphp: LamphpSide;
  native: Side;
}

/** Each side serves its own copy of the folder, so neither sees the other's writes or locks. */
async function pairFor(make: (dir: string) => AppSite): Promise<Pair> {
  const [site, nativeSite] = ['lamphp', 'native'].map((side) => {
    const dir = path.join(tmp, side);
    fs.mkdirSync(dir, { recursive: true });
    return make(dir);
  }) as [AppSite, AppSite];
  const [lamphp, native] = await Promise.all([
    startLamphp(site.root, { ...site.env, LAMPHP_SESSION_DIR: path.join(tmp, `${site.name}-sessions`) }),
    startNative({ root: nativeSite.root, dir: path.join(tmp, `${site.name}-native`), front: 'index.php', locations: site.locations }),
  ]);
  return { site, lamphp, native };
}

/** Runs the journey on both sides, side by side step by step. */
async function journey(pair: Pair, steps: Step[]) {
  const visitors = { lamphp: new Visitor(pair.lamphp.url), native: new Visitor(pair.native.url) };
  const states = { lamphp: {}, native: {} };
  const rows: { step: string; lamphp: StepResult; native: StepResult }[] = [];
  for (const step of steps) {
    const run = (side: 'lamphp' | 'native') => step.run(visitors[side], { tag: `${pair.site.name}_${side}`, state: states[side] });
    rows.push({ step: step.name, lamphp: await run('lamphp'), native: await run('native') });
  }
  return rows;
}

function expectSameJourney(rows: Awaited<ReturnType<typeof journey>>) {
  for (const { step, lamphp, native } of rows) {
    const why = `${step}\n  lamphp: ${lamphp.detail}\n  native: ${native.detail}`;
    expect({ status: lamphp.status, facts: lamphp.facts }, `lamphp matches php-fpm + nginx: ${why}`).toEqual({ status: native.status, facts: native.facts });
    for (const [fact, holds] of Object.entries(native.facts)) expect(holds, `${fact}: ${why}`).toBe(true);
  }
}

/** The reason lamphp logged for denying `urlPath`. */
function denyReason(side: LamphpSide, urlPath: string): string | undefined {
  const line = [...side.logs].reverse().find((r) => r.msg === 'request denied' && r.path === urlPath);
  return line?.reason as string | undefined;
}

async function status(base: string, urlPath: string): Promise<number> {
  return (await fetch(base + urlPath, { redirect: 'manual' })).status;
}

let db: Database;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-compat-'));
  // A database and a user with a password (Adminer refuses password-less logins) of this run's own.
  const name = `lamphp_compat_${process.pid}_${Date.now().toString(36)}`;
  db = { name, user: name.slice(0, 32), password: `pw-${Math.random().toString(36).slice(2)}` };
  mysql(`CREATE DATABASE ${db.name}; CREATE USER '${db.user}'@'%' IDENTIFIED BY '${db.password}'; GRANT ALL ON ${db.name}.* TO '${db.user}'@'%';`);
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  if (db) mysql(`DROP DATABASE IF EXISTS ${db.name}; DROP USER IF EXISTS '${db.user}'@'%';`);
});

describe('DokuWiki', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await pairFor(dokuwiki);
  });
  afterAll(async () => {
    await Promise.all([pair?.lamphp.stop(), pair?.native.stop()]);
  });

  it('the journey matches php-fpm + nginx step by step', async () => {
    expectSameJourney(await journey(pair, DOKUWIKI));
  });

  it.each([
    ['/conf/local.php', 'conf/.htaccess'],
    ['/conf/users.auth.php', 'conf/.htaccess'],
    ['/data/pages/wiki/syntax.txt', 'data/.htaccess'],
    ['/data/', 'data/.htaccess'],
    ['/inc/init.php', 'inc/.htaccess'],
    ['/bin/indexer.php', 'bin/.htaccess'],
    ['/vendor/autoload.php', 'vendor/.htaccess'],
    ['/VERSION', '.htaccess'],
  ])('%s is denied by %s', async (urlPath, rule) => {
    expect(await status(pair.lamphp.url, urlPath)).toBe(403);
    expect(denyReason(pair.lamphp, urlPath)).toMatch(new RegExp(`^htaccess ${rule.replace('.', '\\.')}:\\d+$`));
  });
});

describe('MediaWiki on SQLite', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await pairFor(mediawiki);
  });
  afterAll(async () => {
    await Promise.all([pair?.lamphp.stop(), pair?.native.stop()]);
  });

  it('the journey matches php-fpm + nginx step by step', async () => {
    expectSameJourney(await journey(pair, MEDIAWIKI));
  });

  it("search: php-fpm's SQLite finds the page through FTS3; php-wasm's SQLite has no FTS3 (the documented limit)", async () => {
    const native = await mediawikiSearch(new Visitor(pair.native.url));
    expect(native.status).toBe(200);
    expect(native.text).toMatch(/mw-search-result-heading"><a href="\/index\.php\/Main_Page"/);
    const lamphp = await mediawikiSearch(new Visitor(pair.lamphp.url));
    // MediaWiki's own error page for the failed query reaches the visitor, as with php-fpm.
    expect(lamphp.status).toBe(500);
    expect(lamphp.text).toContain('DBQueryError');
  });

  it('its SQLite databases are denied by the default database family', async () => {
    const files = fs.readdirSync(path.join(pair.site.root, 'data')).filter((f) => f.endsWith('.sqlite'));
    expect(files).toContain('wiki.sqlite');
    for (const file of files) {
      expect(await status(pair.lamphp.url, `/data/${file}`), file).toBe(404);
      expect(denyReason(pair.lamphp, `/data/${file}`), file).toBe('database');
    }
  });

  it.each([
    ['/data/locks/', 'data/.htaccess'],
    ['/includes/Setup.php', 'includes/.htaccess'],
    ['/maintenance/run.php', 'maintenance/.htaccess'],
    ['/languages/Language.php', 'languages/.htaccess'],
    ['/cache/', 'cache/.htaccess'],
    ['/vendor/autoload.php', 'vendor/.htaccess'],
  ])('%s is denied by %s', async (urlPath, rule) => {
    expect(await status(pair.lamphp.url, urlPath)).toBe(403);
    expect(denyReason(pair.lamphp, urlPath)).toMatch(new RegExp(`^htaccess ${rule.replace('.', '\\.')}:\\d+$`));
  });
});

describe('Adminer (MariaDB)', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await pairFor(adminer);
  });
  afterAll(async () => {
    await Promise.all([pair?.lamphp.stop(), pair?.native.stop()]);
  });

  it('the journey matches php-fpm + nginx step by step', async () => {
    expectSameJourney(await journey(pair, adminerJourney(db)));
  });

  // Adminer ships no .htaccess: the README's LAMPHP_DENY_PATHS (set in support/apps.ts) protects its sources.
  it.each(['/adminer/adminer.php', '/adminer/coverage.php', '/adminer/plugins/'])('%s is denied by LAMPHP_DENY_PATHS', async (urlPath) => {
    expect(await status(pair.lamphp.url, urlPath)).toBe(404);
    expect(denyReason(pair.lamphp, urlPath)).toBe('deny-pattern');
  });
});

describe('phpMyAdmin (MariaDB, cookie login)', () => {
  let pair: Pair;
  beforeAll(async () => {
    pair = await pairFor(phpmyadmin);
  });
  afterAll(async () => {
    await Promise.all([pair?.lamphp.stop(), pair?.native.stop()]);
  });

  it('the journey matches php-fpm + nginx step by step', async () => {
    expectSameJourney(await journey(pair, phpmyadminJourney(db)));
  });

  // phpMyAdmin ships no .htaccess: the README's LAMPHP_DENY_PATHS (set in support/apps.ts) stands for Debian's apache.conf.
  it.each(['/libraries/classes/Config.php', '/templates/login/form.twig', '/debian/php/Twig/autoload.php', '/var/tmp/'])('%s is denied by LAMPHP_DENY_PATHS', async (urlPath) => {
    expect(await status(pair.lamphp.url, urlPath)).toBe(404);
    expect(denyReason(pair.lamphp, urlPath)).toBe('deny-pattern');
  });
});
