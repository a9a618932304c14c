#!/usr/bin/env node
// Makes sure the Debian packages the test suites need are present, before `npm test`, `.ci/run`
// and (with --wordpress-only) `npm start`:
//   1. WordPress files: Debian's wordpress package, its newest Twenty* theme and the packages
//      its symlinks point into, fetched with `apt-get download` and unpacked with `dpkg -x` into
//      .cache/debian-root (no root needed; skipped when the stamp shows the same versions).
//   2. Chromium at /usr/bin/chromium for the browser test, qemu-user-static for the layer test
//      that runs the arm64 Node under emulation, and php-cgi, the reference the CGI variables
//      PHP sees are compared with (installed when running as root).
// Plain JavaScript with no dependencies so any Node >= 18 runs it before `npm ci` finishes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APPS, assembleApp, packageClosure, parseDepends } from './debian-apps.js';

// The SQLite integration plugin we ship needs WordPress >= 6.4; bookworm has 6.1. So the files
// come from Debian trixie through a private apt configuration under .cache/apt (no root, the
// system's sources untouched), or from the system's own sources where the Debian keyring is absent.
const SUITE = 'trixie';
const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const BASE_PACKAGES = [
  'wordpress',
  // Debian's WordPress links these in from outside its tree (getID3, underscore.js, lodash, cropper).
  'php-getid3',
  'libjs-underscore',
  'libjs-lodash',
  'libjs-cropper',
];
const THEME_PREFIX = 'wordpress-theme-twenty';
/** Debian packages the tests run, each known by a file it installs. */
const TOOLS = [
  { packages: ['chromium'], file: '/usr/bin/chromium', name: 'chromium' },
  { packages: ['qemu-user-static'], file: '/usr/bin/qemu-aarch64-static', name: 'qemu-user-static' },
  // A test CA and server certificate for PHP's HTTPS verification test.
  { packages: ['openssl'], file: '/usr/bin/openssl', name: 'openssl' },
  // The native side of the application compatibility suite (and the benchmarks): Debian's
  // php-fpm and nginx, with the PHP modules the applications need, each known by its file.
  ...[
    ['php8.2-fpm', '/usr/sbin/php-fpm8.2'],
    ['php8.2-cli', '/usr/bin/php8.2'],
    ['php8.2-sqlite3', '/usr/lib/php/20220829/pdo_sqlite.so'],
    ['php8.2-mysql', '/usr/lib/php/20220829/mysqli.so'],
    ['php8.2-intl', '/usr/lib/php/20220829/intl.so'],
    ['php8.2-mbstring', '/usr/lib/php/20220829/mbstring.so'],
    ['php8.2-xml', '/usr/lib/php/20220829/dom.so'],
    ['php8.2-gd', '/usr/lib/php/20220829/gd.so'],
    ['php8.2-curl', '/usr/lib/php/20220829/curl.so'],
    ['php8.2-zip', '/usr/lib/php/20220829/zip.so'],
    ['php8.2-bcmath', '/usr/lib/php/20220829/bcmath.so'],
    ['nginx-light', '/usr/sbin/nginx'],
    // php-cgi: the reference for what PHP sees in $_SERVER (PHP_AUTH_* and the like).
    ['php8.2-cgi', '/usr/bin/php-cgi8.2'],
  ].map(([pkg, file]) => ({ packages: [pkg], file, name: pkg })),
];

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = path.join(repo, '.cache');
const debianRoot = path.join(cacheDir, 'debian-root');
const stampFile = path.join(debianRoot, '.lamphp-packages.json');
/** Assembled application folders (scripts/debian-apps.js), one per application. */
const appsDir = path.join(cacheDir, 'apps');
const aptDir = path.join(cacheDir, 'apt');
const wordpressOnly = process.argv.includes('--wordpress-only');
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const rel = (p) => path.relative(process.cwd(), p) || '.';

class StepError extends Error {}

