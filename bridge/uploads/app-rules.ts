/**
 * An application's own `.htaccess` denies (htaccess.ts) hold for the bucket too: a file the
 * site would refuse to serve is never published where a CDN would serve it to anyone.
 */
import { htaccessAccess } from '../htaccess.ts';
import { publishable, type UploadsLayout } from './objects.ts';

/** How long a directory's rules are trusted when no bridge set it (the `uploads sync` command). */
const DEFAULT_REVALIDATE_MS = 2000;

/** `publishable`, and not denied by the site's `.htaccess` files. */
export function publishableBySite(layout: UploadsLayout, rel: string): boolean {
  if (!publishable(layout, rel)) return false;
  const segments = [...layout.uploadsDir.split('/').filter(Boolean), ...rel.split('/')];
  return htaccessAccess(layout.documentRoot, { revalidateMs: DEFAULT_REVALIDATE_MS }).check(segments) === null;
}
