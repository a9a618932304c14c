/**
 * `lamphp doctor` reports what a real runtime offers, and the README's compatibility table is
 * its output for the default settings.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { doctor, doctorMarkdown, README_FILE, README_MARKERS, withTable } from '../../runtime/doctor.ts';

describe('lamphp doctor', () => {
  it('asks the runtime: FTS5 yes, FTS3/FTS4 no, sodium through sodium_compat, no posix/pcntl/sockets/ftp/xsl/gettext/FFI', async () => {
    const report = await doctor({ ...process.env, LAMPHP_PHP_EXTENSIONS: '' });
    const row = (what: string) => report.rows.find(([name]) => name === what)?.[1];
    expect(report.sapi).toBe('fpm-fcgi');
    expect(row('SQLite FTS5')).toBe(true);
    expect(row('SQLite FTS3')).toBe(false);
    expect(row('SQLite FTS4')).toBe(false);
    expect(row('sodium')).toBe(true);
    expect(row('fastcgi_finish_request()')).toBe(true);
    expect(row('intl')).toBe(false);
    for (const absent of ['posix', 'pcntl', 'sockets', 'ftp', 'xsl', 'gettext', 'FFI']) expect(row(absent), absent).toBe(false);

    // The README's table is this output: regenerate it with `node runtime/lamphp.js doctor --update-readme`.
    const readme = fs.readFileSync(README_FILE, 'utf8');
    expect(readme, `README.md's table between ${README_MARKERS[0]} and ${README_MARKERS[1]}`).toBe(withTable(readme, doctorMarkdown(report, [])));
  });

  it('reports intl once LAMPHP_PHP_EXTENSIONS loads it', async () => {
    const report = await doctor({ ...process.env, LAMPHP_PHP_EXTENSIONS: 'intl' });
    expect(report.rows.find(([name]) => name === 'intl')?.[1]).toBe(true);
    expect(report.extensions).toContain('intl');
  });
});
