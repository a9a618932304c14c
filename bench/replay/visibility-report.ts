/**
 * Publish-to-visible through the stack twin's CloudFront, the pure part: what a page must show
 * after a change (Expectation, shows), the result's shape, and the generated section of
 * BENCHMARKS.md (between the bench:visibility markers, right after the replay's section).
 */
import { replaceSection, table } from '../suite/markdown.ts';

export const SECTION_START = '<!-- bench:visibility:start -->';
export const SECTION_END = '<!-- bench:visibility:end -->';
/** The section goes right after the replay's own section the first time. */
export const AFTER = '<!-- bench:replay:end -->';
export const RESULT_FILE = 'bench/results/replay-visibility.json';

/** What an anonymous visitor's copy of a page must show once a change is visible. */
export interface Expectation {
  /** The answer's status must be this one (default: 200 unless `notStatus` is given). */
  status?: number;
  /** The answer's status must be anything but this one (an address that stopped serving a page). */
  notStatus?: number;
  /** Text the body must contain (each of them). */
  contains?: string[];
  /** Text the body must no longer contain (each of them). */
  lacks?: string[];
  /** Text the document's <title> must contain. */
  title?: string;
}

export interface PageCheck {
  path: string;
  expect: Expectation;
}

/** The document's <title>, entities as WordPress writes them. */
export function titleOf(html: string): string | undefined {
  return /<title[^>]*>([\s\S]*?)<\/title>/i.exec(html)?.[1];
}

/** Whether an answer shows what the expectation asks for. */
export function shows(expect: Expectation, res: { status: number; text: string }): boolean {
  if (expect.status !== undefined ? res.status !== expect.status : expect.notStatus !== undefined ? res.status === expect.notStatus : res.status !== 200) return false;
  if (expect.contains?.some((s) => !res.text.includes(s))) return false;
  if (expect.lacks?.some((s) => res.text.includes(s))) return false;
  if (expect.title !== undefined && !(titleOf(res.text) ?? '').includes(expect.title)) return false;
  return true;
}

/** An expectation in a few words, for the table. */
export function describeExpectation(e: Expectation): string {
  const parts: string[] = [];
  if (e.status !== undefined) parts.push(`status ${e.status}`);
  if (e.notStatus !== undefined) parts.push(`not ${e.notStatus}`);
  for (const s of e.contains ?? []) parts.push(`shows \`${s}\``);
  for (const s of e.lacks ?? []) parts.push(`no \`${s}\``);
  if (e.title !== undefined) parts.push(`<title> has \`${e.title}\``);
  return parts.join(', ') || 'status 200';
}

export interface PageResult {
  path: string;
  expect: Expectation;
  /** The anonymous copy just before the change: its status, CloudFront's x-cache, whether it already showed the change (it must not). */
  before: { status: number; cache: string | null; shown: boolean } | null;
  /** Virtual seconds from the change's answer to the first probe whose cached copy showed it; null when not within the limit. */
  visibleAfterS: number | null;
  /** Virtual seconds until a copy fetched past the cache (a query string of its own, so a cache miss) showed it: what the origin served. */
  originAfterS: number | null;
  /** x-cache of the first probe that showed it. */
  cacheWhenVisible: string | null;
  /** The last cached copy the probes got: its status, x-cache and Location. */
  last: { status: number; cache: string | null; location: string | null } | null;
}

export interface ChangeResult {
  kind: string;
  /** What the site owner did, in words. */
  action: string;
  /** How it was driven (the REST route or wp-admin screen). */
  via: string;
  /** Virtual seconds the change's own request(s) took. */
  changeS: number;
  pages: PageResult[];
  /** Virtual seconds from the answer until every page showed the change; null when not within the limit. */
  visibleAfterS: number | null;
  limitS: number;
  probes: number;
  /** Invalidations the stack made between the change and the end of its probing (CreateInvalidation calls). */
  invalidations: Array<{ paths: string[]; afterS: number }>;
  /** Every checked page that existed before the change was a CloudFront Hit just before it. */
  hitBefore: boolean;
  note?: string;
  error?: string;
}

export interface VisibilityResult {
  kind: 'replay-visibility';
  command: string;
  commit: string | null;
  startedAt: string;
  finishedAt: string;
  machine: { cores: number; cpu: string; memGiB: number; node: string };
  load: { before: number[]; after: number[] };
  /** How time was kept (the twin's manual clock, moved as the probes go). */
  time: string;
  everyS: number;
  limitS: number;
  stack: { context: Record<string, unknown>; added: Record<string, string>; pageCache: string | null };
  changes: ChangeResult[];
  control: (ChangeResult & { environment: Record<string, string>; pageCache: string | null }) | null;
}

const secs = (v: number | null) => (v === null ? null : v < 10 ? v.toFixed(1) : v.toFixed(0));
/** Seconds after the change's answer; a negative time is before it (made while the admin's request was still being answered). */
const signed = (v: number) => (Math.abs(v) < 0.05 ? 'at the answer' : v > 0 ? `+${secs(v)} s` : `${secs(-v)} s before the answer`);

function pagesCell(c: ChangeResult): string {
  return c.pages.map((p) => `\`${p.path}\` ${describeExpectation(p.expect)}`).join('; ');
}

function beforeCell(c: ChangeResult): string {
  const existing = c.pages.filter((p) => p.before && p.before.status !== 404);
  if (!existing.length) return 'no page before';
  return existing.map((p) => `${p.before!.cache ?? 'no x-cache'}${p.before!.shown ? ' (already showed it)' : ''}`).join(', ');
}

