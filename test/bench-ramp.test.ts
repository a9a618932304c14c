import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startBalancer } from '../bench/ramp/balancer.ts';
import { ManualClock, realClock } from '../bench/ramp/clock.ts';
import { createHttpSender } from '../bench/ramp/load.ts';
import { checkNginxConf, nginxBinary, nginxConf } from '../bench/ramp/nginx.ts';
import { freePort, probe } from '../bench/ramp/processes.ts';
import { PRESETS } from '../bench/ramp/presets.ts';
import { LATENCY_SERIES, latencyChart, renderReport, throughputChart, verdict } from '../bench/ramp/report.ts';
import { buildResult, machineInfo, RESULT_SCHEMA, type RampResult, type RunConfig } from '../bench/ramp/results.ts';
import { offeredRate, planArrivals, plannedCount, runPlan, totalArrivals, type RampSpec, type Sample } from '../bench/ramp/scheduler.ts';
import { startSink } from '../bench/ramp/sink.ts';
import { startStandin } from '../bench/ramp/standin.ts';
import { ceilingReqPerS, countPerSecond, findOnset, percentile, perSecond, sinkPacing, type SecondStats } from '../bench/ramp/stats.ts';

const gapsOf = (plan: number[]) => plan.slice(1).map((at, i) => at - plan[i]!);

describe('planArrivals: an open-loop linear ramp', () => {
  it.each([
    [{ r0: 1, r1: 1000, durationS: 300 }, 150_150],
    [{ r0: 1, r1: 200, durationS: 100 }, 10_050],
    [{ r0: 5, r1: 5, durationS: 10 }, 50],
    [{ r0: 0, r1: 10, durationS: 3 }, 15],
    [{ r0: 1, r1: 2, durationS: 3 }, 4], // the integral is 4.5: whole arrivals only
    [{ r0: 100, r1: 10, durationS: 2 }, 110],
  ])('%o holds ⌊(r0 + r1)·D/2⌋ = %i arrivals', (spec, expected) => {
    expect(Math.floor(totalArrivals(spec) + 1e-9)).toBe(expected);
    expect(planArrivals(spec)).toHaveLength(expected);
  });

  it('starts at 0, ascends, and ends inside the ramp', () => {
    const plan = planArrivals({ r0: 1, r1: 200, durationS: 100 });
    expect(plan[0]).toBe(0);
    expect(plan.at(-1)!).toBeLessThan(100_000);
    expect(gapsOf(plan).every((gap) => gap > 0)).toBe(true);
  });

  it('places arrival k where the integral of the rate reaches k', () => {
    const spec = { r0: 1, r1: 1000, durationS: 300 };
    const plan = planArrivals(spec);
    for (const k of [1, 2, 10, 1_000, 75_000, 150_149]) {
      expect(plannedCount(spec, plan[k]! / 1000)).toBeCloseTo(k, 6);
    }
  });

  it('makes the gaps of a rising ramp shrink monotonically, each 1/r(t)', () => {
    const spec = { r0: 1, r1: 1000, durationS: 300 };
    const plan = planArrivals(spec);
    const gaps = gapsOf(plan);
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeLessThanOrEqual(gaps[i - 1]! + 1e-9);
    expect(gaps[0]!).toBeGreaterThan(gaps.at(-1)!);
    for (const k of [100, 10_000, 100_000]) {
      const expected = 1000 / offeredRate(spec, plan[k]! / 1000);
      expect(gaps[k]!).toBeGreaterThan(expected * 0.99);
      expect(gaps[k]!).toBeLessThan(expected * 1.01);
    }
  });

  it('never sends two arrivals in the same instant: no gap is shorter than 1/r1', () => {
    for (const spec of [
      { r0: 1, r1: 1000, durationS: 300 },
      { r0: 1, r1: 200, durationS: 100 },
      { r0: 0, r1: 50, durationS: 5 },
    ]) {
      const minGap = gapsOf(planArrivals(spec)).reduce((a, b) => Math.min(a, b), Infinity);
      expect(minGap).toBeGreaterThanOrEqual(1000 / spec.r1 - 1e-9);
    }
  });

  it('spreads each second evenly instead of sending its quota at once', () => {
    const spec = { r0: 1, r1: 200, durationS: 100 };
    const plan = planArrivals(spec);
    const perSecond = countPerSecond(plan, 100);
    perSecond.forEach((count, t) => {
      const expected = plannedCount(spec, t + 1) - plannedCount(spec, t);
      expect(Math.abs(count - expected)).toBeLessThanOrEqual(1);
    });
    // Within one second the arrivals cover the whole second, not its first few ms.
    const second60 = plan.filter((at) => at >= 60_000 && at < 61_000);
    expect(second60[0]! - 60_000).toBeLessThan(10);
    expect(61_000 - second60.at(-1)!).toBeLessThan(10);
  });

  it('spaces a constant rate exactly', () => {
    expect(planArrivals({ r0: 4, r1: 4, durationS: 2 })).toEqual([0, 250, 500, 750, 1000, 1250, 1500, 1750]);
  });

  it('makes the gaps of a falling ramp grow', () => {
    const gaps = gapsOf(planArrivals({ r0: 100, r1: 10, durationS: 2 }));
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]! - 1e-9);
  });

  it('refuses a spec that is not a ramp', () => {
    expect(() => planArrivals({ r0: -1, r1: 10, durationS: 10 })).toThrow(expect.objectContaining({ code: 'BENCH_BAD_RAMP' }));
    expect(() => planArrivals({ r0: 1, r1: 10, durationS: 0 })).toThrow(expect.objectContaining({ code: 'BENCH_BAD_RAMP' }));
    expect(() => planArrivals({ r0: 1, r1: Number.NaN, durationS: 10 })).toThrow(expect.objectContaining({ code: 'BENCH_BAD_RAMP' }));
    expect(() => planArrivals({ r0: 1e6, r1: 1e6, durationS: 1000 })).toThrow(expect.objectContaining({ code: 'BENCH_BAD_RAMP' }));
  });
});