function say(line) {
  process.stdout.write(`system-packages: ${line}\n`);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' },
    ...options,
  });
  if (result.error && result.error.code === 'ENOENT') return { missing: true, status: 127, stdout: '', stderr: '' };
  return { missing: false, status: result.status ?? 1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

function lastLines(text, n = 5) {
  return text.trim().split('\n').slice(-n).join('\n');
}

/** Where the packages come from: a private trixie configuration, or the system's sources. */
function aptSource() {
  if (!fs.existsSync(KEYRING)) return { label: 'the system apt sources', args: [], private: false };
  const lists = path.join(aptDir, 'lists');
  const args = [
    '-o', `Dir::Etc::SourceList=${path.join(aptDir, 'sources.list')}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${lists}`,
    '-o', `Dir::Cache=${path.join(aptDir, 'cache')}`,
    ...(isRoot ? ['-o', 'APT::Sandbox::User=root'] : []),
  ];
  return { label: `Debian ${SUITE}`, args, private: true, lists };
}

/** Newest mtime of the private package lists: they only change when we update them. */
function listsStamp(source) {
  if (!source.private) return undefined;
  const files = fs.existsSync(source.lists) ? fs.readdirSync(source.lists).filter((f) => /_Packages(\.\w+)?$/.test(f)) : [];
  return files.length ? Math.max(...files.map((f) => fs.statSync(path.join(source.lists, f)).mtimeMs)) : undefined;
}

let systemUpdated = false;
function aptUpdate(source) {
  if (source.private) {
    fs.mkdirSync(path.join(source.lists, 'partial'), { recursive: true });
    fs.mkdirSync(path.join(aptDir, 'cache', 'archives', 'partial'), { recursive: true });
    fs.writeFileSync(
      path.join(aptDir, 'sources.list'),
      `deb [signed-by=${KEYRING}] http://deb.debian.org/debian ${SUITE} main\n`,
    );
  } else if (systemUpdated) return;
  say(`apt-get update (${source.label})`);
  const r = run('apt-get', [...source.args, 'update']);
  if (r.status !== 0) {
    throw new StepError(`apt-get update failed (is deb.debian.org reachable?):\n${lastLines(r.stderr || r.stdout)}`);
  }
  if (!source.private) systemUpdated = true;
}

/** Candidate version of each package; packages apt does not know are left out. */
function candidates(source, packages) {
  const r = run('apt-cache', [...source.args, 'policy', ...packages]);
  if (r.missing) return undefined;
  const found = {};
  let current;
  for (const line of r.stdout.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) current = head[1];
    const cand = /^\s+Candidate:\s+(\S+)/.exec(line);
    if (cand && current && cand[1] !== '(none)') found[current] = cand[1];
  }
  return found;
}

/** The newest Twenty* theme package: the default theme of that WordPress generation. */
function themePackage(source) {
  const r = run('apt-cache', [...source.args, 'pkgnames', THEME_PREFIX]);
  const order = ['three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
  const rank = (name) => order.indexOf(name.slice(THEME_PREFIX.length).replace(/^twenty/, ''));
  return r.stdout
    .split('\n')
    .filter((n) => n.startsWith(THEME_PREFIX))
    .sort((a, b) => rank(a) - rank(b))
    .at(-1);
}

function readStamp() {
  try {
    return JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    return undefined;
  }
}

function samePackages(a, b) {
  const names = Object.keys(b ?? {});
  return names.length > 0 && names.length === Object.keys(a ?? {}).length && names.every((p) => a[p] === b[p]);
}

/** Where a symlink inside `root` points: absolute targets are looked up in `root` first, then on the host. */
function linkTarget(root, link) {
  let current = link;
  for (let hops = 0; hops < 40; hops++) {
    const target = fs.readlinkSync(current);
    let next = path.resolve(path.dirname(current), target);
    if (path.isAbsolute(target) && fs.existsSync(path.join(root, target))) next = path.join(root, target);
    let stat;
    try {
      stat = fs.lstatSync(next);
    } catch {
      return undefined;
    }
    if (!stat.isSymbolicLink()) return fs.existsSync(next) ? next : undefined;
    current = next;
  }
  return undefined;
}

function danglingLinks(root) {
  const dangling = [];
  const walk = (dir) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        if (!linkTarget(root, p)) dangling.push(`${path.relative(root, p)} -> ${fs.readlinkSync(p)}`);
      } else if (entry.isDirectory()) walk(p);
    }
  };
  walk(root);
  return dangling;
}

function wordpressVersion() {
  const text = fs.readFileSync(path.join(debianRoot, 'usr/share/wordpress/wp-includes/version.php'), 'utf8');
  return /\$wp_version\s*=\s*'([^']+)'/.exec(text)?.[1] ?? 'unknown';
}