function visibleCell(c: ChangeResult): string {
  if (c.error) return `error: ${c.error}`;
  if (c.visibleAfterS !== null) return `${secs(c.visibleAfterS)} s`;
  const stale = c.pages.filter((p) => p.visibleAfterS === null && p.originAfterS !== null);
  return `not within ${c.limitS} s${stale.length ? ` (${stale.map((p) => `\`${p.path}\``).join(', ')} still the cached copy while the origin showed it)` : ''}`;
}

function invalidationsCell(c: ChangeResult): string {
  if (!c.invalidations.length) return 'none';
  return c.invalidations.map((i) => `${i.paths.map((p) => `\`${p}\``).join(' ')} (${signed(i.afterS)})`).join('; ');
}

export function renderVisibility(r: VisibilityResult): string {
  const visible = r.changes.filter((c) => c.visibleAfterS !== null);
  const within60 = visible.filter((c) => c.visibleAfterS! <= 60).length;
  const worst = visible.reduce((m, c) => Math.max(m, c.visibleAfterS!), 0);
  const lines = [
    '## Publish to visible: every content change through the stack twin\'s CloudFront',
    '',
    `Generated by \`${r.command}\`, commit ${r.commit ?? 'unknown'}, ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC; machine: ${r.machine.cores} cores (${r.machine.cpu}), ${r.machine.memGiB} GiB, Node ${r.machine.node}; load average ${r.load.before.join(' / ')} before → ${r.load.after.join(' / ')} after. Raw: \`${RESULT_FILE}\`.`,
    '',
    `**Target: publish-to-visible ≤ 60 s for every content change.** ${within60} of ${r.changes.length} changes were visible to anonymous visitors through CloudFront within 60 s${visible.length ? ` (slowest ${secs(worst)} s)` : ''}${visible.length < r.changes.length ? `; ${r.changes.length - visible.length} not within the limit` : ''}.`,
    '',
    `**How.** One twin of the default stack (SQLite on EFS behind a Function URL, the layer built from this checkout; anonymous pages \`${r.stack.pageCache ?? 'as the function answers'}\`), seeded as the admin through WordPress's REST API and admin screens. Before each change the pages it must alter are fetched anonymously through the twin's CloudFront until they are cached (\`x-cache\` column). The change is made as the logged-in admin the way a site owner makes it (REST API, wp-admin, the Customizer's save), then an anonymous visitor fetches those pages through CloudFront every ${r.everyS} s of virtual time until each shows the change, up to ${r.limitS} s. ${r.time} "origin" is when a copy fetched past the cache (a query string of its own, so a miss) showed the change. The invalidation paths are the stack's own CreateInvalidation calls (\`twin.invalidations()\`), with their time relative to the change's answer (virtual time, like the rest).`,
    '',
    '**What is not over HTTP.** Every change is made through WordPress over HTTP as the logged-in admin, except one step before the theme switch: the classic theme\'s three files are written onto EFS, as an operator uploads a theme (WordPress\'s own theme upload would write them through PHP the same way); its activation is the wp-admin link. The default theme (Twenty Twenty-Five, a block theme) shows no classic menus and no widgets, so the menu and widget changes come after the switch to that classic theme, which has one menu location (its name as the nav\'s label) and one sidebar. A published post\'s category is checked on its archive; a trashed post\'s address counts as updated once it no longer answers 200 (WordPress answers 404, or redirects to an attachment of the same name, as it does here for the post\'s image).',
    '',
    '**What the time includes.** The twin completes an invalidation when it is created, so the time here is the stack\'s own part (change → outbox job in S3 → bucket notification → relay → CreateInvalidation); CloudFront\'s propagation to its edge locations comes on top of it on AWS.',
    '',
    table(
      ['change', 'how', 'pages checked (what each must show)', 'x-cache before', 'visible after', 'origin after (slowest page)', 'invalidation paths sent'],
      r.changes.map((c) => [
        c.kind + (c.note ? ` — ${c.note}` : ''),
        c.via,
        pagesCell(c),
        beforeCell(c),
        visibleCell(c),
        c.pages.some((p) => p.originAfterS === null) ? 'not seen' : `${secs(Math.max(...c.pages.map((p) => p.originAfterS!)))} s`,
        invalidationsCell(c),
      ]),
      ['l', 'l', 'l', 'l', 'r', 'r', 'l'],
    ),
  ];
  if (r.control) {
    const c = r.control;
    lines.push(
      '',
      `**Control: the probe can fail.** A second twin of the same stack with ${Object.entries(c.environment).map(([k, v]) => `\`${k}=${v}\``).join(' and ')} (the same day-long page lifetime, no invalidation): ${c.action}. Before it: ${beforeCell(c)}. Result: ${visibleCell(c)}${c.pages.every((p) => p.originAfterS !== null) ? ` while a copy fetched past the cache showed it after ${secs(Math.max(...c.pages.map((p) => p.originAfterS!)))} s` : ''}; invalidations: ${invalidationsCell(c)}.`,
    );
  } else {
    lines.push('', '**Control.** No control run: every checked page was a Hit before its change, and the cached copy did not show the change until the invalidation.');
  }
  return lines.join('\n');
}

/** Puts the section in place: replaced where it is, else inserted right after the replay's section (else at the end). */
export function placeVisibility(document: string, body: string): string {
  if (document.includes(SECTION_START) || !document.includes(AFTER)) return replaceSection(document, body, SECTION_START, SECTION_END);
  const at = document.indexOf(AFTER) + AFTER.length;
  const lineEnd = document.indexOf('\n', at);
  const cut = lineEnd === -1 ? document.length : lineEnd + 1;
  return `${document.slice(0, cut)}${SECTION_START}\n${body.trim()}\n${SECTION_END}\n${document.slice(cut)}`;
}