describe('runPlan with an injected clock', () => {
  const spec: RampSpec = { r0: 10, r1: 50, durationS: 4 };

  async function drive(clock: ManualClock, run: Promise<{ samples: Sample[] }>) {
    await clock.run();
    return run;
  }

  it('sends every arrival at its planned time and measures latency from it', async () => {
    const clock = new ManualClock(1_000);
    const plan = planArrivals(spec);
    const sentAt: number[] = [];
    const run = runPlan({
      plan,
      clock,
      send: async () => {
        sentAt.push(clock.now() - 1_000);
        await clock.sleepUntil(clock.now() + 30);
        return { status: 200 };
      },
    });
    const { samples } = await drive(clock, run);
    expect(sentAt).toHaveLength(plan.length);
    sentAt.forEach((at, i) => expect(at).toBeCloseTo(plan[i]!, 9));
    expect(samples).toHaveLength(plan.length);
    samples.forEach((s) => {
      expect(s.latencyMs).toBeCloseTo(30, 9);
      expect(s.lateMs).toBe(0);
      expect(s.status).toBe(200);
    });
    expect(samples.map((s) => s.scheduledMs)).toEqual(plan);
  });

  it('keeps sending on schedule while nothing has answered (open loop)', async () => {
    const clock = new ManualClock();
    const plan = planArrivals(spec);
    const sentAt: number[] = [];
    const run = runPlan({
      plan,
      clock,
      send: async () => {
        sentAt.push(clock.now());
        await clock.sleepUntil(10_000); // nothing answers before the ramp is over
        return { status: 200 };
      },
    });
    const { samples } = await drive(clock, run);
    expect(sentAt).toEqual(plan);
    samples.forEach((s) => expect(s.latencyMs).toBeCloseTo(10_000 - s.scheduledMs, 9));
  });

  it('counts a stalled sender as latency, not as lower load (no coordinated omission)', async () => {
    const clock = new ManualClock();
    const plan = planArrivals({ r0: 100, r1: 100, durationS: 1 }); // every 10 ms
    const run = runPlan({
      plan,
      clock,
      send: async (index) => {
        if (index === 10) clock.stall(55); // the sender's event loop blocks for 55 ms
        await clock.sleepUntil(clock.now() + 5);
        return { status: 200 };
      },
    });
    const { samples } = await drive(clock, run);
    expect(samples).toHaveLength(100);
    // Arrivals 11–15 were due during the stall: they leave late and their latency says so.
    expect(samples.slice(11, 16).map((s) => s.lateMs)).toEqual([45, 35, 25, 15, 5]);
    expect(samples.slice(11, 16).map((s) => s.latencyMs)).toEqual([50, 40, 30, 20, 10]);
    expect(samples[10]!.latencyMs).toBe(60);
    expect(samples[16]!.latencyMs).toBe(5);
  });

  it('records failures by code, stragglers as DRAIN_TIMEOUT and overload as CLIENT_OVERLOAD', async () => {
    const clock = new ManualClock();
    const plan = [0, 10, 20, 30];
    const run = runPlan({
      plan,
      clock,
      maxInFlight: 2,
      drainTimeoutMs: 100,
      send: async (index) => {
        if (index === 0) throw Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
        await clock.sleepUntil(clock.now() + (index === 1 ? 1_000 : 5));
        return { status: 503 };
      },
    });
    const { samples } = await drive(clock, run);
    expect(samples.map((s) => s.error ?? s.status)).toEqual(['ECONNREFUSED', 'DRAIN_TIMEOUT', 503, 503]);

    const clock2 = new ManualClock();
    const run2 = runPlan({
      plan,
      clock: clock2,
      maxInFlight: 2,
      send: async () => {
        await clock2.sleepUntil(clock2.now() + 1_000);
        return { status: 200 };
      },
    });
    const { samples: samples2 } = await drive(clock2, run2);
    expect(samples2.map((s) => s.error ?? s.status)).toEqual([200, 200, 'CLIENT_OVERLOAD', 'CLIENT_OVERLOAD']);
  });
});

