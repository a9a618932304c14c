// Real PHP applications from Debian for the compatibility suite (test/apps/compat.test.ts):
// DokuWiki, MediaWiki, Adminer and phpMyAdmin, each assembled into one self-contained folder
// that lamphp and php-fpm + nginx serve alike.
//
// Debian spreads an application over /usr/share/<app>, /etc/<app> and /var/lib/<app>, joined by
// absolute symlinks, and takes its libraries from /usr/share/php and /usr/share/javascript by
// absolute path. An app folder is assembled from the unpacked packages by:
//   1. copying the application's directory with every symlink replaced by what it points to
//      inside the unpacked packages (absolute targets are looked up there, never on the host);
//   2. copying its configuration and data directories to the places upstream keeps them
//      (DokuWiki's conf/ and data/, MediaWiki's cache/ and images/…) and its libraries under
//      debian/ (debian/php, debian/javascript…);
//   3. rewriting, in every PHP file of the folder, a string literal that starts with one of those
//      absolute paths into `__DIR__ . '<the same place, relative to that file>'`;
//   4. the few steps Debian's maintainer scripts would do (DokuWiki's .htaccess from its .dist,
//      removing Debian's relocation preload), listed per application below.
// Plain JavaScript with no dependencies, run by scripts/system-packages.js.
import fs from 'node:fs';
import path from 'node:path';

/** Packages never followed: PHP itself and its compiled extensions, services, debconf glue. */
const NOT_FILES = /^(php\d|php-(common|cli|fpm|cgi|json|mysql|mysqlnd|xml|mbstring|intl|gmp|curl|gd|zip|bz2|sqlite3|pgsql|apcu|readline|yaml|ldap|bcmath|opcache|tokenizer|iconv|ctype|sodium|igbinary|memcached|redis|imagick|luasandbox|wikidiff2|tcpdf)$)|^(libapache2|apache2|nginx|lighttpd|dbconfig|debconf|ucf|sensible-utils|cdebconf|perl|python3|default-mysql|mariadb|node-)/;
/** Packages followed when an application depends on them: PHP and JavaScript libraries. */
const LIBRARY = /^(php-|libphp-|libjs-|javascript-common$|mediawiki-classes$)/;

const LIB_DIRS = [
  // Longest first: '/usr/share/php-geshi' must not be taken for '/usr/share/php'.
  { from: '/usr/share/php-geshi', to: 'debian/php-geshi' },
  { from: '/usr/share/php', to: 'debian/php' },
  { from: '/usr/share/javascript', to: 'debian/javascript' },
];

/** What each application folder is made of; `to` paths are relative to the folder. */
export const APPS = {
  dokuwiki: {
    packages: ['dokuwiki'],
    copy: [
      { from: '/usr/share/dokuwiki', to: '' },
      { from: '/etc/dokuwiki', to: 'conf' },
      { from: '/var/lib/dokuwiki/data', to: 'data' },
    ],
    paths: [{ from: '/etc/dokuwiki', to: 'conf' }, { from: '/var/lib/dokuwiki/data', to: 'data' }, ...LIB_DIRS],
    finish(dir) {
      // Debian's preload relocates conf/ to /etc/dokuwiki; upstream finds it in conf/.
      fs.rmSync(path.join(dir, 'inc/preload.php'), { force: true });
      // The root .htaccess is the shipped .dist (Debian's postinst installs it in /etc).
      fs.copyFileSync(path.join(dir, '.htaccess.dist'), path.join(dir, '.htaccess'));
      for (const name of ['acl.auth.php', 'users.auth.php', 'local.php']) {
        const dist = path.join(dir, 'conf', `${name}.dist`);
        if (fs.existsSync(dist) && !fs.existsSync(path.join(dir, 'conf', name))) fs.copyFileSync(dist, path.join(dir, 'conf', name));
      }
    },
  },
  mediawiki: {
    packages: ['mediawiki', 'mediawiki-classes'],
    copy: [
      { from: '/usr/share/mediawiki', to: '', skip: ['extensions', 'extensions-core', 'LocalSettings.php', 'config'] },
      { from: '/var/lib/mediawiki/cache', to: 'cache' },
    ],
    paths: [{ from: '/etc/mediawiki', to: '' }, { from: '/var/lib/mediawiki', to: '' }, ...LIB_DIRS],
    finish(dir) {
      fs.mkdirSync(path.join(dir, 'extensions'), { recursive: true });
    },
  },
  adminer: {
    packages: ['adminer'],
    copy: [
      { from: '/etc/adminer', to: '' },
      { from: '/usr/share/adminer', to: 'adminer' },
    ],
    paths: [{ from: '/usr/share/adminer', to: 'adminer' }, ...LIB_DIRS],
    finish(dir) {
      // Debian's web server configuration makes conf.php the directory index.
      fs.renameSync(path.join(dir, 'conf.php'), path.join(dir, 'index.php'));
    },
  },
  phpmyadmin: {
    packages: ['phpmyadmin'],
    copy: [{ from: '/usr/share/phpmyadmin', to: '', skip: ['doc'] }],
    paths: [{ from: '/etc/phpmyadmin', to: '' }, { from: '/var/lib/phpmyadmin', to: 'var' }, ...LIB_DIRS],
    finish(dir) {
      fs.mkdirSync(path.join(dir, 'var/tmp'), { recursive: true });
    },
  },
};

