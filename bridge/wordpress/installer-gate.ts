/**
 * In Lambda, WordPress's installer belongs to the install invocation, never to a visitor: on a
 * site whose database is empty, whoever submits `wp-admin/install.php` owns the site. So, for a
 * WordPress tree (its `wp-includes/version.php` exists) and until the install invocation has
 * recorded that WordPress's installer succeeded (install-state.ts), every PHP page answers a 503
 * holding page; after that, `wp-admin/install.php` and `wp-admin/setup-config.php` are never
 * served (404). Requests the install invocation makes itself pass. A tree without WordPress is
 * not touched. Static files are served as usual.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HttpResponse } from '../http.ts';
import { errorPage } from '../pages.ts';
import { INSTALL_STATE_FILE, type InstallState } from './install-state.ts';
import { VERSION_FILE } from './source.ts';

/** What a visitor's PHP request gets instead of PHP, or null when it may run. */
export type InstallerGate = (scriptName: string, requestId: string, fromInstaller: boolean) => { response: HttpResponse; reason: string } | null;

/** WordPress's own setup scripts, by their path from the document root (case-insensitive: some filesystems are). */
const INSTALLER_SCRIPTS = new Set(['/wp-admin/install.php', '/wp-admin/setup-config.php']);

/** How long "this tree is not WordPress" is trusted before one stat looks again. */
const NOT_WORDPRESS_RECHECK_MS = 5000;

/** Seconds a visitor (or a crawler) is asked to wait before trying again. */
export const HOLDING_RETRY_AFTER_SECONDS = 30;

export function createInstallerGate(documentRoot: string, now: () => number = Date.now): InstallerGate {
  const root = path.resolve(documentRoot);
  let installed = false;
  let notWordPressUntil = 0;

  const isWordPress = (): boolean => {
    if (now() < notWordPressUntil) return false;
    if (fs.existsSync(path.join(root, VERSION_FILE))) return true;
    notWordPressUntil = now() + NOT_WORDPRESS_RECHECK_MS;
    return false;
  };
  /** Once recorded, for good: the record is only ever written after the installer succeeded. */
  const isInstalled = (): boolean => {
    if (installed) return true;
    try {
      installed = (JSON.parse(fs.readFileSync(path.join(root, INSTALL_STATE_FILE), 'utf8')) as InstallState).installed === true;
    } catch {
      installed = false; // no record yet, or one being written
    }
    return installed;
  };

  return (scriptName, requestId, fromInstaller) => {
    if (fromInstaller || !isWordPress()) return null;
    const setup = INSTALLER_SCRIPTS.has(scriptName.toLowerCase());
    if (isInstalled()) return setup ? { response: errorPage(404, 'Not found.', requestId), reason: 'wordpress-installer' } : null;
    return { response: holdingPage(requestId), reason: setup ? 'wordpress-installer-before-install' : 'wordpress-not-installed' };
  };
}

/** 503, never cacheable (error pages are `no-store`): the site is being set up by its install invocation. */
export function holdingPage(requestId: string): HttpResponse {
  return errorPage(503, 'This site is being set up. Please try again in a moment.', requestId, { 'retry-after': [String(HOLDING_RETRY_AFTER_SECONDS)] });
}
