/**
 * The non-HTTP invocations lamphp accepts, recognised by their exact shape and nothing looser.
 * Pure: no settings, no I/O. The handler asks only after bridge/events found no HTTP source,
 * so an HTTP event never gets here, whatever its body, headers or extra fields hold.
 *
 *   {"lamphp":{"command":"cron"}}                                   the stack's WP-Cron rule
 *   {"version":"0","source":"aws.events","detail-type":"Scheduled Event",…}   any EventBridge schedule
 *   {"lamphp":{"command":"php","args":["wp-cli.phar","cron","event","list"]}}  console
 *   {"lamphp":{"command":"warmer"}}  {"warmer":true[,"concurrency":N]} (and lambda-warmer's __WARMER_*__ fields)
 *   {"source":"serverless-plugin-warmup"}
 *   {"lamphp":{"command":"install","mode":"install"|"update","siteUrl":…,"distributionId":…,
 *              "assetBucket"?:…,"assetKey"?:…}}                  the stack's install custom resource
 */
import type { InstallCommand } from '../../../bridge/wordpress/index.ts';

/** The install command's fields, as bridge/wordpress/install-site.ts defines them. */
export type InstallCommandFields = InstallCommand;

export type Command =
  | { name: 'cron'; via: 'lamphp' | 'eventbridge' }
  | { name: 'php'; args: string[] }
  | { name: 'warmer'; via: 'lamphp' | 'warmer' | 'serverless-plugin-warmup' }
  | { name: 'install'; install: InstallCommandFields };

/** A recognised command, a `{"lamphp":…}` event that is malformed, or not a command at all (undefined). */
export type ParsedCommand = { ok: true; command: Command } | { ok: false; message: string } | undefined;

/** Most arguments and bytes per argument a console invocation may carry. */
export const MAX_CONSOLE_ARGS = 1000;
export const MAX_CONSOLE_ARG_BYTES = 128 * 1024;

/** Top-level fields of an EventBridge event (the scheduled-event shape has no others). */
const EVENTBRIDGE_FIELDS = new Set(['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail']);

/** `{"warmer":true}` and the fields the lambda-warmer package adds to its fan-out invocations. */
const WARMER_FIELDS = ['warmer', 'concurrency', '__WARMER_INVOCATION__', '__WARMER_CONCURRENCY__', '__WARMER_CORRELATIONID__'];

const COMMAND_FIELDS: Record<string, readonly string[]> = {
  cron: ['command'],
  warmer: ['command'],
  php: ['command', 'args'],
  install: ['command', 'mode', 'siteUrl', 'distributionId', 'assetBucket', 'assetKey', 'title', 'adminUser', 'adminEmail'],
};

type Json = Record<string, unknown>;

function isPlainObject(value: unknown): value is Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function hasOnly(obj: Json, allowed: readonly string[] | Set<string>): string | undefined {
  const set = allowed instanceof Set ? allowed : new Set(allowed);
  return Object.keys(obj).find((key) => !set.has(key));
}

const bad = (message: string): ParsedCommand => ({ ok: false, message });

export function parseCommand(event: unknown): ParsedCommand {
  if (!isPlainObject(event)) return undefined;
  const keys = Object.keys(event);
  if (keys.length === 1 && keys[0] === 'lamphp') return parseLamphp(event.lamphp);
  if (event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event' && hasOnly(event, EVENTBRIDGE_FIELDS) === undefined) {
    return { ok: true, command: { name: 'cron', via: 'eventbridge' } };
  }
  if (event.warmer === true && hasOnly(event, WARMER_FIELDS) === undefined) {
    const count = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) >= 1);
    const ok = count(event.concurrency) && count(event.__WARMER_INVOCATION__) && count(event.__WARMER_CONCURRENCY__) &&
      (event.__WARMER_CORRELATIONID__ === undefined || typeof event.__WARMER_CORRELATIONID__ === 'string');
    return ok ? { ok: true, command: { name: 'warmer', via: 'warmer' } } : undefined;
  }
  if (keys.length === 1 && event.source === 'serverless-plugin-warmup') {
    return { ok: true, command: { name: 'warmer', via: 'serverless-plugin-warmup' } };
  }
  return undefined;
}

function parseLamphp(body: unknown): ParsedCommand {
  if (!isPlainObject(body)) return bad('"lamphp" must be an object such as {"command":"cron"}.');
  const name = body.command;
  const known = typeof name === 'string' ? COMMAND_FIELDS[name] : undefined;
  if (typeof name !== 'string' || !Object.hasOwn(COMMAND_FIELDS, name) || known === undefined) {
    return bad(`"lamphp.command" must be one of ${Object.keys(COMMAND_FIELDS).join(', ')}; got ${JSON.stringify(name) ?? 'nothing'}.`);
  }
  const extra = hasOnly(body, known);
  if (extra !== undefined) return bad(`The ${name} command takes ${known.map((k) => `"${k}"`).join(', ')}; "${extra}" is not one of them.`);
  switch (name) {
    case 'cron':
      return { ok: true, command: { name: 'cron', via: 'lamphp' } };
    case 'warmer':
      return { ok: true, command: { name: 'warmer', via: 'lamphp' } };
    case 'php':
      return parseConsole(body.args);
    default:
      return parseInstall(body);
  }
}

function parseConsole(args: unknown): ParsedCommand {
  const usage = 'The php command needs "args": the PHP command line after `php`, e.g. ["wp-cli.phar","option","get","home"].';
  if (!Array.isArray(args) || args.length === 0) return bad(usage);
  if (args.length > MAX_CONSOLE_ARGS) return bad(`The php command takes at most ${MAX_CONSOLE_ARGS} arguments, got ${args.length}.`);
  for (const [i, arg] of args.entries()) {
    if (typeof arg !== 'string') return bad(`Argument ${i} of the php command must be a string. ${usage}`);
    if (arg.includes('\0')) return bad(`Argument ${i} of the php command contains a NUL byte.`);
    if (Buffer.byteLength(arg) > MAX_CONSOLE_ARG_BYTES) return bad(`Argument ${i} of the php command is longer than ${MAX_CONSOLE_ARG_BYTES} bytes.`);
  }
  return { ok: true, command: { name: 'php', args: [...args] as string[] } };
}

function parseInstall(body: Json): ParsedCommand {
  for (const field of COMMAND_FIELDS.install!) {
    if (field !== 'command' && body[field] !== undefined && typeof body[field] !== 'string') {
      return bad(`"${field}" of the install command must be a string.`);
    }
  }
  if (body.mode !== undefined && body.mode !== 'install' && body.mode !== 'update') {
    return bad(`"mode" of the install command must be "install" or "update", got ${JSON.stringify(body.mode)}.`);
  }
  if (body.siteUrl !== undefined && !/^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(body.siteUrl as string)) {
    return bad(`"siteUrl" of the install command must be an http(s) URL, got ${JSON.stringify(body.siteUrl)}.`);
  }
  if ((body.assetBucket === undefined) !== (body.assetKey === undefined)) {
    return bad('The install command needs both "assetBucket" and "assetKey", or neither.');
  }
  return { ok: true, command: { name: 'install', install: { ...(body as unknown as InstallCommandFields) } } };
}
