import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { barChart, lineChart, niceStep } from '../bench/charts/svg.ts';

/** Every element opened is closed in order (the charts are XML, not HTML). */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) {
      if (stack.pop() !== name) return false;
    } else stack.push(name!);
  }
  return stack.length === 0;
}

const attr = (el: string, name: string) => Number(new RegExp(`${name}="([-\\d.]+)"`).exec(el)![1]);

describe('SVG charts', () => {
  it('places line points on the axes: the larger value is higher, x grows to the right', () => {
    const svg = lineChart({ id: 'l', title: 'p50 <ms>', xLabel: 'x', yLabel: 'ms', series: [{ name: 'a&b', points: [[0, 10], [5, 20], [10, 40]] }] });
    expect(wellFormed(svg)).toBe(true);
    expect(svg).toContain('p50 &#60;ms&#62;');
    expect(svg).toContain('data-series="a&#38;b"');
    const pts = /<polyline points="([^"]+)"/.exec(svg)![1]!.split(' ').map((p) => p.split(',').map(Number));
    expect(pts).toHaveLength(3);
    expect(pts[0]![0]).toBeLessThan(pts[1]![0]!);
    expect(pts[0]![1]).toBeGreaterThan(pts[1]![1]!); // SVG y grows downwards
    // Linear y: equal steps in value give equal steps on screen (10 → 20 → 40 is 1 : 2).
    expect((pts[1]![1]! - pts[2]![1]!) / (pts[0]![1]! - pts[1]![1]!)).toBeCloseTo(2, 5);
  });

  it('on a log scale, equal ratios are equal distances and non-positive values break the line', () => {
    const svg = lineChart({ id: 'g', title: 't', xLabel: 'x', yLabel: 'y', logY: true, series: [{ name: 's', points: [[0, 1], [1, 10], [2, 100], [3, 0], [4, 1000], [5, 10000]] }] });
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1]!.split(' ').map((p) => Number(p.split(',')[1])));
    expect(lines).toHaveLength(2);
    expect(lines[0]![0]! - lines[0]![1]!).toBeCloseTo(lines[0]![1]! - lines[0]![2]!, 5);
    expect(wellFormed(svg)).toBe(true);
  });

  it('stacks bars: each category is as tall as the sum of its parts', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.double({ min: 0.01, max: 1000, noNaN: true }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 4 }), (rows) => {
        const svg = barChart({ id: 'b', title: 'bill', yLabel: '$', categories: ['10k', '100k', '1M'], stacked: true, series: rows.map((values, i) => ({ name: `s${i}`, values })) });
        expect(wellFormed(svg)).toBe(true);
        const bars = [...svg.matchAll(/<rect class="bar"[^>]*>/g)].map((m) => m[0]);
        const heights = (cat: string) => bars.filter((b) => b.includes(`data-category="${cat}"`)).reduce((sum, b) => sum + attr(b, 'height'), 0);
        const totals = [0, 1, 2].map((c) => rows.reduce((sum, r) => sum + r[c]!, 0));
        // Pixel height per unit is the same for every category (bars are drawn to 0.1 px).
        const tallest = Math.max(...totals);
        const unit = Math.max(...['10k', '100k', '1M'].map(heights)) / tallest;
        ['10k', '100k', '1M'].forEach((cat, c) => expect(Math.abs(heights(cat) - unit * totals[c]!)).toBeLessThanOrEqual(0.1 * rows.length + 1e-6));
        // Each part starts where the one below it ends.
        for (const cat of ['10k', '100k', '1M']) {
          const parts = bars.filter((b) => b.includes(`data-category="${cat}"`));
          for (let i = 1; i < parts.length; i++) expect(attr(parts[i]!, 'y') + attr(parts[i]!, 'height')).toBeCloseTo(attr(parts[i - 1]!, 'y'), 0);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('picks 1-2-5 steps', () => {
    expect([0.07, 0.3, 3, 7, 45, 101].map(niceStep)).toEqual([0.1, 0.5, 5, 10, 50, 200]);
  });
});