describe('the theoretical ceiling', () => {
  it('is instances × threads × 1000 / serviceMs', () => {
    expect(ceilingReqPerS({ instances: 4, threads: 20, serviceMs: 300 })).toBeCloseTo(266.667, 3);
    expect(ceilingReqPerS({ instances: 4, threads: 4, serviceMs: 300 })).toBeCloseTo(53.333, 3);
    expect(ceilingReqPerS({ instances: 16, threads: 1, serviceMs: 300 })).toBeCloseTo(53.333, 3);
    expect(ceilingReqPerS({ instances: 1, threads: 1, serviceMs: 1000 })).toBe(1);
    expect(() => ceilingReqPerS({ instances: 0, threads: 4, serviceMs: 300 })).toThrow(RangeError);
  });

  it('keeps the reference shape in the scaled preset: the ramp ends at 3.75× the ceiling', () => {
    for (const preset of [PRESETS.original!, PRESETS.default!]) {
      const ceiling = ceilingReqPerS({ instances: preset.instances, threads: preset.threads, serviceMs: 300 });
      expect(preset.r1 / ceiling).toBeCloseTo(3.75, 2);
      expect(preset.lambdaCap).toBe(preset.instances * preset.threads);
    }
  });
});

describe('statistics', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([50, 90, 99, 100].map((p) => percentile(sorted, p))).toEqual([50, 90, 99, 100]);
    expect(percentile([], 50)).toBeUndefined();
  });

  it('buckets by planned send second, errors by status or code, latency of OK only', () => {
    const spec = { r0: 2, r1: 2, durationS: 2 };
    const samples: Sample[] = [
      { index: 0, scheduledMs: 0, lateMs: 0, latencyMs: 300, status: 200 },
      { index: 1, scheduledMs: 500, lateMs: 0, latencyMs: 2, status: 503 },
      { index: 2, scheduledMs: 1000, lateMs: 0, latencyMs: 310, status: 200 },
      { index: 3, scheduledMs: 1500, lateMs: 0, latencyMs: 5, status: 0, error: 'ECONNRESET' },
    ];
    const rows = perSecond(samples, spec);
    expect(rows.map((r) => [r.sent, r.ok, r.errors])).toEqual([
      [2, 1, { '503': 1 }],
      [2, 1, { ECONNRESET: 1 }],
    ]);
    expect(rows[0]!.latency).toEqual({ p50: 300, p90: 300, p99: 300, max: 300 });
  });

  it('finds where errors become sustained and how latency behaved before', () => {
    const row = (t: number, ok: number, errors: number, p50: number, p99: number): SecondStats => ({
      t,
      offered: t * 10,
      sent: ok + errors,
      ok,
      errors: errors ? { '503': errors } : {},
      latency: { p50, p90: p99, p99, max: p99 },
    });
    const rows = [
      ...Array.from({ length: 20 }, (_, t) => row(t, t * 10, t === 3 ? 1 : 0, 300, t >= 15 ? 900 : 305)),
      ...Array.from({ length: 10 }, (_, i) => row(20 + i, 200, 10 + i * 10, 310, 950)),
    ];
    const onset = findOnset(rows, 180);
    expect(onset.firstErrorS).toBe(3); // one stray error is not an onset
    expect(onset.errorOnsetS).toBe(20);
    expect(onset.errorOnsetRate).toBe(200);
    expect(onset.onsetToCeiling).toBe(1.11);
    expect(onset.baselineP50).toBe(300);
    expect(onset.preOnsetP99).toBe(900);
    expect(onset.latencyRise).toBe(3);
    expect(onset.peakOkPerS).toBe(200);
  });

  it('compares arrivals seen at a sink with the plan', () => {
    const spec = { r0: 10, r1: 10, durationS: 1 };
    const plan = planArrivals(spec);
    const exact = sinkPacing(plan.map((at) => at + 5_000), plan, spec);
    expect(exact).toMatchObject({ arrivals: 10, planned: 10, burstShare: 0, maxSecondDeviation: 0 });
    expect(exact.gapErrorMs.max).toBeCloseTo(0, 9);
    const bursty = sinkPacing([0, 0, 0, 0, 0, 500, 500, 500, 500, 500], plan, spec);
    expect(bursty.burstShare).toBeCloseTo(8 / 9, 3);
    expect(bursty.gapErrorMs.max).toBe(400);
  });
});

