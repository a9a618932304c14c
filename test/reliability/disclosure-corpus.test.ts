/**
 * Source and secrets are never served, whatever their name: a corpus generated from the
 * default-deny families (PHP source copies with any suffix, names ending in a dot or a space,
 * `wp-config` with any suffix, databases, `php.ini`/`*.ini`, backups and dumps of any file,
 * dotfiles), each placed three ways with a secret inside — as a file, as the target of a symlink
 * with a harmless name, as the name of a symlink to a harmless file — and requested through both
 * front doors. No response body may hold a secret. Plus the settings that widen or relax the
 * rules: LAMPHP_DENY_PATHS and LAMPHP_ALLOW_PATHS.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../../bridge/index.ts';
import { compilePathRules } from '../../bridge/deny-rules.ts';
import { publishable } from '../../bridge/uploads/objects.ts';
import { startStack, type Stack } from '../support/faults/stack.ts';
import { EVENT_KINDS, eventFor, get, lambdaAnswer, lambdaDoor, raw } from '../support/doors.ts';

const PHP_EXTENSIONS = ['php', 'PHP', 'php5', 'php7', 'phtml', 'inc', 'phar', 'phps'];
const COPY_SUFFIXES = ['.bak', '.bak1', '.BAK2', '.old', '-old', '_bak', '.copy', '.backup', '.tmp', '.dist', '.orig', '.save', '.swp', '~', '.1', '.bak.txt', ' (copy)', '_'];
const ANY_FILE_SUFFIXES = ['.bak', '~', '.old', '-old', '_bak', '.tmp', '.dist', '.swp', '.orig', '.save', '.copy', '.backup1', '-backup', '_copy2'];

/** The corpus: every family crossed with the spellings it comes in. */
function corpus(): string[] {
  const names = new Set<string>();
  const bases = ['index', 'config', 'settings', 'db-connect'];
  PHP_EXTENSIONS.forEach((ext, i) => COPY_SUFFIXES.forEach((suffix, j) => names.add(`${bases[(i + j) % bases.length]}.${ext}${suffix}`)));
  for (const ext of ['php', 'PHP', 'phtml', 'inc']) for (const end of ['.', ' ', '..', '. ', ' .']) names.add(`trail.${ext}${end}`);
  for (const name of ['notes.txt.', 'notes.txt ', 'data.json.']) names.add(name);
  for (const base of ['wp-config', 'WP-Config', 'wp-config-old', 'wp-config_backup']) {
    for (const suffix of ['', '.php', '.php.bak', '.txt', '.php.txt', '.old', '.php~', '.php.save', '.zip']) names.add(`${base}${suffix}`);
  }
  for (const base of ['site', 'data', 'wp']) for (const ext of ['.sqlite', '.sqlite3', '.db', '.DB', '.db-journal', '.sqlite-wal', '.sqlite3-shm', '.db3']) names.add(base + ext);
  for (const name of ['php.ini', 'PHP.INI', 'app.ini', 'settings.ini', 'composer.json', 'composer.lock']) names.add(name);
  for (const base of ['notes.txt', 'data.json', 'style.css', 'keys.pem']) for (const suffix of ANY_FILE_SUFFIXES) names.add(base + suffix);
  for (const name of ['dump.sql', 'db.sql.gz', 'debug.log', 'error_log', 'app.log.1', 'backup.dump', '#notes.txt#']) names.add(name);
  for (const name of ['.env', '.htpasswd', '.git-credentials', '.user.ini', '.ht.sqlite']) names.add(name);
  // PHP source itself: run when asked for by a `.php` name, never served as text through a harmless one.
  for (const ext of ['php', 'PHP', 'php5', 'php7', 'phtml', 'pht', 'inc', 'phar', 'phps']) names.add(`plain.${ext}`);
  return [...names];
}

/** PHP source under its own name: the secret lives only inside the PHP tags, so running it prints nothing. */
const isScript = (name: string) => /^plain\./.test(name);

const HARMLESS = ['txt', 'css', 'js', 'html', 'json', 'png', '', 'php'];
const secretOf = (k: number, placement: string) => `LEAK-${k}-${placement}`;
/** A secret that also shows if the file were run as PHP: text outside the tags is printed. */
const content = (secret: string, script = false) => `${script ? '' : `${secret}\n`}<?php $password = '${secret}'; ?>\n`;
const url = (...parts: string[]) => '/' + parts.map((p) => encodeURIComponent(p)).join('/');

interface Probe {
  path: string;
  secret: string;
  /** A `.php` script asked for by its own name: it runs (200) and prints nothing secret. */
  runs?: boolean;
}

