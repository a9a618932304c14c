/**
 * An application's `.htaccess` access rules, honoured by the router as Apache would deny, read
 * from the real files' shapes (DokuWiki's and MediaWiki's Apache 2.2/2.4 pairs, `<Files ~>`,
 * `<FilesMatch>`), cached per directory with no filesystem call on a warm request, revalidated
 * like the code tree, and applied to what the uploads sync publishes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { HtaccessAccess, parseHtaccess } from '../bridge/htaccess.ts';
import { route } from '../bridge/router.ts';
import { bumpCodeVersion } from '../bridge/engine/php-wasm/code-cache.ts';
import { publishableBySite } from '../bridge/uploads/app-rules.ts';

const DOKUWIKI_PAIR = `## no access to the conf directory
<IfModule mod_authz_core.c>
    Require all denied
</IfModule>
<IfModule !mod_authz_core.c>
    Order allow,deny
    Deny from all
</IfModule>
`;
const MEDIAWIKI = 'Require all denied\nSatisfy All\n';
const DOKUWIKI_ROOT = `<Files ~ "^([\\._]ht|README$|VERSION$|COPYING$)">
    <IfModule mod_authz_core.c>
        Require all denied
    </IfModule>
    <IfModule !mod_authz_core.c>
        Order allow,deny
        Deny from all
    </IfModule>
</Files>
#RewriteEngine on
#RewriteRule (.*) doku.php?id=$1 [QSA,L]
`;

describe('parseHtaccess', () => {
  it.each([
    ['the DokuWiki Apache 2.2/2.4 pair', DOKUWIKI_PAIR, 'x/.htaccess:3'],
    ['only the Apache 2.2 branch', '<IfModule !mod_authz_core.c>\nOrder allow,deny\nDeny from all\n</IfModule>\n', 'x/.htaccess:3'],
    ["MediaWiki's", MEDIAWIKI, 'x/.htaccess:1'],
    ['a Require lamphp cannot check', 'Require local\n', 'x/.htaccess:1'],
    ['mixed case and tabs', '  rEQUIRE\tALL \t denied\n', 'x/.htaccess:1'],
    ['a continued line', 'Require all \\\n  denied\n', 'x/.htaccess:1'],
    ['a deny beside a grant', 'Require all granted\nDeny from all\n', 'x/.htaccess:2'],
  ])('%s denies the directory', (_name, text, source) => {
    expect(parseHtaccess(text, 'x/.htaccess').directory).toEqual({ access: 'denied', source });
  });

  it.each([
    ['a rewrite-only file', 'RewriteEngine on\nRewriteRule ^(.*)$ index.php [L]\n'],
    ['a deny of one address', 'Order allow,deny\nAllow from all\nDeny from 203.0.113.9\n'],
    ['a negation', '<RequireAll>\nRequire all granted\nRequire not ip 203.0.113.9\n</RequireAll>\n'],
    ['comments only', '# Require all denied\n'],
  ])('%s does not deny the directory', (_name, text) => {
    expect(parseHtaccess(text, 'x/.htaccess').directory?.access).not.toBe('denied');
  });

  it('reads <Files ~>, <Files> globs and <FilesMatch>, deny and grant', () => {
    const rules = parseHtaccess(
      DOKUWIKI_ROOT + '<Files "*.ini">\nDeny from all\n</Files>\n<FilesMatch "\\.(jpe?g|png)$">\nRequire all granted\n</FilesMatch>\n<FilesMatch "(">\nRequire all denied\n</FilesMatch>\n',
      '.htaccess',
    );
    const verdict = (name: string) => rules.files.filter((r) => r.matches(name)).map((r) => r.access);
    expect(verdict('VERSION')).toEqual(['denied', 'denied']); // the unreadable "(" section matches everything
    expect(verdict('.htpasswd')).toEqual(['denied', 'denied']);
    expect(verdict('php.ini')).toEqual(['denied', 'denied']);
    expect(verdict('photo.JPG')).toEqual(['granted', 'denied']);
    expect(rules.files[0]!.source).toBe('.htaccess:1');
  });
});

describe('HtaccessAccess on a tree', () => {
  let root: string;
  let clock: number;
  let access: HtaccessAccess;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };

  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-htaccess-'));
    write('.htaccess', DOKUWIKI_ROOT);
    write('doku.php', '<?php');
    write('VERSION', '2024');
    write('conf/.htaccess', DOKUWIKI_PAIR);
    write('conf/local.php', '<?php $conf = [];');
    write('data/.htaccess', DOKUWIKI_PAIR);
    write('data/media/.htaccess', 'Require all granted\n');
    write('data/media/cat.jpg', 'jpg');
    write('data/pages/start.txt', 'secret page');
    write('lib/tpl/style.css', 'css');
    write('wp-content/uploads/private/.htaccess', 'Deny from all\n');
    write('wp-content/uploads/private/report.pdf', 'pdf');
    write('wp-content/uploads/2024/cat.jpg', 'jpg');
    clock = 1_000_000;
    access = new HtaccessAccess(root, { revalidateMs: 2000, now: () => clock });
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const check = (p: string) => access.check(p.split('/').filter(Boolean))?.source ?? null;

  it('denies what the rules deny, by directory and by file name, wherever the path ends', () => {
    expect(check('/conf/local.php')).toBe('conf/.htaccess:3');
    expect(check('/conf/')).toBe('conf/.htaccess:3');
    expect(check('/conf/missing.txt')).toBe('conf/.htaccess:3');
    expect(check('/data/pages/start.txt')).toBe('data/.htaccess:3');
    expect(check('/VERSION')).toBe('.htaccess:1');
    expect(check('/lib/tpl/.htpasswd')).toBe('.htaccess:1');
  });

  it('opens again where a deeper directory grants, and never looks past the script for PATH_INFO', () => {
    expect(check('/data/media/cat.jpg')).toBeNull();
    expect(check('/doku.php/conf/local.php')).toBeNull();
    expect(check('/lib/tpl/style.css')).toBeNull();
    expect(check('/')).toBeNull();
  });

  it('the router answers 403 and names the rule', () => {
    const options = { documentRoot: root, frontController: 'doku.php', uploadsDir: 'wp-content/uploads', access };
    expect(route({ path: '/conf/local.php', query: '' }, options)).toEqual({ kind: 'deny', status: 403, reason: 'htaccess conf/.htaccess:3' });
    expect(route({ path: '/VERSION', query: '' }, options)).toEqual({ kind: 'deny', status: 403, reason: 'htaccess .htaccess:1' });
    expect(route({ path: '/lib/tpl/style.css', query: '' }, options)).toMatchObject({ kind: 'static' });
  });

  it('a warm request makes no filesystem call; a change is seen after revalidateMs, a new code version at once', () => {
    check('/conf/local.php');
    const stat = vi.spyOn(fs, 'statSync');
    const read = vi.spyOn(fs, 'readFileSync');
    try {
      for (let i = 0; i < 50; i++) check('/conf/local.php');
      expect(stat).not.toHaveBeenCalled();
      expect(read).not.toHaveBeenCalled();

      write('lib/tpl/.htaccess', 'Require all denied\n');
      expect(check('/lib/tpl/style.css')).toBeNull(); // still trusted
      clock += 2001;
      expect(check('/lib/tpl/style.css')).toBe('lib/tpl/.htaccess:1');

      fs.rmSync(path.join(root, 'lib/tpl/.htaccess'));
      bumpCodeVersion(root);
      clock += 2001; // the marker is looked at once per revalidateMs at most
      expect(check('/lib/tpl/style.css')).toBeNull();
    } finally {
      stat.mockRestore();
      read.mockRestore();
    }
  });

  it('the uploads sync never publishes what the site denies', () => {
    const layout = { documentRoot: root, uploadsDir: 'wp-content/uploads', prefix: '' };
    expect(publishableBySite(layout, 'private/report.pdf')).toBe(false);
    expect(publishableBySite(layout, '2024/cat.jpg')).toBe(true);
  });
});

describe('generated .htaccess files', () => {
  const deny = fc.constantFrom('Require all denied', 'Deny from all', 'require ALL denied', 'DENY FROM ALL', 'Require\tall\tdenied', 'Require local', 'Require ip 10.0.0.0/8');
  const wrapper = fc.constantFrom(
    (t: string) => t,
    (t: string) => `<IfModule mod_authz_core.c>\n${t}\n</IfModule>`,
    (t: string) => `<IfModule !mod_authz_core.c>\nOrder allow,deny\n${t}\n</IfModule>`,
    (t: string) => `<IfModule mod_a.c>\n<IfModule !mod_b.c>\n  ${t}\n</IfModule>\n</IfModule>`,
    (t: string) => `<IfVersion >= 2.4>\n${t}\n</IfVersion>\n<Else>\nSatisfy All\n</Else>`,
    (t: string) => `<Limit GET POST>\n${t}\n</Limit>`,
    (t: string) => `# a comment\nOptions -Indexes\nRewriteEngine on\n${t}\nSatisfy All`,
  );
  const depth = fc.integer({ min: 0, max: 3 });
  const below = fc.array(fc.constantFrom('a', 'b.php', 'c.txt', 'sub', '.x'), { minLength: 1, maxLength: 3 });

  it('a deny in any branch denies every path below its directory (300 generated files)', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-htaccess-gen-'));
    try {
      let n = 0;
      fc.assert(
        fc.property(deny, wrapper, depth, below, (directive, wrap, d, rest) => {
          const dir = path.join(root, String(n++), ...Array.from({ length: d }, (_, i) => `d${i}`));
          fs.mkdirSync(dir, { recursive: true });
          fs.writeFileSync(path.join(dir, '.htaccess'), wrap(directive) + '\n');
          const access = new HtaccessAccess(root, { revalidateMs: 60_000 });
          const segments = [...path.relative(root, dir).split(path.sep), ...rest];
          expect(access.check(segments), segments.join('/')).not.toBeNull();
          expect(access.check(['elsewhere', ...rest]), 'a sibling').toBeNull();
        }),
        { numRuns: 300 },
      );
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