const fixture = JSON.parse(readFileSync(new URL('./fixtures/bench/ramp-result.json', import.meta.url), 'utf8')) as RampResult;

describe('the report, from a recorded run', () => {
  it('is a results JSON of the current schema', () => {
    expect(fixture.schema).toBe(RESULT_SCHEMA);
    expect(fixture.seconds).toHaveLength(Math.ceil(fixture.config.durationS));
  });

  it('draws response-time percentiles over time with one point per second that had OK responses', () => {
    const svg = latencyChart(fixture);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Response time of successful requests');
    for (const key of LATENCY_SERIES) {
      const group = svg.match(new RegExp(`<g class="series" data-series="${key}">(.*?)</g>`))?.[1] ?? '';
      const points = [...group.matchAll(/points="([^"]*)"/g)].flatMap((m) => m[1]!.split(' '));
      const dots = [...group.matchAll(/<circle /g)].length;
      expect(points.length + dots).toBe(fixture.seconds.filter((row) => row.latency[key] !== null).length);
    }
    expect(svg).toContain('data-marker="ceiling"');
    expect(svg).toContain('data-marker="error-onset"');
  });

  it('draws responses per second, OK vs error, against the offered rate and the ceiling', () => {
    const svg = throughputChart(fixture);
    expect(svg).toContain('Responses per second, OK vs error');
    for (const key of ['ok', 'errors', 'offered', 'ceiling']) expect(svg).toContain(`data-series="${key}"`);
    const ok = svg.match(/data-series="ok"><polyline points="([^"]*)"/)?.[1]?.split(' ') ?? [];
    expect(ok).toHaveLength(fixture.seconds.length);
    expect(svg).toContain(`ceiling ${Math.round(fixture.ceiling.reqPerS * 10) / 10}`.replace(/\.0\b/, ''));
  });

  it('puts both charts of every run in one self-contained HTML page', () => {
    const other: RampResult = { ...fixture, name: 'ramp-test-direct-io', config: { ...fixture.config, topology: 'direct' } };
    const html = renderReport([fixture, other], { title: 'a <test> report' });
    expect(html.match(/<svg /g)).toHaveLength(4);
    expect(html).toContain(`id="latency-${fixture.name}"`);
    expect(html).toContain(`id="throughput-${fixture.name}"`);
    expect(html).toContain('a &#60;test&#62; report');
    expect(html).not.toMatch(/<script|src="http/);
    expect(html).toContain(verdict(fixture).replace(/×/g, '×'));
  });

  it('rebuilds the same summary from the raw samples', () => {
    const config: RunConfig = { ...fixture.config };
    const samples: Sample[] = [
      { index: 0, scheduledMs: 0, lateMs: 0.2, latencyMs: 301, status: 200 },
      { index: 1, scheduledMs: 900, lateMs: 0.1, latencyMs: 1.5, status: 503 },
    ];
    const result = buildResult({
      config: { ...config, durationS: 2, r0: 1, r1: 1 },
      samples,
      plan: [0, 900],
      arrivalsMs: [10, 910],
      nominalServiceMs: 300,
      command: 'test',
      machine: machineInfo(),
      date: new Date(0),
    });
    expect(result.ceiling.reqPerS).toBe(Math.round(ceilingReqPerS({ instances: config.instances, threads: config.threads, serviceMs: 300 }) * 10) / 10);
    expect(result.totals).toMatchObject({ sent: 2, ok: 1, errors: { '503': 1 } });
    expect(result.pacing.sink).toMatchObject({ arrivals: 2, planned: 2, burstShare: 0 });
  });
});

