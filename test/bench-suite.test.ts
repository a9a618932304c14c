/**
 * The pure parts of the benchmark suite (bench/suite): the arithmetic, the arguments, the
 * events the Lambda-shaped front builds, the native configs, and the BENCHMARKS.md section.
 */
import { describe, expect, it } from 'vitest';
import { median, percentile, ratio, difference, summarize, round, mib } from '../bench/suite/stats.ts';
import { cell, table, replaceSection, SECTION_START, SECTION_END } from '../bench/suite/markdown.ts';
import { parseSuiteArgs } from '../bench/suite/cli.ts';
import { PROFILES } from '../bench/suite/profile.ts';
import { functionUrlEvent, resultToResponse } from '../bench/suite/lambda-event.ts';
import { withRatios, pagesFor, roundOrder } from '../bench/suite/throughput.ts';
import { mergeLoads, type LoadResult } from '../bench/suite/load.ts';
import { perRequest } from '../bench/suite/fsops.ts';
import { SharedFsOpCounts, cellIndex, KINDS, CLASSES } from '../bench/suite/fsops-mount.ts';
import os from 'node:os';
import { renderSection, sortedRows, windowMaxima } from '../bench/suite/report.ts';
import { hwmBytes, rssBytes } from '../bench/suite/proc.ts';
import { fpmConf, nginxFastCgiConf } from '../bench/native/native.ts';
import type { SuiteResult, ThroughputRow } from '../bench/suite/result.ts';

describe('stats', () => {
  it('takes the median of odd and even counts, unsorted input, without changing it', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });

  it('uses nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(sorted, 50)).toBe(50);
    expect(percentile(sorted, 99)).toBe(99);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeUndefined();
    const s = summarize([3, 1, 2, 4]);
    expect(s).toEqual({ n: 4, p50: 2, p99: 4, mean: 2.5 });
    expect(summarize([])).toEqual({ n: 0, p50: null, p99: null, mean: null });
  });

  it('gives ratios as lamphp / native and differences as path − baseline, null when a side is missing', () => {
    expect(ratio(120, 40)).toBe(3);
    expect(ratio(10, 30)).toBe(0.33);
    expect(ratio(1, 0)).toBeNull();
    expect(ratio(null, 3)).toBeNull();
    expect(ratio(3, undefined)).toBeNull();
    expect(difference(1.5, 0.6)).toBe(0.9);
    expect(difference(null, 1)).toBeNull();
    expect(round(1.005, 1)).toBe(1);
    expect(round(Number.NaN)).toBeNull();
    expect(mib(3 * 1024 * 1024)).toBe(3);
  });
});

describe('markdown', () => {
  it('renders a table with right-aligned numeric columns, dashes for missing values and escaped pipes', () => {
    expect(table(['a', 'b'], [['x|y', 1.5], [null, undefined]], ['l', 'r'])).toBe(
      ['| a | b |', '| --- | ---: |', '| x\\|y | 1.5 |', '| – | – |'].join('\n'),
    );
    expect(cell(Number.POSITIVE_INFINITY)).toBe('–');
    expect(cell(0)).toBe('0');
  });

  it('appends the section when the markers are missing, keeping what was there', () => {
    const doc = '# Benchmarks\n\nIntro.\n';
    expect(replaceSection(doc, 'one')).toBe(`# Benchmarks\n\nIntro.\n\n${SECTION_START}\none\n${SECTION_END}\n`);
    expect(replaceSection('', 'one')).toBe(`${SECTION_START}\none\n${SECTION_END}\n`);
  });

  it('replaces only what lies between the markers, byte for byte elsewhere', () => {
    const before = '# B\n\n## Someone else\ntext  \n\n';
    const after = '\n\n## Another section\n| a |\n';
    const doc = `${before}${SECTION_START}\nold\nlines\n${SECTION_END}${after}`;
    const next = replaceSection(doc, '\nnew\n');
    expect(next).toBe(`${before}${SECTION_START}\nnew\n${SECTION_END}${after}`);
    expect(replaceSection(next, 'newer')).toBe(`${before}${SECTION_START}\nnewer\n${SECTION_END}${after}`);
  });

  it('refuses a start marker without an end marker instead of eating the rest of the file', () => {
    expect(() => replaceSection(`a\n${SECTION_START}\nb\n`, 'x')).toThrow(/without/);
  });
});

