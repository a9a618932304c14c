/**
 * Per-run copies of the application folders scripts/system-packages.js assembled in
 * .cache/apps, configured the way a new user would (an admin account, uploads on, PATH_INFO
 * URLs), plus what each side needs to serve them: lamphp's settings and the app's documented
 * nginx deny locations.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const APPS_DIR = path.resolve(import.meta.dirname, '../../../.cache/apps');
export const ADMIN = { user: 'admin', password: 'Lamphp-Compat-Pass-42' };

export interface AppSite {
  name: string;
  root: string;
  /** Settings for `lamphp serve`. */
  env: Record<string, string>;
  /** nginx `location` blocks from the application's documentation. */
  locations: string;
}

/** A copy of an assembled folder: hard links for the big read-only trees, a real copy otherwise. */
function copyApp(name: string, dest: string, hardLinks: boolean): string {
  const src = path.join(APPS_DIR, name);
  if (!fs.existsSync(path.join(src, '.lamphp-packages.json'))) {
    throw new Error(`${src} is missing: run node scripts/system-packages.js (npm test does) to assemble the applications.`);
  }
  execFileSync('cp', [hardLinks ? '-al' : '-a', src, dest]);
  return dest;
}

export function dokuwiki(tmp: string): AppSite {
  const root = copyApp('dokuwiki', path.join(tmp, 'dokuwiki'), false);
  const conf = (name: string, text: string) => fs.writeFileSync(path.join(root, 'conf', name), text);
  conf(
    'local.php',
    `<?php
$conf['title'] = 'Lamphp Compat Wiki';
$conf['useacl'] = 1;
$conf['superuser'] = '@admin';
$conf['userewrite'] = 2;
$conf['updatecheck'] = 0;
$conf['dnslookups'] = 0;
`,
  );
  const sha1 = createHash('sha1').update(ADMIN.password).digest('hex');
  conf('users.auth.php', `# users\n${ADMIN.user}:${sha1}:Admin:admin@example.com:admin,user\n`);
  conf('acl.auth.php', `# acl\n*\t@ALL\t1\n*\t@user\t16\n`);
  return {
    name: 'dokuwiki',
    root,
    env: {},
    // dokuwiki.org/install:nginx
    locations: `    location ~ /(conf/|bin/|inc/|vendor/|debian/|install\\.php) { deny all; }
    location ~ /data/ { internal; }`,
  };
}

export function mediawiki(tmp: string): AppSite {
  const root = copyApp('mediawiki', path.join(tmp, 'mediawiki'), true);
  const data = path.join(root, 'data');
  execFileSync(
    'php8.2',
    [
      'maintenance/run.php', 'install', '--dbtype=sqlite', `--dbpath=${data}`, '--dbname=wiki', '--server=http://localhost',
      '--scriptpath=', `--pass=${ADMIN.password}`, '--lang=en', '--skins=Vector', 'Lamphp Compat Wiki', 'Admin',
    ],
    { cwd: root, stdio: 'pipe' },
  );
  fs.appendFileSync(
    path.join(root, 'LocalSettings.php'),
    `
# Both servers of the suite serve this folder: links follow the Host of each request.
$wgServer = WebRequest::detectServer();
$wgUsePathInfo = true;
$wgArticlePath = "/index.php/$1";
$wgEnableUploads = true;
$wgUseImageMagick = false;
$wgFileExtensions = ['png', 'gif', 'jpg', 'txt'];
$wgStrictFileExtensions = false;
`,
  );
  return {
    name: 'mediawiki',
    root,
    env: { LAMPHP_PHP_EXTENSIONS: 'intl', LAMPHP_UPLOADS_DIR: 'images' },
    // mediawiki.org/wiki/Manual:Security and its nginx examples
    locations: `    location ~ ^/(cache|includes|maintenance|languages|serialized|tests|vendor|data|images/deleted)/ { deny all; }`,
  };
}

export function adminer(tmp: string): AppSite {
  const root = copyApp('adminer', path.join(tmp, 'adminer'), false);
  return {
    name: 'adminer',
    root,
    env: { LAMPHP_DENY_PATHS: 'adminer/**' },
    locations: `    location ^~ /adminer/ { deny all; }`,
  };
}

export function phpmyadmin(tmp: string): AppSite {
  const root = copyApp('phpmyadmin', path.join(tmp, 'phpmyadmin'), true);
  fs.writeFileSync(
    path.join(root, 'config.inc.php'),
    `<?php
$cfg['blowfish_secret'] = '${'lamphp-compat-'.padEnd(32, 'x')}';
$i = 1;
$cfg['Servers'][$i]['auth_type'] = 'cookie';
$cfg['Servers'][$i]['host'] = '127.0.0.1';
$cfg['Servers'][$i]['compress'] = false;
$cfg['Servers'][$i]['AllowNoPassword'] = false;
$cfg['UploadDir'] = '';
$cfg['SaveDir'] = '';
$cfg['VersionCheck'] = false;
$cfg['SendErrorReports'] = 'never';
`,
  );
  return {
    name: 'phpmyadmin',
    root,
    env: { LAMPHP_DENY_PATHS: 'libraries/**,templates/**,debian/**,var/**,setup/lib/**' },
    // Debian's apache.conf for phpMyAdmin, as nginx locations
    locations: `    location ~ ^/(libraries|templates|debian|var|setup/lib)/ { deny all; }`,
  };
}
