/**
 * The largest file a visitor can upload through the front door, and the `$_SERVER` entries the
 * must-use plugin reads (php-wasm has no host environment, so settings reach PHP this way).
 */
import type { Config } from '../config.ts';

/** What the front door carries: its body limit and whether bodies arrive base64-encoded. */
export interface FrontDoorLimits {
  /** Largest request the front door accepts, as it counts it. */
  maxRequestBytes: number;
  /** Lambda events carry binary bodies (multipart uploads) base64-encoded: 4 bytes per 3. */
  base64Body: boolean;
}

/** Room for the multipart framing, the other form fields and headers around the file. */
export const MULTIPART_OVERHEAD = 16 * 1024;

/** The largest file that fits in one request through this front door (and the bridge's own limit). */
export function uploadFileLimit(frontDoor: FrontDoorLimits | undefined, maxBodyBytes: number): number {
  const door = frontDoor ? (frontDoor.base64Body ? Math.floor((frontDoor.maxRequestBytes * 3) / 4) : frontDoor.maxRequestBytes) : maxBodyBytes;
  return Math.max(0, Math.min(door, maxBodyBytes) - MULTIPART_OVERHEAD);
}

/**
 * `$_SERVER` entries for PHP: the uploads directory, the upload limit, and the CDN address of
 * uploads when one is set (the must-use plugin rewrites URLs only then).
 */
export function uploadsServerVars(config: Pick<Config, 'uploadsDir' | 'uploadsUrl' | 'maxBodyBytes'>, frontDoor?: FrontDoorLimits): Record<string, string> {
  return {
    LAMPHP_UPLOADS_DIR: config.uploadsDir,
    LAMPHP_UPLOAD_MAX_BYTES: String(uploadFileLimit(frontDoor, config.maxBodyBytes)),
    ...(config.uploadsUrl !== undefined && { LAMPHP_UPLOADS_URL: config.uploadsUrl.replace(/\/+$/, '') }),
  };
}
