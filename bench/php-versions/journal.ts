/**
 * A copy of a SQLite WordPress site with another `SQLITE_JOURNAL_MODE` (the SQLite integration's
 * one driver option WordPress's configuration reaches). A copy, because WAL is recorded in the
 * database file itself and would change the shared site for every other row.
 */
import fs from 'node:fs';
import path from 'node:path';

/** Rollback-journal modes (safe with file locks on a network filesystem) and WAL (not). */
export const JOURNAL_MODES = ['DELETE', 'TRUNCATE', 'PERSIST', 'WAL'] as const;
export type JournalMode = (typeof JOURNAL_MODES)[number];

const DEFINE = /define\(\s*'SQLITE_JOURNAL_MODE',\s*'[A-Z]+'\s*\);/;

/** A copy of a site to change one thing in; the original's opcache snapshots stay behind. */
export function copySite(siteDir: string, copyDir: string): string {
  fs.cpSync(siteDir, copyDir, { recursive: true, verbatimSymlinks: true });
  fs.rmSync(path.join(copyDir, '.lamphp-opcache'), { recursive: true, force: true });
  return copyDir;
}

export function journalCopy(siteDir: string, copyDir: string, mode: JournalMode): string {
  copySite(siteDir, copyDir);
  const config = path.join(copyDir, 'wp-config.php');
  const text = fs.readFileSync(config, 'utf8');
  if (!DEFINE.test(text)) throw new Error(`${config} has no SQLITE_JOURNAL_MODE define to change.`);
  fs.writeFileSync(config, text.replace(DEFINE, `define( 'SQLITE_JOURNAL_MODE', '${mode}' );`));
  return copyDir;
}
