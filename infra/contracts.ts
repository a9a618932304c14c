/**
 * What the stack promises the runtime (runtime/, bridge/) and what a local stand-in of the
 * stack reads from the template — in one place, so the template, the runtime and the tests
 * never keep a second copy of a name. Documented in infra/README.md ("Runtime contract").
 */
import { readFileSync } from 'node:fs';
import { FAILED_PREFIX, JOBS_PREFIX, OUTBOX_PREFIX, SENT_PREFIX } from '../bridge/outbox/job.ts';
import { FAILED_JOB_EVENT } from '../bridge/outbox/relay.ts';
import { INCOMING_PREFIX } from '../bridge/uploads/direct.ts';
import { RELAY_HANDLER } from '../layer/relay.ts';

/** Header CloudFront adds on every origin request; the bridge's default LAMPHP_ORIGIN_SECRET_HEADER. */
export const ORIGIN_SECRET_HEADER = 'x-lamphp-origin-secret';

/**
 * Header the viewer-request function sets to the viewer's IP address (IPv6 in brackets), over
 * anything the viewer sent; the function's LAMPHP_VIEWER_ADDRESS_HEADER. The managed origin
 * request policy the pages use (AllViewerExceptHostHeader) forwards no CloudFront headers, so
 * CloudFront-Viewer-Address never reaches the origin from CloudFront itself.
 */
export const VIEWER_ADDRESS_HEADER = 'x-lamphp-viewer-address';

/** Where the EFS access point is mounted in the function (Lambda requires `/mnt/<name>`). */
export const MOUNT_PATH = '/mnt/wordpress';
/** The WordPress tree (LAMPHP_DOCUMENT_ROOT); siblings of it on EFS are never served. */
export const DOCUMENT_ROOT = `${MOUNT_PATH}/wordpress`;
/** PHP sessions, beside the document root (never served). */
export const SESSION_DIR = `${MOUNT_PATH}/sessions`;

/** POSIX identity the function uses on EFS; the access point creates its root for it. */
export const POSIX_USER = { uid: '1000', gid: '1000' } as const;
export const ACCESS_POINT_PERMISSIONS = '755';

/** Root directory of a site's EFS access point (as in the original Terraform module). */
export function accessPointPath(siteId: string): string {
  return `/roots/wp-lambda-${siteId}`;
}

/** S3 keys mirror the URL path, so CloudFront serves `/wp-content/uploads/*` from the bucket as is. */
export const UPLOADS_PREFIX = 'wp-content/uploads/';
/** The CloudFront path pattern of the uploads bucket (the same prefix). */
export const UPLOADS_PATH_PATTERN = `${UPLOADS_PREFIX}*`;
/** Where a browser's direct upload waits (bucket root, outside every CloudFront path) until the function moves it. */
export { INCOMING_PREFIX };

/**
 * The outbox at the uploads bucket's root (bridge/outbox/job.ts): jobs the function writes,
 * sent-markers (claims) and failed jobs the relay writes. Outside every CloudFront path.
 */
export const OUTBOX = { prefix: OUTBOX_PREFIX, jobs: JOBS_PREFIX, sent: SENT_PREFIX, failed: FAILED_PREFIX, jobSuffix: '.json' } as const;
/** The relay function's handler in the zip `lamphp relay build` writes (runtime/relay/handler.ts). */
export { RELAY_HANDLER };
/** The `event` field of the relay's log line for a job moved to failed/: what the stack's alarm counts. */
export const RELAY_FAILED_EVENT = FAILED_JOB_EVENT;

/** `nodejs24.x` starts lamphp from the layer through this wrapper; the function's own handler never runs. */
export const EXEC_WRAPPER = '/opt/lamphp/bootstrap';
export const FUNCTION_HANDLER = 'index.handler';

/** SSM parameters the stack keeps per site: `/lamphp/<stack name>/<site id>/<name>` (standard tier, free). */
export const PARAMETERS = {
  /** The CloudFront distribution's id, for operators and tools. */
  distributionId: 'cloudfront-distribution-id',
  /** The first WordPress admin password (SecureString, written by the install handler, deleted with the stack). */
  adminPassword: 'admin-password',
} as const;

export function siteParameterName(stackName: string, siteId: string, name: string): string {
  return `/lamphp/${stackName}/${siteId}/${name}`;
}

/**
 * Environment variables the stack sets on the WordPress function, by what they are for.
 * Each `LAMPHP_*` name is read in bridge/config.ts (or bridge/wordpress for DB_* and WP_*).
 */
