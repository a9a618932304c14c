/**
 * The deny families are one list (bridge/deny-rules.ts, DENY_FAMILIES) that the router applies
 * and README and SECURITY.md show: every example a family names is refused by the router with
 * that family's reason and status (and only a relaxable family yields to LAMPHP_ALLOW_PATHS),
 * every look-alike it names is served, every reason the rules give belongs to a family, and
 * both documents hold exactly what the list generates.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compilePathRules, DENY_FAMILIES, DENY_REASONS, type DenyFamily } from '../bridge/deny-rules.ts';
import { route, type Route } from '../bridge/router.ts';
import { BEGIN, DOCUMENTS, END } from '../scripts/deny-families-docs.ts';

const REPO = path.resolve(import.meta.dirname, '..');
const ROOT = '/srv/site';

/** Routes `name` (a path from the root) with a file behind it, unless it ends in `/` (a page with no file). */
function routeOf(name: string, allow: string[] = []): Route {
  const segments = name.replace(/\/$/, '').split('/');
  const file = path.join(ROOT, ...segments);
  return route(
    { path: '/' + segments.map(encodeURIComponent).join('/') + (name.endsWith('/') ? '/' : ''), query: '' },
    {
      documentRoot: ROOT,
      frontController: 'index.php',
      uploadsDir: 'wp-content/uploads',
      probe: (p) => (p === path.join(ROOT, 'index.php') || (p === file && !name.endsWith('/')) ? 'file' : ROOT.startsWith(p) || file.startsWith(p + '/') ? 'dir' : null),
      realpath: (p) => p,
      paths: compilePathRules([], allow),
    },
  );
}

const examples = (f: DenyFamily) => [...f.refuses, ...(f.alsoRefuses ?? [])];

describe('deny families', () => {
  it.each(DENY_FAMILIES.map((f) => [f.title, f] as const))('%s: every example is refused with the family’s reason and status', (_title, family) => {
    for (const name of examples(family)) {
      const got = routeOf(name);
      expect(got.kind, name).toBe('deny');
      const denial = got as Extract<Route, { kind: 'deny' }>;
      expect(family.reasons, `${name}: ${denial.reason}`).toContain(denial.reason);
      expect(denial.status, name).toBe(family.status);
    }
  });

  it.each(DENY_FAMILIES.map((f) => [f.title, f] as const))('%s: LAMPHP_ALLOW_PATHS opens it only where the family allows', (_title, family) => {
    for (const name of examples(family)) {
      const got = routeOf(name, ['**']);
      if (family.relaxable) expect(got.kind, name).not.toBe('deny');
      else expect(got, name).toMatchObject({ kind: 'deny', status: family.status });
    }
  });

  it.each(DENY_FAMILIES.filter((f) => f.serves).map((f) => [f.title, f] as const))('%s: the look-alikes it names are served', (_title, family) => {
    for (const name of family.serves!) expect(routeOf(name).kind, name).not.toBe('deny');
  });

  it('each reason the rules give belongs to exactly one family (the site’s own patterns aside)', () => {
    const reasons = DENY_FAMILIES.flatMap((f) => f.reasons);
    expect(new Set(reasons).size).toBe(reasons.length);
    for (const reason of DENY_REASONS.filter((r) => r !== 'deny-pattern')) expect(reasons, reason).toContain(reason);
  });

  it.each(DOCUMENTS.map((d) => [d.file, d] as const))('%s lists exactly the families the router applies', (file, { block }) => {
    const text = fs.readFileSync(path.join(REPO, file), 'utf8');
    const start = text.indexOf(BEGIN);
    const end = text.indexOf(END);
    expect(start, `${file} holds the generated block`).toBeGreaterThan(-1);
    const between = text.slice(text.indexOf('\n', start) + 1, text.lastIndexOf('\n', end) + 1);
    expect(between, `${file} is out of date: run node scripts/deny-families-docs.ts`).toBe(`${block()}\n`);
    for (const family of DENY_FAMILIES) for (const name of family.refuses) expect(between, `${file} names ${name}`).toContain(`\`${name}\``);
  });
});