function ensureWordPressFiles() {
  const stamp = readStamp();
  const source = aptSource();
  const ready = () => say(`WordPress ${wordpressVersion()} files ready in ${rel(debianRoot)}`);
  // Private lists only change when we update them: same lists, same packages, nothing to do.
  if (source.private && stamp?.lists !== undefined && stamp.lists === listsStamp(source)) return ready();

  if (run('apt-get', ['--version']).missing) {
    if (stamp) return say(`WordPress ${wordpressVersion()} files present in ${rel(debianRoot)} (no apt here to compare)`);
    // `npm start` can still download WordPress; only the test suites insist on Debian's copy.
    if (wordpressOnly) return say('no apt here: skipping Debian WordPress (lamphp downloads it or takes --wordpress)');
    throw new StepError(
      `apt-get not found: the WordPress test files come from Debian packages (${BASE_PACKAGES.join(' ')} ` +
        `${THEME_PREFIX}*). Run the tests on Debian or Ubuntu.`,
    );
  }
  // Refreshed before every (re)extraction: the pool drops superseded versions.
  if (source.private) aptUpdate(source);
  if (!source.private && stamp && samePackages(candidates(source, Object.keys(stamp.packages)), stamp.packages)) {
    return ready();
  }

  let packages = [...BASE_PACKAGES, themePackage(source)].filter(Boolean);
  let wanted = candidates(source, packages);
  let unknown = packages.filter((p) => !wanted[p]);
  if (unknown.length && !source.private) {
    if (!isRoot) {
      throw new StepError(
        `apt knows no version of ${unknown.join(', ')}: the package lists are empty or lack them. ` +
          'Run `sudo apt-get update`, then run this again.',
      );
    }
    aptUpdate(source);
    packages = [...BASE_PACKAGES, themePackage(source)].filter(Boolean);
    wanted = candidates(source, packages);
    unknown = packages.filter((p) => !wanted[p]);
  }
  if (!packages.some((p) => p.startsWith(THEME_PREFIX))) unknown.push(`${THEME_PREFIX}*`);
  if (unknown.length) throw new StepError(`${source.label} has no package ${unknown.join(', ')}.`);
  if (stamp && samePackages(stamp.packages, wanted)) {
    fs.writeFileSync(stampFile, JSON.stringify({ ...stamp, lists: listsStamp(source) }, null, 2) + '\n');
    return ready();
  }

  fs.mkdirSync(cacheDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheDir, 'debian-work-'));
  try {
    const debs = path.join(work, 'debs');
    const root = path.join(work, 'root');
    fs.mkdirSync(debs);
    fs.mkdirSync(root);
    say(`apt-get download ${packages.join(' ')} (${source.label})`);
    const dl = run('apt-get', [...source.args, 'download', ...packages.map((p) => `${p}=${wanted[p]}`)], { cwd: debs });
    if (dl.status !== 0) {
      throw new StepError(`apt-get download failed (is deb.debian.org reachable?):\n${lastLines(dl.stderr || dl.stdout)}`);
    }
    for (const deb of fs.readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
      const x = run('dpkg', ['-x', path.join(debs, deb), root]);
      if (x.status !== 0) throw new StepError(`dpkg -x ${deb} failed:\n${lastLines(x.stderr)}`);
    }
    const dangling = danglingLinks(root);
    if (dangling.length) {
      throw new StepError(
        `the extracted WordPress tree has dangling symlinks; add the packages that provide them to BASE_PACKAGES ` +
          `in scripts/system-packages.js:\n  ${dangling.join('\n  ')}`,
      );
    }
    const newStamp = { source: source.label, packages: wanted, lists: listsStamp(source) };
    fs.writeFileSync(path.join(root, '.lamphp-packages.json'), JSON.stringify(newStamp, null, 2) + '\n');
    // Swap in the complete tree at once, so an interrupted run never leaves half a tree behind.
    const old = path.join(work, 'old');
    if (fs.existsSync(debianRoot)) fs.renameSync(debianRoot, old);
    fs.renameSync(root, debianRoot);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  say(`WordPress ${wordpressVersion()} files extracted into ${rel(debianRoot)}`);
}

/**
 * The applications of the compatibility suite, each with the PHP and JavaScript libraries it
 * depends on, from the same private trixie configuration as WordPress, assembled into
 * .cache/apps/<name> (skipped when its stamp shows the same package versions).
 */
