/**
 * In Lambda, WordPress's installer belongs to the install invocation, never to a visitor: on a
 * site whose database is empty, whoever submits `wp-admin/install.php` owns the site. So:
 *
 * - a document root with nothing to serve yet (a new EFS access point: empty, or holding only
 *   hidden entries) or one the install invocation is still filling (its staging folder is
 *   there) answers every request with a 503 holding page;
 * - a WordPress tree (its `wp-includes/version.php` exists) answers every PHP page with that
 *   page until the install invocation has recorded that WordPress's installer succeeded
 *   (install-state.ts); after that, `wp-admin/install.php` and `wp-admin/setup-config.php` are
 *   never served (404). Its static files are served meanwhile.
 *
 * Requests the install invocation makes itself pass. Any other tree is not touched.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HttpResponse } from '../http.ts';
import { errorPage } from '../pages.ts';
import type { Route } from '../router.ts';
import { INSTALL_STATE_FILE, SITE_STAGING_PREFIX, type InstallState } from './install-state.ts';
import { VERSION_FILE } from './source.ts';

/** What a visitor's request gets instead of its route, or null when it may go on. */
export type InstallerGate = (target: Route, requestId: string, fromInstaller: boolean) => { response: HttpResponse; reason: string } | null;

/** WordPress's own setup scripts, by their path from the document root (case-insensitive: some filesystems are). */
const INSTALLER_SCRIPTS = new Set(['/wp-admin/install.php', '/wp-admin/setup-config.php']);

/** How long "this tree is some other PHP application" is trusted before it is looked at again. */
const OTHER_TREE_RECHECK_MS = 5000;

/** Seconds a visitor (or a crawler) is asked to wait before trying again. */
export const HOLDING_RETRY_AFTER_SECONDS = 30;

type Tree = 'setting-up' | 'wordpress' | 'other';

export function createInstallerGate(documentRoot: string, now: () => number = Date.now): InstallerGate {
  const root = path.resolve(documentRoot);
  let installed = false;
  let otherUntil = 0;

  /**
   * Only "some other application" is remembered for a while: an empty root or a staging one is
   * looked at on every request, so a site the install just put in place is gated at once.
   */
  const tree = (): Tree => {
    if (now() < otherUntil) return 'other';
    if (fs.existsSync(path.join(root, VERSION_FILE))) return 'wordpress';
    let names: string[];
    try {
      names = fs.readdirSync(root);
    } catch {
      names = [];
    }
    if (names.every((n) => n.startsWith('.')) || names.some((n) => n.startsWith(SITE_STAGING_PREFIX))) return 'setting-up';
    otherUntil = now() + OTHER_TREE_RECHECK_MS;
    return 'other';
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

  return (target, requestId, fromInstaller) => {
    if (fromInstaller || target.kind === 'bad') return null;
    if (installed) return target.kind === 'php' && INSTALLER_SCRIPTS.has(target.scriptName.toLowerCase()) ? notFound(requestId) : null;
    const kind = tree();
    if (kind === 'setting-up') return { response: holdingPage(requestId), reason: 'site-not-installed-yet' };
    if (kind === 'other' || target.kind !== 'php') return null;
    const setup = INSTALLER_SCRIPTS.has(target.scriptName.toLowerCase());
    if (isInstalled()) return setup ? notFound(requestId) : null;
    return { response: holdingPage(requestId), reason: setup ? 'wordpress-installer-before-install' : 'wordpress-not-installed' };
  };
}

function notFound(requestId: string) {
  return { response: errorPage(404, 'Not found.', requestId), reason: 'wordpress-installer' };
}

/** 503, never cacheable (error pages are `no-store`): the site is being set up by its install invocation. */
export function holdingPage(requestId: string): HttpResponse {
  return errorPage(503, 'This site is being set up. Please try again in a moment.', requestId, { 'retry-after': [String(HOLDING_RETRY_AFTER_SECONDS)] });
}
