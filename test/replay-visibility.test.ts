import { describe, expect, it } from 'vitest';
import { placeVisibility, SECTION_END, SECTION_START, shows, titleOf } from '../bench/replay/visibility-report.ts';

describe('publish-to-visible checks', () => {
  const page = (status: number, text: string) => ({ status, text });

  it('a page shows new text only with status 200 unless another status is asked for', () => {
    expect(shows({ contains: ['Fresh post'] }, page(200, '<a href="/fresh-post/">Fresh post</a>'))).toBe(true);
    expect(shows({ contains: ['Fresh post'] }, page(200, '<p>Old post</p>'))).toBe(false);
    expect(shows({ contains: ['Fresh post'] }, page(404, 'Fresh post'))).toBe(false);
    expect(shows({ status: 404 }, page(404, 'Not found'))).toBe(true);
    expect(shows({ status: 404 }, page(200, 'Third note'))).toBe(false);
  });

  it('an address that stopped serving, text that is gone, a <title>', () => {
    expect(shows({ notStatus: 200 }, page(301, ''))).toBe(true);
    expect(shows({ notStatus: 200 }, page(200, 'First note'))).toBe(false);
    expect(shows({ lacks: ['A comment'] }, page(200, '<p>no comments</p>'))).toBe(true);
    expect(shows({ lacks: ['A comment'] }, page(200, '<p>A comment abc</p>'))).toBe(false);
    const html = '<head><title>Site abc &#8211; Tagline xyz</title></head><body>Tagline qqq</body>';
    expect(titleOf(html)).toBe('Site abc &#8211; Tagline xyz');
    expect(shows({ title: 'Tagline xyz' }, page(200, html))).toBe(true);
    expect(shows({ title: 'Tagline qqq' }, page(200, html))).toBe(false);
  });

  it('the section goes right after the replay section, then is replaced in place', () => {
    const doc = 'intro\n<!-- bench:replay:start -->\nreplay\n<!-- bench:replay:end -->\n\n### Next\ntext\n';
    const once = placeVisibility(doc, 'first');
    expect(once).toBe(`intro\n<!-- bench:replay:start -->\nreplay\n<!-- bench:replay:end -->\n${SECTION_START}\nfirst\n${SECTION_END}\n\n### Next\ntext\n`);
    const twice = placeVisibility(once, 'second');
    expect(twice).toBe(once.replace('first', 'second'));
  });
});