function ensureApps() {
  const source = aptSource();
  if (run('apt-get', ['--version']).missing) throw new StepError('apt-get not found: the compatibility suite unpacks Debian packages.');
  const flags = ['--no-recommends', '--no-suggests', '--no-conflicts', '--no-breaks', '--no-replaces', '--no-enhances'];
  const dependsOf = (pkgs) => parseDepends(run('apt-cache', [...source.args, 'depends', ...flags, ...pkgs]).stdout);
  for (const [name, app] of Object.entries(APPS)) {
    const dest = path.join(appsDir, name);
    const stampPath = path.join(dest, '.lamphp-packages.json');
    let stamp;
    try {
      stamp = JSON.parse(fs.readFileSync(stampPath, 'utf8'));
    } catch {
      stamp = undefined;
    }
    let packages = packageClosure(app.packages, dependsOf);
    let wanted = candidates(source, packages) ?? {};
    if (app.packages.some((p) => !wanted[p])) {
      aptUpdate(source);
      packages = packageClosure(app.packages, dependsOf);
      wanted = candidates(source, packages) ?? {};
    }
    const missing = app.packages.filter((p) => !wanted[p]);
    if (missing.length) throw new StepError(`${source.label} has no package ${missing.join(', ')}.`);
    packages = packages.filter((p) => wanted[p]);
    if (stamp && samePackages(stamp.packages, Object.fromEntries(packages.map((p) => [p, wanted[p]])))) {
      say(`${name} ready in ${rel(dest)}`);
      continue;
    }
    fs.mkdirSync(cacheDir, { recursive: true });
    const work = fs.mkdtempSync(path.join(cacheDir, `app-work-${name}-`));
    try {
      const debs = path.join(work, 'debs');
      const staging = path.join(work, 'root');
      fs.mkdirSync(debs);
      fs.mkdirSync(staging);
      say(`apt-get download ${packages.length} packages for ${name} (${source.label})`);
      const dl = run('apt-get', [...source.args, 'download', ...packages.map((p) => `${p}=${wanted[p]}`)], { cwd: debs });
      if (dl.status !== 0) throw new StepError(`apt-get download failed:\n${lastLines(dl.stderr || dl.stdout)}`);
      for (const deb of fs.readdirSync(debs).filter((f) => f.endsWith('.deb'))) {
        const x = run('dpkg', ['-x', path.join(debs, deb), staging]);
        if (x.status !== 0) throw new StepError(`dpkg -x ${deb} failed:\n${lastLines(x.stderr)}`);
      }
      const built = path.join(work, 'app');
      const { rewritten, left } = assembleApp(name, staging, built);
      if (left.length) {
        throw new StepError(`${name}: absolute Debian paths left after assembly (extend APPS in scripts/debian-apps.js):\n  ${left.slice(0, 10).join('\n  ')}`);
      }
      fs.writeFileSync(path.join(built, '.lamphp-packages.json'), JSON.stringify({ source: source.label, packages: Object.fromEntries(packages.map((p) => [p, wanted[p]])) }, null, 2) + '\n');
      fs.mkdirSync(appsDir, { recursive: true });
      fs.rmSync(dest, { recursive: true, force: true });
      fs.renameSync(built, dest);
      say(`${name} assembled in ${rel(dest)} (${packages.length} packages, ${rewritten} PHP files with Debian paths rewritten)`);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }
}

function isDebianLike() {
  return fs.existsSync('/etc/debian_version');
}

function ensureTool({ packages, file, name }) {
  if (fs.existsSync(file)) return say(`${name} present (${file})`);
  const command = `apt-get update && apt-get install -y --no-install-recommends ${packages.join(' ')}`;
  if (!isDebianLike()) {
    throw new StepError(`${file} is missing and this is not Debian/Ubuntu: install ${name} so that ${file} exists.`);
  }
  if (!isRoot) throw new StepError(`${file} is missing: run \`sudo sh -c '${command}'\`, then run this again.`);
  say(`apt-get install ${packages.join(' ')}`);
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
  let r = install();
  if (r.status !== 0 && !systemUpdated) {
    aptUpdate({ label: 'the system apt sources', args: [], private: false });
    r = install();
  }
  if (r.status !== 0 || !fs.existsSync(file)) {
    throw new StepError(`could not install ${packages.join(' ')}:\n${lastLines(r.stderr || r.stdout)}`);
  }
  say(`${name} installed (${file})`);
}

try {
  if (os.platform() !== 'linux') {
    if (wordpressOnly) process.exit(0);
    throw new StepError('the system packages come from Debian; run the test suites on Linux (Debian or Ubuntu).');
  }
  ensureWordPressFiles();
  if (!wordpressOnly) {
    ensureApps();
    for (const tool of TOOLS) ensureTool(tool);
  }
} catch (err) {
  if (!(err instanceof StepError)) throw err;
  process.stderr.write(`system-packages: ${err.message}\n`);
  process.exit(1);
}
