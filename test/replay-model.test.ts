import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cloudFrontTtl, edgeCache, simulateEnvironments, type EdgeRequest } from '../bench/replay/model.ts';
import { pageResources } from '../bench/replay/browser.ts';
import { efsFromCounts } from '../bench/replay/record.ts';
import { readTemplate, stackShape, behaviorFor } from '../bench/replay/stack.ts';

const shape = stackShape(readTemplate());
const pages = behaviorFor(shape, '/hello/');
const uploads = behaviorFor(shape, '/wp-content/uploads/a.jpg');
const admin = behaviorFor(shape, '/wp-admin/');

describe('CloudFront TTLs from Cache-Control and the cache policy', () => {
  it('follows s-maxage over max-age, the policy bounds, and refuses private answers at a zero minimum', () => {
    expect(pages.ttl).toEqual({ min: 0, default: 0, max: 31_536_000 }); // the template's pages policy
    expect(cloudFrontTtl('public, max-age=0, s-maxage=60', pages.ttl)).toBe(60);
    expect(cloudFrontTtl('public, max-age=600', pages.ttl)).toBe(600);
    expect(cloudFrontTtl('no-cache, must-revalidate, max-age=0, no-store, private', pages.ttl)).toBe(0);
    expect(cloudFrontTtl(null, pages.ttl)).toBe(0); // no directive: the pages policy's default TTL, 0
    expect(cloudFrontTtl('public, max-age=604800', uploads.ttl)).toBe(604_800); // CachingOptimized
    expect(cloudFrontTtl('private', uploads.ttl)).toBe(1); // a minimum TTL above 0 wins over private
    expect(cloudFrontTtl('public, max-age=604800', admin.ttl)).toBe(0); // CachingDisabled
    expect(cloudFrontTtl('s-maxage=99999999999', pages.ttl)).toBe(31_536_000);
  });
});

describe('the edge cache model', () => {
  const req = (t: number, key: string, ttlS: number, method = 'GET'): EdgeRequest => ({ t, method, key, behavior: pages, ttlS });

  it('serves a copy until its TTL runs out, per key, and never caches POST', () => {
    expect(edgeCache([req(0, '/a', 60), req(30_000, '/a', 60), req(59_999, '/a', 60), req(60_000, '/a', 60), req(61_000, '/a', 60)])).toEqual([false, true, true, false, true]);
    expect(edgeCache([req(0, '/a', 60), req(1, '/b', 60), req(2, '/a', 0)])).toEqual([false, false, true]);
    expect(edgeCache([req(0, '/c', 60, 'POST'), req(1, '/c', 60, 'POST')])).toEqual([false, false]);
    expect(edgeCache([req(0, '/d', 0), req(1, '/d', 0)])).toEqual([false, false]);
  });
});

describe('the execution environment model', () => {
  const inv = (t: number, ms = 100) => ({ t, ms, actor: 'reader' });

  it('starts an environment only when none is idle, and reclaims one idle past the keep-alive', () => {
    const run = simulateEnvironments([inv(0), inv(50), inv(10_000), inv(10_000 + 16 * 60_000)], { idleTimeoutMs: 15 * 60_000, initMs: 1000, firstExtraMs: 400 });
    // 0: cold; 50: the first is still in INIT → a second cold start; 10 s: warm; +16 min: both reclaimed → cold.
    expect(run.coldStarts.map((c) => c.t)).toEqual([0, 50, 10_000 + 16 * 60_000]);
    expect(run.billedMs).toEqual([500, 500, 100, 500]);
    expect(run.peakEnvironments).toBe(2);
  });

  it('never has fewer cold starts with a shorter keep-alive', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3_600_000 }), { minLength: 1, maxLength: 200 }), fc.integer({ min: 1, max: 60 }), (times, minutes) => {
        const invs = [...times].sort((a, b) => a - b).map((t) => inv(t));
        const opts = { initMs: 800, firstExtraMs: 300 };
        const short = simulateEnvironments(invs, { ...opts, idleTimeoutMs: minutes * 60_000 }).coldStarts.length;
        const long = simulateEnvironments(invs, { ...opts, idleTimeoutMs: (minutes + 10) * 60_000 }).coldStarts.length;
        expect(short).toBeGreaterThanOrEqual(long);
        expect(long).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 100 },
    );
  });
});

describe('what the recording reads from a page and from fs counts', () => {
  it('takes same-origin styles, scripts and images, decoding WordPress\'s escaped ampersands', () => {
    const html = `<link rel='stylesheet' href='http://site.test/wp-includes/a.css?ver=1&#038;b=2' /><link rel="alternate" href="/feed/" />
      <script src="/wp-includes/js/x.js?ver=6.8"></script><img src="http://site.test/wp-content/uploads/p.jpg" /><img src="https://cdn.example/x.png" />
      <link rel="icon" href="/favicon.ico"><script>inline()</script>`;
    expect(pageResources(html, 'http://site.test')).toEqual(['/wp-includes/a.css?ver=1&b=2', '/favicon.ico', '/wp-includes/js/x.js?ver=6.8', '/wp-content/uploads/p.jpg']);
  });

  it('splits document-root calls into what EFS meters', () => {
    const e = efsFromCounts({ total: 14, byKind: {}, byClass: { 'root:sqlite': { read: 5, fstat: 2, write: 1, unlink: 1 }, 'root:php': { lstat: 3 }, outside: { read: 2 } }, delayedMs: 0 } as never);
    expect(e).toEqual({ metadataOps: 5, dataReads: 5, dataReadBytes: 0, metadataWrites: 1, dataWrites: 1, dataWriteBytes: 0 });
  });
});