describe('tail part arithmetic', () => {
  it('takes the highest RSS reading of each window of requests', () => {
    const readings = [100, 200, 300, 400, 500, 600].map((after, i) => ({ after, mib: [10, 30, 20, 5, 40, 1][i]! }));
    expect(windowMaxima(readings, 200)).toEqual([30, 20, 40]);
    expect(windowMaxima(readings, 1000)).toEqual([40]);
    expect(windowMaxima([], 1000)).toEqual([]);
  });

  it('reads resident and peak memory of a live process, and null for a gone one', () => {
    const rss = rssBytes(process.pid)!;
    const peak = hwmBytes(process.pid)!;
    expect(rss).toBeGreaterThan(1024 * 1024);
    expect(peak).toBeGreaterThanOrEqual(rss);
    expect(hwmBytes(2 ** 22 + 12345)).toBeNull();
  });
});

describe('arguments', () => {
  it('defaults to the full profile, every part, both databases', () => {
    const a = parseSuiteArgs([]);
    expect(a.profile).toBe(PROFILES.full);
    expect(a.parts).toEqual(['throughput', 'overhead', 'cold', 'fsops', 'memory', 'tail', 'replay']);
    expect(a.dbs).toEqual(['sqlite', 'mysql']);
    expect(a.write).toBe(true);
  });

  it('takes --quick, --only and --db in any order, canonicalised', () => {
    const a = parseSuiteArgs(['--only', 'cold, overhead,cold', '--quick', '--db', 'mysql', '--no-write']);
    expect(a.profile.name).toBe('quick');
    expect(a.parts).toEqual(['overhead', 'cold']);
    expect(a.dbs).toEqual(['mysql']);
    expect(a.write).toBe(false);
  });

  it('rejects unknown parts, databases and flags', () => {
    expect(() => parseSuiteArgs(['--only', 'soak'])).toThrow(/--only takes/);
    expect(() => parseSuiteArgs(['--db', 'postgres'])).toThrow(/--db takes/);
    expect(() => parseSuiteArgs(['--fast'])).toThrow();
  });

  it('keeps the quick profile within the issue: ≥ 2,000 overhead invocations, ≥ 5 cold starts', () => {
    for (const p of Object.values(PROFILES)) {
      expect(p.overheadInvocations).toBeGreaterThanOrEqual(2000);
      expect(p.coldRuns).toBeGreaterThanOrEqual(5);
      expect(p.concurrency).toEqual([1, 2]);
    }
    expect(PROFILES.full.memoryRequests).toEqual({ hello: 5000, wordpress: 5000 });
  });
});

describe('Lambda-shaped front', () => {
  it('turns an HTTP request into a Function URL event with cookies apart and the front address forwarded', () => {
    const event = functionUrlEvent(
      {
        method: 'POST',
        url: '/wp-login.php?a=1&a=2',
        rawHeaders: ['Host', '127.0.0.1:8123', 'Cookie', 'a=1; b=2', 'X-Many', 'one', 'X-Many', 'two'],
        body: Buffer.from('log=x'),
        sourceIp: '127.0.0.1',
        port: 8123,
      },
      1_700_000_000_000,
    ) as any;
    expect(event.version).toBe('2.0');
    expect(event.rawPath).toBe('/wp-login.php');
    expect(event.rawQueryString).toBe('a=1&a=2');
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers).toMatchObject({ host: '127.0.0.1:8123', 'x-many': 'one,two', 'x-forwarded-proto': 'http', 'x-forwarded-port': '8123' });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.http).toMatchObject({ method: 'POST', path: '/wp-login.php', sourceIp: '127.0.0.1' });
    expect(event.requestContext.domainName).toBe('127.0.0.1');
    expect(Buffer.from(event.body, 'base64').toString()).toBe('log=x');
    expect(event.isBase64Encoded).toBe(true);
  });

  it('omits the body of a GET and turns results (with cookies, base64, or bare values) into responses', () => {
    const event = functionUrlEvent({ method: 'GET', url: '/', rawHeaders: [], body: Buffer.alloc(0), sourceIp: '::1', port: 1 }) as any;
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.headers.host).toBeUndefined();
    const r = resultToResponse({ statusCode: 302, headers: { Location: '/x' }, cookies: ['a=1', 'b=2; Path=/'], body: Buffer.from('hi').toString('base64'), isBase64Encoded: true });
    expect(r).toEqual({ status: 302, headers: { location: ['/x'], 'set-cookie': ['a=1', 'b=2; Path=/'] }, body: Buffer.from('hi') });
    expect(resultToResponse({ statusCode: 204 }).body.length).toBe(0);
    expect(resultToResponse('plain').status).toBe(200);
  });
});