describe('the pieces of a topology', () => {
  const closers: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
  });

  it('the stand-in refuses with 503 at once when its workers are busy (fail-fast) or its queue is full', async () => {
    const failFast = await startStandin({ workers: 2, queue: 0, ioMs: 200 });
    const queued = await startStandin({ workers: 1, queue: 1, ioMs: 200 });
    closers.push(failFast.close, queued.close);
    const timed = async (url: string) => {
      const start = performance.now();
      const status = await probe(url);
      return { status, ms: performance.now() - start };
    };
    const a = await Promise.all([1, 2, 3].map(() => timed(`http://127.0.0.1:${failFast.port}/io.php`)));
    expect(a.map((r) => r.status).sort()).toEqual([200, 200, 503]);
    expect(a.find((r) => r.status === 503)!.ms).toBeLessThan(150);
    const b = await Promise.all([1, 2, 3].map(() => timed(`http://127.0.0.1:${queued.port}/io.php`)));
    expect(b.map((r) => r.status).sort()).toEqual([200, 200, 503]);
    expect(Math.max(...b.filter((r) => r.status === 200).map((r) => r.ms))).toBeGreaterThanOrEqual(390);
    expect(await probe(`http://127.0.0.1:${failFast.port}/render.php`)).toBe(200);
  });

  it('the balancer round-robins, answers 502 for a refusing instance, and records arrivals', async () => {
    const up = await startStandin({ workers: 4, queue: 0, ioMs: 10 });
    const deadPort = await freePort();
    const balancer = await startBalancer({ upstreams: [`http://127.0.0.1:${up.port}`, `http://127.0.0.1:${deadPort}`] });
    closers.push(up.close, balancer.close);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(await probe(`http://127.0.0.1:${balancer.port}/render.php`));
    expect(statuses).toEqual([200, 502, 200, 502]);
    expect(balancer.recorder.arrivals).toHaveLength(4);
    expect(balancer.stats).toMatchObject({ proxied: 2, badGateway: 2 });
  });

  it('the lambda policy throttles with 429 once the concurrency cap is reached', async () => {
    const envs = await Promise.all([1, 2].map(() => startStandin({ workers: 1, queue: 0, ioMs: 200 })));
    const balancer = await startBalancer({ upstreams: envs.map((e) => `http://127.0.0.1:${e.port}`), policy: 'lambda' });
    closers.push(...envs.map((e) => e.close), balancer.close);
    const statuses = await Promise.all([1, 2, 3].map(() => probe(`http://127.0.0.1:${balancer.port}/io.php`)));
    expect(statuses.sort()).toEqual([200, 200, 429]);
    expect(envs.map((e) => e.stats.served)).toEqual([1, 1]);
  });

  it('writes an nginx.conf with a keep-alive upstream that nginx accepts', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-nginx-'));
    try {
      const options = { dir, listenPort: 18080, upstreamPort: 18081 };
      const conf = nginxConf(options);
      expect(conf).toMatch(/upstream app \{\s*server 127\.0\.0\.1:18081;\s*keepalive 64;/);
      expect(conf).toContain('proxy_pass http://app;');
      expect(conf).toContain('proxy_set_header Connection "";');
      expect(conf).toContain(`pid ${dir}/nginx.pid;`);
      expect(conf).not.toContain('/var/');
      if (existsSync(nginxBinary())) expect(await checkNginxConf(options)).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a short real ramp through balancer and stand-in reports errors past the ceiling and paces its arrivals', async () => {
    const app = await startStandin({ workers: 2, queue: 0, ioMs: 100 }); // ceiling 20 req/s
    const balancer = await startBalancer({ upstreams: [`http://127.0.0.1:${app.port}`] });
    closers.push(app.close, balancer.close);
    const spec = { r0: 5, r1: 60, durationS: 2 };
    const plan = planArrivals(spec);
    const sender = createHttpSender({ origin: `http://127.0.0.1:${balancer.port}`, path: '/io.php' });
    const { samples } = await runPlan({ plan, clock: realClock, send: () => sender.send() });
    await sender.close();
    expect(samples).toHaveLength(plan.length);
    expect(samples.every((s) => s.status === 200 || s.status === 503)).toBe(true);
    expect(samples.filter((s) => s.status === 200).length).toBeGreaterThan(10);
    expect(samples.filter((s) => s.status === 503).length).toBeGreaterThan(0);
    expect(samples.every((s) => s.lateMs >= 0)).toBe(true);
    // Pacing is reported, not asserted: this machine is shared.
    const pacing = sinkPacing(balancer.recorder.arrivals, plan, spec);
    expect(pacing.arrivals).toBe(plan.length);
  });

  it('the sink records arrivals and answers 204', async () => {
    const sink = await startSink();
    closers.push(sink.close);
    expect(await probe(`http://127.0.0.1:${sink.port}/x`)).toBe(204);
    expect(await probe(`http://127.0.0.1:${sink.port}/__bench/health`)).toBe(200);
    expect(sink.recorder.arrivals).toHaveLength(1);
  });
});
