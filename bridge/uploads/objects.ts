/**
 * How a file under the uploads directory becomes an S3 object: its key, whether it may be
 * published at all, and the headers it is stored with. Pure: no I/O.
 */
import path from 'node:path';
import type { CachePolicySettings } from '../config.ts';
import { staticCacheControl } from '../cache-control.ts';
import { denyRule, type PathRules } from '../deny-rules.ts';
import { contentTypeOf } from '../static.ts';

export interface UploadsLayout {
  documentRoot: string;
  /** Relative to the document root, e.g. `wp-content/uploads`. */
  uploadsDir: string;
  /** Key prefix in the bucket ('' or ending in `/`). */
  prefix: string;
  /** LAMPHP_DENY_PATHS / LAMPHP_ALLOW_PATHS: what the router would not serve is never published. */
  paths?: PathRules;
}

/** `LAMPHP_UPLOADS_PREFIX` as a key prefix: no leading slash, one trailing slash unless empty. */
export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '' : `${trimmed}/`;
}

/** The object key of a file, given its path relative to the uploads directory. */
export function objectKey(layout: Pick<UploadsLayout, 'prefix'>, rel: string): string {
  return normalisePrefix(layout.prefix) + rel;
}

/** The host path of a file, given its path relative to the uploads directory. */
export function hostPath(layout: UploadsLayout, rel: string): string {
  return path.join(layout.documentRoot, layout.uploadsDir, ...rel.split('/'));
}

/**
 * Whether a file may go to the bucket: only what the static responder would serve from the
 * uploads directory. A dotfile, a backup or anything PHP-like stays local (a bucket behind a
 * CDN would hand its source to anyone), and so does a path that is not a plain relative one.
 */
export function publishable(layout: Pick<UploadsLayout, 'uploadsDir' | 'paths'>, rel: string): boolean {
  const parts = rel.split('/');
  if (rel === '' || parts.some((p) => p === '' || p === '.' || p === '..')) return false;
  if (/[\u0000-\u001f\u007f\\]/.test(rel)) return false;
  const segments = [...layout.uploadsDir.split('/').filter(Boolean), ...parts];
  return denyRule(segments, { uploadsDir: layout.uploadsDir, file: true, ...(layout.paths && { paths: layout.paths }) }) === null;
}

export interface ObjectHeaders {
  contentType: string;
  cacheControl: string;
}

/** Content-Type as the static responder sends it, and the uploads row of the one Cache-Control table. */
export function objectHeaders(layout: Pick<UploadsLayout, 'uploadsDir'>, rel: string, policy: CachePolicySettings): ObjectHeaders {
  const urlPath = `/${layout.uploadsDir.replace(/^\/+|\/+$/g, '')}/${rel}`;
  return {
    contentType: contentTypeOf(rel),
    cacheControl: staticCacheControl(urlPath, '', layout.uploadsDir, policy),
  };
}