describe('native baseline configs', () => {
  it('writes a static php-fpm pool on a socket in the run directory, with lamphp-like opcache settings', () => {
    const conf = fpmConf({ dir: '/tmp/run', children: 2 });
    expect(conf).toContain('listen = /tmp/run/php-fpm.sock');
    expect(conf).toContain('pm = static');
    expect(conf).toContain('pm.max_children = 2');
    expect(conf).toContain('daemonize = no');
    expect(conf).toContain('php_admin_value[opcache.enable] = 1');
    expect(conf).toContain('php_admin_value[opcache.revalidate_freq] = 2');
  });

  it('writes nginx with try_files to index.php and FastCGI to that socket', () => {
    const conf = nginxFastCgiConf({ dir: '/tmp/run', root: '/srv/wp', port: 8123, asRoot: false });
    expect(conf).toContain('listen 127.0.0.1:8123;');
    expect(conf).toContain('root /srv/wp;');
    expect(conf).toContain('try_files $uri $uri/ /index.php?$args;');
    expect(conf).toContain('location ~ \\.php$');
    expect(conf).toContain('fastcgi_pass unix:/tmp/run/php-fpm.sock;');
    expect(conf).not.toContain('user root');
    expect(nginxFastCgiConf({ dir: '/d', root: '/r', port: 1, asRoot: true })).toMatch(/^user root;$/m);
  });
});

function row(fields: Partial<ThroughputRow>): ThroughputRow {
  return {
    page: 'wordpress',
    db: 'sqlite',
    server: 'native',
    connections: 1,
    durationS: 5,
    requests: 100,
    reqPerS: 20,
    latencyMs: { n: 100, p50: 40, p99: 80, mean: 45 },
    statusCodes: { '200': 100 },
    errors: 0,
    ...fields,
  };
}

describe('throughput rows', () => {
  it('puts the ratio to the native row of the same page, database and concurrency on lamphp rows only', () => {
    const rows = withRatios([
      row({}),
      row({ connections: 2, reqPerS: 40, latencyMs: { n: 1, p50: 50, p99: 100, mean: 50 } }),
      row({ server: 'serve', reqPerS: 8, latencyMs: { n: 1, p50: 120, p99: 200, mean: 1 } }),
      row({ server: 'lambda', connections: 2, reqPerS: 10, latencyMs: { n: 1, p50: 200, p99: 300, mean: 1 } }),
      row({ server: 'serve', db: 'mysql' }),
    ]);
    expect(rows[0]!.ratio).toBeUndefined();
    expect(rows[2]!.ratio).toEqual({ p50: 3, p99: 2.5, reqPerS: 0.4 });
    expect(rows[3]!.ratio).toEqual({ p50: 4, p99: 3, reqPerS: 0.25 });
    expect(rows[4]!.ratio).toBeUndefined(); // no native MySQL row
  });

  it('measures hello.php once, on the first database', () => {
    expect(pagesFor('sqlite', ['sqlite', 'mysql'])).toEqual(['hello', 'wordpress']);
    expect(pagesFor('mysql', ['sqlite', 'mysql'])).toEqual(['wordpress']);
    expect(pagesFor('mysql', ['mysql'])).toEqual(['hello', 'wordpress']);
  });

  it('rotates the server order from round to round', () => {
    expect([0, 1, 2, 3].map((i) => roundOrder(['native', 'serve', 'lambda'], i).join(','))).toEqual([
      'native,serve,lambda',
      'serve,lambda,native',
      'lambda,native,serve',
      'native,serve,lambda',
    ]);
    expect(roundOrder([], 3)).toEqual([]);
  });

  it('merges slices into one result: all samples, status counts, rate over the summed active time', () => {
    const slice = (samples: number[], activeS: number, codes: Record<string, number>): LoadResult => ({
      connections: 2,
      durationS: activeS + 0.1,
      requests: samples.length,
      reqPerS: samples.length / activeS,
      latencyMs: { n: 0, p50: null, p99: null, mean: null },
      statusCodes: codes,
      errors: 1,
      samples,
      activeS,
    });
    const m = mergeLoads([slice([1, 2, 3], 1, { '200': 3 }), slice([4, 5, 6, 7, 8], 1.5, { '200': 4, '502': 1 })]);
    expect(m.requests).toBe(8);
    expect(m.reqPerS).toBe(3.2);
    expect(m.latencyMs).toEqual({ n: 8, p50: 4, p99: 8, mean: 4.5 });
    expect(m.statusCodes).toEqual({ '200': 7, '502': 1 });
    expect(m.errors).toBe(2);
    expect(m.durationS).toBe(2.7);
  });

  it('lists each lamphp row under the native row of the same page, database and concurrency', () => {
    const order = sortedRows([
      row({ server: 'lambda', connections: 2 }),
      row({ server: 'serve', db: 'mysql' }),
      row({ server: 'serve', page: 'hello' }),
      row({ server: 'native', connections: 2 }),
      row({ server: 'serve' }),
      row({ server: 'native' }),
    ]).map((r) => `${r.page}/${r.db}/${r.connections}/${r.server}`);
    expect(order).toEqual(['hello/sqlite/1/serve', 'wordpress/sqlite/1/native', 'wordpress/sqlite/1/serve', 'wordpress/sqlite/2/native', 'wordpress/sqlite/2/lambda', 'wordpress/mysql/1/serve']);
  });
});