/** The libraries each application needs: its Depends, followed through PHP and JS library packages. */
export function packageClosure(roots, dependsOf) {
  const seen = new Set(roots);
  let frontier = [...roots];
  while (frontier.length > 0) {
    const next = [];
    for (const [pkg, deps] of Object.entries(dependsOf(frontier))) {
      void pkg;
      for (const dep of deps) {
        if (seen.has(dep) || NOT_FILES.test(dep) || !LIBRARY.test(dep)) continue;
        seen.add(dep);
        next.push(dep);
      }
    }
    frontier = next;
  }
  return [...seen].sort();
}

/** `apt-cache depends` output → package → its first-choice Depends. */
export function parseDepends(text) {
  const out = {};
  let current;
  let alternative = false;
  for (const line of text.split('\n')) {
    const head = /^(\S+)$/.exec(line);
    if (head) {
      current = head[1];
      out[current] ??= [];
      alternative = false;
      continue;
    }
    const dep = /^\s+(\|)?(PreDepends|Depends):\s+<?([^\s>]+)>?/.exec(line);
    if (!dep || !current) continue;
    // In `|Depends: a` / `Depends: b`, only the first alternative is taken.
    if (!alternative) out[current].push(dep[3]);
    alternative = dep[1] === '|';
  }
  return out;
}

/** Where a path inside the unpacked packages really is: symlinks resolved inside `staging`. */
function resolveIn(staging, p, hops = 0) {
  if (hops > 40) return undefined;
  let stat;
  try {
    stat = fs.lstatSync(p);
  } catch {
    return undefined;
  }
  if (!stat.isSymbolicLink()) return p;
  const target = fs.readlinkSync(p);
  const next = path.isAbsolute(target) ? path.join(staging, target) : path.resolve(path.dirname(p), target);
  const rel = path.relative(staging, next);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return resolveIn(staging, next, hops + 1);
}

/** Copies `src` to `dest`, every symlink replaced by its target; dangling links are left out. */
function copyResolved(staging, src, dest, skip = []) {
  const real = resolveIn(staging, src);
  if (!real) return;
  const stat = fs.statSync(real);
  if (stat.isDirectory()) {
    fs.mkdirSync(dest, { recursive: true });
    for (const name of fs.readdirSync(real)) {
      if (skip.includes(name)) continue;
      copyResolved(staging, path.join(real, name), path.join(dest, name));
    }
  } else if (stat.isFile()) {
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(real, dest);
  }
}

function phpFiles(dir) {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && /\.(php|inc)$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name));
}

/** Rewrites absolute Debian paths at the start of string literals into paths relative to each file. */
export function rewritePaths(dir, mappings) {
  let files = 0;
  for (const file of phpFiles(dir)) {
    const text = fs.readFileSync(file, 'latin1');
    let out = text;
    for (const { from, to } of mappings) {
      const escaped = from.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const target = path.join(dir, to);
      out = out.replace(new RegExp(`(['"])${escaped}(?=[/'"])`, 'g'), (_m, quote) => {
        const rel = path.relative(path.dirname(file), target).split(path.sep).join('/');
        return `__DIR__ . ${quote}${rel ? `/${rel}` : ''}`;
      });
    }
    if (out !== text) {
      fs.writeFileSync(file, out, 'latin1');
      files++;
    }
  }
  return files;
}

/** Builds one application folder at `dest` from the packages unpacked in `staging`. */
export function assembleApp(name, staging, dest) {
  const app = APPS[name];
  fs.rmSync(dest, { recursive: true, force: true });
  fs.mkdirSync(dest, { recursive: true });
  for (const part of app.copy) copyResolved(staging, path.join(staging, part.from), path.join(dest, part.to), part.skip);
  for (const lib of LIB_DIRS) {
    const src = path.join(staging, lib.from);
    if (fs.existsSync(src)) copyResolved(staging, src, path.join(dest, lib.to));
  }
  app.finish(dest);
  const rewritten = rewritePaths(dest, app.paths);
  const left = phpFiles(dest).filter((f) => /(['"])\/(usr\/share\/(php|javascript|dokuwiki|mediawiki|adminer|phpmyadmin)|etc\/(dokuwiki|mediawiki|adminer|phpmyadmin)|var\/lib\/(dokuwiki|mediawiki|phpmyadmin))\b/.test(fs.readFileSync(f, 'latin1')));
  return { rewritten, left: left.map((f) => path.relative(dest, f)) };
}