export const ENV = {
  execWrapper: 'AWS_LAMBDA_EXEC_WRAPPER',
  documentRoot: 'LAMPHP_DOCUMENT_ROOT',
  createDocumentRoot: 'LAMPHP_CREATE_DOCUMENT_ROOT',
  sessionDir: 'LAMPHP_SESSION_DIR',
  responseMode: 'LAMPHP_RESPONSE_MODE',
  originSecret: 'LAMPHP_ORIGIN_SECRET',
  originSecretPrevious: 'LAMPHP_ORIGIN_SECRET_PREVIOUS',
  originSecretHeader: 'LAMPHP_ORIGIN_SECRET_HEADER',
  viewerAddressHeader: 'LAMPHP_VIEWER_ADDRESS_HEADER',
  trustForwardedHost: 'LAMPHP_TRUST_FORWARDED_HOST',
  canonicalHost: 'LAMPHP_CANONICAL_HOST',
  siteId: 'LAMPHP_SITE_ID',
  frontDoorTimeoutMs: 'LAMPHP_FRONT_DOOR_TIMEOUT_MS',
  uploadsBucket: 'LAMPHP_UPLOADS_BUCKET',
  uploadsPrefix: 'LAMPHP_UPLOADS_PREFIX',
  uploadsUrl: 'LAMPHP_UPLOADS_URL',
  awsRoute: 'LAMPHP_AWS_ROUTE',
  mailTransport: 'LAMPHP_MAIL_TRANSPORT',
  mailFrom: 'LAMPHP_MAIL_FROM',
  dbHost: 'DB_HOST',
  dbName: 'DB_NAME',
  dbUser: 'DB_USER',
  dbSecretArn: 'DB_SECRET_ARN',
  wpHttpBlockExternal: 'WP_HTTP_BLOCK_EXTERNAL',
  disallowFileMods: 'DISALLOW_FILE_MODS',
} as const;

/** The WP-Cron invocation the schedule rule sends (runtime/lambda/commands/shapes.ts). */
export const CRON_EVENT = { lamphp: { command: 'cron' } } as const;

/**
 * The install invocation (runtime/lambda/commands/shapes.ts): sent by the install custom
 * resource on Create (`install`) and Update (`update`), and by `lamphp install`.
 */
export interface InstallEvent {
  lamphp: {
    command: 'install';
    mode: 'install' | 'update';
    siteUrl: string;
    distributionId: string;
    assetBucket?: string;
    assetKey?: string;
  };
}

/**
 * `Custom::LamphpInstall` properties, as the handler reads them: FunctionName, SiteId, SiteUrl,
 * DistributionId, AdminPasswordParameter, LayerVersionArn, AssetBucket, AssetKey.
 */
export const INSTALL_RESOURCE_TYPE = 'Custom::LamphpInstall';
/** `Custom::LamphpOriginSecret` (properties Slot, Generation): attribute `Value` is a new random secret. */
export const ORIGIN_SECRET_RESOURCE_TYPE = 'Custom::LamphpOriginSecret';

/**
 * The handler of both custom resources (inline code of the install onEvent function, outside
 * the VPC): install invocations, the admin password into SSM, random origin secrets. Kept as a
 * real file so tests and local stand-ins run exactly the code the template carries.
 */
export const INSTALL_HANDLER_CODE = readFileSync(new URL('./install-handler.cjs', import.meta.url), 'utf8');

/** Every AWS API the install handler calls, as IAM actions (its role gets exactly these). */
export const INSTALL_HANDLER_APIS = ['lambda:InvokeFunction', 'ssm:PutParameter', 'ssm:DeleteParameter'] as const;

/**
 * The viewer-request CloudFront Function: what the origin learns about the viewer is set here,
 * over anything the viewer sent. The viewer's Host goes into x-forwarded-host (the origin must
 * receive its own Host), its IP address into VIEWER_ADDRESS_HEADER; CloudFront-Viewer-Address and
 * CloudFront-Forwarded-Proto a viewer sent are removed (CloudFront adds its own only where a
 * policy asks for them).
 */
export const VIEWER_HOST_FUNCTION = [
  'function handler(event) {',
  '  var request = event.request;',
  '  var headers = request.headers;',
  '  delete headers["cloudfront-viewer-address"];',
  '  delete headers["cloudfront-forwarded-proto"];',
  '  delete headers["x-forwarded-host"];',
  '  if (headers.host) headers["x-forwarded-host"] = { value: headers.host.value };',
  '  var ip = event.viewer.ip;',
  `  headers["${VIEWER_ADDRESS_HEADER}"] = { value: ip.indexOf(":") < 0 ? ip : "[" + ip + "]" };`,
  '  return request;',
  '}',
].join('\n');

/** The function's own code is never run: AWS_LAMBDA_EXEC_WRAPPER starts lamphp from the layer. */
export const PLACEHOLDER_HANDLER_CODE = [
  '// lamphp serves every invocation from its layer (AWS_LAMBDA_EXEC_WRAPPER=/opt/lamphp/bootstrap).',
  'exports.handler = async () => { throw new Error("lamphp layer missing: AWS_LAMBDA_EXEC_WRAPPER did not start /opt/lamphp/bootstrap"); };',
].join('\n');