describe('filesystem operations per request', () => {
  it('keeps document-root classes apart from the rest and divides by the request count', () => {
    const r = perRequest(
      {
        total: 130,
        byKind: {},
        byClass: { 'root:php': { lstat: 40, open: 20 }, 'root:sqlite': { read: 40 }, outside: { read: 30 } },
        delayedMs: 0,
      },
      10,
    );
    expect(r.perRequest).toEqual({ total: 13, documentRoot: 10, outside: 3 });
    expect(r.byKind).toEqual({ lstat: 4, read: 4, open: 2 });
    expect(r.byClass).toEqual({ php: 6, sqlite: 4 });
  });
});

describe('shared fs-op cells (mount hook)', () => {
  it('gives every (mount, kind, class) its own cell and reads them back in bench/fsops shape', () => {
    const seen = new Set<number>();
    for (const mount of [0, 1]) for (const kind of KINDS) for (const cls of CLASSES) seen.add(cellIndex(mount, kind, cls));
    expect(seen.size).toBe(2 * KINDS.length * CLASSES.length);
    expect(cellIndex(0, 'open', 'no-such-class')).toBe(cellIndex(0, 'open', 'php'));

    const shared = new SharedFsOpCounts(os.tmpdir());
    const cells = new Int32Array(shared.options.buffer);
    cells[cellIndex(0, 'lstat', 'php')] = 5;
    cells[cellIndex(0, 'read', 'sqlite')] = 3;
    cells[cellIndex(1, 'read', 'other')] = 2;
    expect(shared.counts()).toEqual({
      total: 10,
      byKind: { lstat: 5, read: 5 },
      byClass: { 'root:php': { lstat: 5 }, 'root:sqlite': { read: 3 }, outside: { read: 2 } },
      delayedMs: 0,
    });
    expect(perRequest(shared.counts(), 5).perRequest).toEqual({ total: 2, documentRoot: 1.6, outside: 0.4 });
    shared.reset();
    expect(shared.counts().total).toBe(0);
    expect(shared.instrument.module).toMatch(/fsops-mount\.ts$/);
  });
});