describe('disclosure corpus', () => {
  const names = corpus();
  let root: string;
  let stack: Stack;
  const probes: Probe[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-disclosure-'));
    for (const dir of ['files', 'targets', 'links', 'plain', 'names']) fs.mkdirSync(path.join(root, dir));
    fs.writeFileSync(path.join(root, 'index.php'), '<?php echo "front";');
    fs.writeFileSync(path.join(root, 'files', 'public-control.txt'), content('LEAK-control'));
    names.forEach((name, k) => {
      // As a file.
      fs.writeFileSync(path.join(root, 'files', name), content(secretOf(k, 'file'), isScript(name)));
      probes.push({ path: url('files', name), secret: secretOf(k, 'file'), ...(/\.php$/i.test(name) && { runs: true }) });
      // As the target of a symlink with a harmless name.
      fs.writeFileSync(path.join(root, 'targets', name), content(secretOf(k, 'target'), isScript(name)));
      const ext = HARMLESS[k % HARMLESS.length]!;
      const link = `harmless-${k}${ext ? `.${ext}` : ''}`;
      fs.symlinkSync(path.join('..', 'targets', name), path.join(root, 'links', link));
      probes.push({ path: url('links', link), secret: secretOf(k, 'target'), ...(ext === 'php' && /\.php$/i.test(name) && { runs: true }) });
      // As the name of a symlink to a harmless file.
      fs.writeFileSync(path.join(root, 'plain', `secret-${k}.txt`), content(secretOf(k, 'name')));
      fs.symlinkSync(path.join('..', 'plain', `secret-${k}.txt`), path.join(root, 'names', name));
      probes.push({ path: url('names', name), secret: secretOf(k, 'name') });
    });
    stack = await startStack({ root, workers: 1 });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('holds at least 150 names, generated from every family', () => {
    expect(names.length).toBeGreaterThanOrEqual(150);
    expect(probes.length).toBe(names.length * 3);
  });

  it('the harness sees a secret when one is served (control file)', async () => {
    expect((await raw(stack.port, get('/files/public-control.txt'))).body.toString()).toContain('LEAK-control');
    const answer = lambdaAnswer(await lambdaDoor(stack.config, stack.bridge)(eventFor('function-url', '/files/public-control.txt')));
    expect(answer.body.toString()).toContain('LEAK-control');
  });

  it('local server: no body holds a secret (file, symlink target, symlink name)', async () => {
    const leaks: string[] = [];
    for (const probe of probes) {
      const res = await raw(stack.port, get(probe.path));
      if (res.body.toString('latin1').includes('LEAK-')) leaks.push(`${probe.path} → ${res.status}`);
      else if (!probe.runs) expect([403, 404], probe.path).toContain(res.status);
    }
    expect(leaks).toEqual([]);
  });

  it('Lambda handler (every event source): no body holds a secret', async () => {
    const door = lambdaDoor(stack.config, stack.bridge);
    const leaks: string[] = [];
    for (const [i, probe] of probes.entries()) {
      const kind = EVENT_KINDS[i % EVENT_KINDS.length]!;
      const answer = lambdaAnswer(await door(eventFor(kind, probe.path)));
      if (answer.body.toString('latin1').includes('LEAK-')) leaks.push(`${kind} ${probe.path} → ${answer.status}`);
      else if (!probe.runs) expect([403, 404], `${kind} ${probe.path}`).toContain(answer.status);
    }
    expect(leaks).toEqual([]);
  });
});

describe('LAMPHP_DENY_PATHS and LAMPHP_ALLOW_PATHS', () => {
  let root: string;
  let stack: Stack;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-deny-paths-'));
    write('index.php', '<?php echo "front";');
    write('data/site.db', 'DB-BYTES');
    write('data/.env', 'ENV-SECRET');
    write('exports/dump.sql', 'SQL-DUMP');
    write('exports/x.php.bak', 'PHP-SOURCE');
    write('exports/sub/report.log', 'LOG-LINES');
    write('secret/y.db', 'OTHER-DB');
    fs.symlinkSync('../secret/y.db', path.join(root, 'data/link.db'));
    write('private/a.txt', 'PRIVATE-A');
    write('reports/q.csv', 'CSV');
    write('reports/q.txt', 'TXT');
    stack = await startStack({ root, workers: 1, env: { LAMPHP_ALLOW_PATHS: 'data/*.db, exports/**', LAMPHP_DENY_PATHS: 'private/**,*.csv' } });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it.each([
    ['/data/site.db', 200, 'DB-BYTES'],
    ['/exports/dump.sql', 200, 'SQL-DUMP'],
    ['/exports/sub/report.log', 200, 'LOG-LINES'],
    ['/reports/q.txt', 200, 'TXT'],
    // Allowing never opens dotfiles or PHP source; the target of a link must be allowed too.
    ['/data/.env', 404, undefined],
    ['/exports/x.php.bak', 404, undefined],
    ['/data/link.db', 404, undefined],
    ['/secret/y.db', 404, undefined],
    // Denied on top of the families.
    ['/private/a.txt', 404, undefined],
    ['/reports/q.csv', 404, undefined],
  ] as const)('%s → %i in both doors', async (p, status, body) => {
    const res = await raw(stack.port, get(p));
    expect(res.status).toBe(status);
    if (body) expect(res.body.toString()).toBe(body);
    const answer = lambdaAnswer(await lambdaDoor(stack.config, stack.bridge)(eventFor('alb-multi', p)));
    expect(answer.status).toBe(status);
    if (body) expect(answer.body.toString()).toBe(body);
  });

  it('refuses a pattern that is empty or climbs out of the document root, with the setting named', () => {
    for (const bad of ['../etc/*', 'a/../../b', '/', 'x\\y']) {
      expect(() => readConfig({ LAMPHP_DENY_PATHS: bad }), bad).toThrow(/LAMPHP_DENY_PATHS/);
    }
    expect(() => readConfig({ LAMPHP_ALLOW_PATHS: './x' })).toThrow(/LAMPHP_ALLOW_PATHS/);
    expect(readConfig({ LAMPHP_DENY_PATHS: '/private/**, *.csv' }).denyPaths).toEqual(['/private/**', '*.csv']);
  });

  it('what the patterns deny is never published to the uploads bucket either', () => {
    const paths = compilePathRules(['*.csv'], ['*.db']);
    const layout = { uploadsDir: 'wp-content/uploads', paths };
    expect(publishable(layout, '2024/01/photo.jpg')).toBe(true);
    expect(publishable(layout, '2024/01/export.csv')).toBe(false);
    expect(publishable(layout, '2024/01/cache.db')).toBe(true);
    expect(publishable({ uploadsDir: 'wp-content/uploads' }, '2024/01/cache.db')).toBe(false);
    expect(publishable(layout, '2024/01/x.php.bak')).toBe(false);
  });
});