describe('report', () => {
  it('renders every part that ran, the ratios, the target verdict and the commands', () => {
    const result: SuiteResult = {
      profile: PROFILES.quick,
      parts: ['throughput', 'overhead', 'cold', 'fsops', 'memory', 'tail'],
      dbs: ['sqlite'],
      startedAt: '2026-11-27T10:00:00.000Z',
      finishedAt: '2026-11-27T10:04:00.000Z',
      command: 'npm run bench -- --quick',
      machine: { host: 'h', cpus: 2, cpuModel: 'CPU', memoryGiB: 8, os: 'Linux', node: '24.21.0', loadBefore: [0.5, 0.4, 0.3], loadAfter: [1, 1, 1] },
      versions: { 'native PHP': 'PHP 8.2.36 (fpm-fcgi)' },
      throughput: withRatios([row({}), row({ server: 'serve', reqPerS: 8, latencyMs: { n: 1, p50: 120, p99: 200, mean: 1 } })]),
      overhead: {
        invocations: 2000,
        direct: { n: 2000, p50: 0.5, p99: 2, mean: 0.6 },
        handler: { n: 2000, p50: 0.6, p99: 2, mean: 0.7 },
        lambda: { n: 2000, p50: 0.7, p99: 3, mean: 0.8 },
        serve: { n: 2000, p50: 1, p99: 4, mean: 1.1 },
        addedMs: { handler: { p50: 0.1, p99: 0 }, lambda: { p50: 0.2, p99: 1 }, serve: { p50: 0.5, p99: 2 } },
        targetP50Ms: 0.3,
      },
      cold: [
        { page: 'hello', server: 'serve', runsMs: [300, 320, 310, 305, 330], medianMs: 310 },
        { page: 'wordpress', server: 'lambda', runsMs: [1300, 1290, 1310, 1305, 1295], medianMs: 1300, snapshotPrimed: true },
      ],
      fsops: [{ db: 'sqlite', requests: 10, perRequest: { total: 700, documentRoot: 680, outside: 20 }, byKind: { lstat: 300 }, byClass: { php: 400 }, mountHook: { perRequest: { total: 690, documentRoot: 679, outside: 11 }, byKind: {} }, raw: { total: 0, byKind: {}, byClass: {}, delayedMs: 0 } }],
      memory: [{ page: 'hello', db: 'sqlite', server: 'serve', processes: 1, warmupRequests: 200, rssAfterWarmupMiB: 300, requests: 5000, rssAfterMiB: 320, statusCodes: { '200': 5200 } }],
      tail: {
        db: 'sqlite',
        warmup: 20,
        requests: 1500,
        statusCodes: { '200': 1499, '500': 1 },
        rotations: 1,
        latencyMs: { n: 1500, p50: 100, p99: 140, mean: 104, p90: 120, max: 900 },
        p99OverP50: 1.4,
        slowest: [{ request: 981, ms: 900 }, { request: 3, ms: 150 }],
        rss: { every: 100, firstMiB: 350, medianMiB: 360, maxMiB: 380, lastMiB: 355, peakMiB: 400, readings: [1000, 2000, 3000].map((after, i) => ({ after, mib: [380, 395, 401][i]! })) },
      },
      failures: [{ part: 'memory', message: 'something\nstack' }],
    };
    const md = renderSection(result, 'bench/results/suite-2026-11-27.json');
    expect(md).toContain('profile **quick**');
    expect(md).toContain('| WordPress home | sqlite | lamphp serve | 1 | 8 | 120 | 200 | 3× | 2.5× | 0.4× | 0 |');
    expect(md).toContain('**met**');
    expect(md).toContain('| hello.php | lamphp serve --workers 1 | 310 | 300, 320, 310, 305, 330 |');
    expect(md).toContain('WordPress rows restore the opcache snapshot');
    const unprimed = renderSection({ ...result, cold: result.cold!.map(({ snapshotPrimed: _p, ...r }) => r) }, 'x.json');
    expect(unprimed).toContain('WordPress rows ran without an opcache snapshot to restore');
    expect(md).toContain('| sqlite | 10 | 680 | lstat 300 | php 400 | 20 | 679 |');
    expect(md).toContain('| hello.php | lamphp serve | 1 | 300 | 200 | 320 | 5000 | 0 |');
    expect(md).toContain('| 1500 | 1 | 1 | 100 | 120 | 140 | 900 | 1.4 | 350 | 360 | 355 | 400 |');
    // p99 / p50 1.4 is within 1.5. 400 MiB is 419 MB, under 450 MB, but the highest reading per 1,000 requests
    // climbs 380 → 401 MiB, more than 5 % above the first: memory is not met.
    expect(md).toMatch(/p99 ≤ 1\.5 × p50 — 1\.4: \*\*met\*\*/);
    expect(md).toMatch(/\(419 MB at its peak\) with no upward trend \(highest reading of each 1,000 requests, MiB: 380, 395, 401 — rising more than 5 % above the first\) — \*\*not met\*\* over 1500 requests/);
    const flatReadings = [1000, 2000, 3000].map((after, i) => ({ after, mib: [380, 372, 398][i]! }));
    const flat = renderSection({ ...result, tail: { ...result.tail!, rss: { ...result.tail!.rss, readings: flatReadings } } }, 'x.json');
    expect(flat).toMatch(/380, 372, 398 — none more than 5 % above the first\) — \*\*met\*\*/);
    // Flat, but 440 MiB (461 MB) at its peak.
    const over = renderSection({ ...result, tail: { ...result.tail!, rss: { ...result.tail!.rss, readings: flatReadings, peakMiB: 440 } } }, 'x.json');
    expect(over).toMatch(/\(461 MB at its peak\).* — \*\*not met\*\*/);
    expect(md).toContain('981: 900, 3: 150');
    expect(md).toContain('- memory: something');
    expect(md).not.toContain('stack');
    expect(md).toContain('npm run bench -- --quick');
    expect(md).toContain('0.50 / 0.40 / 0.30');
  });
});
