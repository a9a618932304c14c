/**
 * Trust rules: what a client can forge changes nothing; what the origin secret or the
 * configuration vouches for wins. Inputs are source-neutral HttpRequests, so the same rules
 * hold for Lambda events and for the local server.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readConfig, type Config } from '../bridge/config.ts';
import type { HeaderMap, HttpRequest } from '../bridge/http.ts';
import { memoryLogger } from '../bridge/log.ts';
import { detectSource } from '../bridge/events/index.ts';
import {
  admitRequest, applyTrust, checkOriginSecret, clientBehindHops, originGuard, parseAddress, parseHost,
  parseViewerAddress,
} from '../bridge/trust.ts';

const SECRET = 'kX9v2-origin-secret-7Qw';
const config = (overrides: Partial<Config> = {}) => readConfig({}, overrides);

/** What a Function URL in front of the function reports, before trust. */
function request(headers: HeaderMap, peer = '130.176.0.1'): HttpRequest {
  return {
    method: 'GET', path: '/', query: '', body: new Uint8Array(), protocol: 'HTTP/1.1',
    headers: { host: ['abcdefghij.lambda-url.eu-west-1.on.aws'], ...headers },
    clientAddress: peer, clientPort: 0, scheme: 'https', host: 'abcdefghij.lambda-url.eu-west-1.on.aws', port: 443,
    requestId: 'req-1', receivedAt: 0,
  };
}

const FORGED: HeaderMap = {
  'x-forwarded-for': ['6.6.6.6'],
  'x-forwarded-host': ['evil.example'],
  forwarded: ['for=6.6.6.6;host=evil.example;proto=http'],
  'cloudfront-viewer-address': ['6.6.6.6:4444'],
  'cloudfront-forwarded-proto': ['http'],
};

describe('origin secret', () => {
  const on = { originSecret: SECRET, originSecretHeader: 'x-lamphp-origin-secret' };
  it('is disabled when none is configured', () => {
    expect(checkOriginSecret({}, { originSecret: undefined, originSecretHeader: 'x-lamphp-origin-secret' })).toBe('disabled');
  });
  it('is missing, mismatched or ok', () => {
    expect(checkOriginSecret({}, on)).toBe('missing');
    expect(checkOriginSecret({ 'x-lamphp-origin-secret': ['nope'] }, on)).toBe('mismatch');
    expect(checkOriginSecret({ 'x-lamphp-origin-secret': [SECRET + 'x'] }, on)).toBe('mismatch');
    expect(checkOriginSecret({ 'x-lamphp-origin-secret': [SECRET] }, on)).toBe('ok');
  });
  it('refuses a request that carries the header twice', () => {
    expect(checkOriginSecret({ 'x-lamphp-origin-secret': [SECRET, SECRET] }, on)).toBe('mismatch');
  });
  it('honours a custom header name given in any case', () => {
    expect(checkOriginSecret({ 'x-cdn-key': [SECRET] }, { originSecret: SECRET, originSecretHeader: 'X-CDN-Key' })).toBe('ok');
  });
  it('the guard answers 403 without it and nothing with it', () => {
    expect(originGuard({}, on)!.status).toBe(403);
    expect(originGuard({ 'x-lamphp-origin-secret': [SECRET] }, on)).toBeUndefined();
    expect(originGuard({}, { ...on, originSecret: undefined })).toBeUndefined();
  });
  it('during a rotation the previous secret is accepted too, and nothing else is', () => {
    const rotating = { ...on, originSecretPrevious: 'previous-secret-value' };
    expect(checkOriginSecret({ 'x-lamphp-origin-secret': [SECRET] }, rotating)).toBe('ok');
    expect(checkOriginSecret({ 'x-lamphp-origin-secret': ['previous-secret-value'] }, rotating)).toBe('ok');
    expect(checkOriginSecret({ 'x-lamphp-origin-secret': ['previous-secret-value'] }, on)).toBe('mismatch');
    expect(checkOriginSecret({ 'x-lamphp-origin-secret': [''] }, { ...on, originSecretPrevious: '' })).toBe('mismatch');
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (sent, current, previous) => {
        const expected = sent === current || sent === previous ? 'ok' : 'mismatch';
        return checkOriginSecret({ 'x-lamphp-origin-secret': [sent] }, { ...on, originSecret: current, originSecretPrevious: previous }) === expected;
      }),
      { numRuns: 300 },
    );
    expect(readConfig({ LAMPHP_ORIGIN_SECRET: 'a', LAMPHP_ORIGIN_SECRET_PREVIOUS: 'b' }).originSecretPrevious).toBe('b');
  });
  it('admitRequest refuses before trust removes the header', () => {
    const refused = admitRequest(request({ 'x-lamphp-origin-secret': ['guess'] }), config({ originSecret: SECRET }));
    expect(refused).toMatchObject({ ok: false, reason: 'mismatch', response: { status: 403 } });
    expect(admitRequest(request({}), config({ originSecret: SECRET }))).toMatchObject({ ok: false, reason: 'missing' });
  });
});

describe('without the origin secret, forged headers change nothing', () => {
  const trusted = applyTrust(request(FORGED), config());

  it('the client is the peer the front door reported', () => {
    expect(trusted.clientAddress).toBe('130.176.0.1');
    expect(trusted.clientPort).toBe(0);
  });
  it('the host is the Host header, the scheme and port what the front door reported', () => {
    expect(trusted.host).toBe('abcdefghij.lambda-url.eu-west-1.on.aws');
    expect(trusted.scheme).toBe('https');
    expect(trusted.port).toBe(443);
  });
  it('CloudFront headers that would be believed are removed; the rest stay visible', () => {
    expect(trusted.headers['cloudfront-viewer-address']).toBeUndefined();
    expect(trusted.headers['cloudfront-forwarded-proto']).toBeUndefined();
    expect(trusted.headers['x-forwarded-for']).toEqual(['6.6.6.6']);
    expect(trusted.headers['x-forwarded-host']).toEqual(['evil.example']);
  });
  it('a wrong secret vouches for nothing either', () => {
    const wrong = applyTrust(request({ ...FORGED, 'x-lamphp-origin-secret': ['guess'] }), config({ originSecret: SECRET }));
    expect(wrong.clientAddress).toBe('130.176.0.1');
    expect(wrong.scheme).toBe('https');
    expect(wrong.headers['x-lamphp-origin-secret']).toBeUndefined();
  });
  it('forged X-Forwarded-For entries on a real ALB event change nothing', () => {
    const event = JSON.parse(readFileSync(new URL('./fixtures/events/alb-multivalue-repeated.json', import.meta.url), 'utf8'));
    event.multiValueHeaders['X-Forwarded-For'] = ['6.6.6.6, 7.7.7.7, 203.0.113.50'];
    const ctx = { requestId: 'r', config: config(), logger: memoryLogger() };
    const admitted = admitRequest(detectSource(event)!.toRequest(event, ctx), ctx.config);
    expect(admitted.ok && admitted.request.clientAddress).toBe('203.0.113.50');
    expect(admitted.ok && admitted.request.host).toBe('www.example.org');
  });
});

describe('with the origin secret and a canonical host', () => {
  const cfg = config({ originSecret: SECRET, canonicalHost: 'www.example.org' });
  const cloudfront = request({
    'x-lamphp-origin-secret': [SECRET],
    'x-forwarded-for': ['6.6.6.6, 198.51.100.23'],
    'x-forwarded-host': ['evil.example'],
    'cloudfront-viewer-address': ['198.51.100.23:51234'],
    'cloudfront-forwarded-proto': ['https'],
  });
  const admitted = admitRequest(cloudfront, cfg);
  if (!admitted.ok) throw new Error('refused');
  const trusted = admitted.request;

  it("the viewer's address and port come from CloudFront-Viewer-Address", () => {
    expect(trusted.clientAddress).toBe('198.51.100.23');
    expect(trusted.clientPort).toBe(51234);
  });
  it('the canonical host wins over the Host header and replaces it', () => {
    expect(trusted.host).toBe('www.example.org');
    expect(trusted.headers.host).toEqual(['www.example.org']);
  });
  it('the scheme comes from CloudFront-Forwarded-Proto', () => {
    const http = applyTrust(request({ 'x-lamphp-origin-secret': [SECRET], 'cloudfront-forwarded-proto': ['http'] }), cfg);
    expect(http.scheme).toBe('http');
    expect(http.port).toBe(80);
    expect(trusted.scheme).toBe('https');
    expect(trusted.port).toBe(443);
  });
  it('the secret never reaches PHP; vouched CloudFront headers stay visible', () => {
    expect(trusted.headers['x-lamphp-origin-secret']).toBeUndefined();
    expect(trusted.headers['cloudfront-viewer-address']).toEqual(['198.51.100.23:51234']);
  });
  it('an IPv6 viewer is parsed with the last colon as the port', () => {
    const v6 = applyTrust(request({ 'x-lamphp-origin-secret': [SECRET], 'cloudfront-viewer-address': ['2001:db8::1:443'] }), cfg);
    expect(v6.clientAddress).toBe('2001:db8::1');
    expect(v6.clientPort).toBe(443);
  });
  it('an unparsable viewer address falls back to the peer', () => {
    const junk = applyTrust(request({ 'x-lamphp-origin-secret': [SECRET], 'cloudfront-viewer-address': ['<script>'] }), cfg);
    expect(junk.clientAddress).toBe('130.176.0.1');
  });
});

describe('the viewer-address header a deployment names (LAMPHP_VIEWER_ADDRESS_HEADER)', () => {
  const HEADER = 'x-lamphp-viewer-address';
  const cfg = config({ originSecret: SECRET, viewerAddressHeader: HEADER });
  const through = (headers: HeaderMap) => applyTrust(request({ 'x-lamphp-origin-secret': [SECRET], ...headers }), cfg);

  it('is read from the environment, any case, CloudFront-Viewer-Address by default', () => {
    expect(readConfig({ LAMPHP_VIEWER_ADDRESS_HEADER: 'X-Lamphp-Viewer-Address' }).viewerAddressHeader).toBe(HEADER);
    expect(readConfig({}).viewerAddressHeader).toBe('cloudfront-viewer-address');
  });
  it('with the origin secret, the viewer is the address it carries: IPv4, or IPv6 in brackets', () => {
    expect(through({ [HEADER]: ['198.51.100.7'] })).toMatchObject({ clientAddress: '198.51.100.7', clientPort: 0 });
    expect(through({ [HEADER]: ['[2001:db8::7]'] })).toMatchObject({ clientAddress: '2001:db8::7', clientPort: 0 });
  });
  it('then a CloudFront-Viewer-Address the viewer sent (or any other header) is not believed', () => {
    const forged = through({ [HEADER]: ['198.51.100.7'], ...FORGED });
    expect(forged.clientAddress).toBe('198.51.100.7');
    expect(through({ 'cloudfront-viewer-address': ['6.6.6.6:4444'] }).clientAddress).toBe('130.176.0.1');
  });
  it('without the origin secret the header is never believed and never reaches PHP, whatever it holds', () => {
    expect(admitRequest(request({ [HEADER]: ['198.51.100.7'] }), cfg)).toMatchObject({ ok: false, reason: 'missing' });
    const open = config({ viewerAddressHeader: HEADER });
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV6().map((v6) => `[${v6}]`), fc.string()), (value) => {
        const trusted = applyTrust(request({ [HEADER]: [value] }), open);
        return trusted.clientAddress === '130.176.0.1' && trusted.headers[HEADER] === undefined;
      }),
      { numRuns: 200 },
    );
  });
});

describe('canonical host alone', () => {
  it('is the host PHP sees whatever the Host header says', () => {
    const trusted = applyTrust(request({ host: ['attacker.example'] }), config({ canonicalHost: 'WWW.Example.org' }));
    expect(trusted.host).toBe('www.example.org');
    expect(trusted.headers.host).toEqual(['WWW.Example.org']);
  });
});

describe('trusted hops', () => {
  const headers = { 'x-forwarded-for': ['not-an-ip, 192.0.2.1, 198.51.100.7, 203.0.113.50'] };
  it('0 hops: the peer, whatever X-Forwarded-For says', () => {
    expect(applyTrust(request(headers, '203.0.113.50'), config()).clientAddress).toBe('203.0.113.50');
  });
  it('each hop walks one entry left of the peer (the peer itself is not counted)', () => {
    expect(applyTrust(request(headers, '203.0.113.50'), config({ trustedHops: 1 })).clientAddress).toBe('198.51.100.7');
    expect(applyTrust(request(headers, '203.0.113.50'), config({ trustedHops: 2 })).clientAddress).toBe('192.0.2.1');
  });
  it('walking stops at an entry that is not an address', () => {
    expect(applyTrust(request(headers, '203.0.113.50'), config({ trustedHops: 3 })).clientAddress).toBe('192.0.2.1');
  });
  it('when the front door does not append the peer, the right-most entry is hop 1', () => {
    expect(clientBehindHops('10.0.0.9', { 'x-forwarded-for': ['198.51.100.7'] }, 1)).toEqual({ address: '198.51.100.7', port: 0 });
  });
  it('repeated X-Forwarded-For fields are one list', () => {
    const split = { 'x-forwarded-for': ['192.0.2.1', '198.51.100.7, 203.0.113.50'] };
    expect(applyTrust(request(split, '203.0.113.50'), config({ trustedHops: 2 })).clientAddress).toBe('192.0.2.1');
  });
  it('the CloudFront viewer address still wins when vouched for', () => {
    const cfg = config({ trustedHops: 1, originSecret: SECRET });
    const vouched = { ...headers, 'x-lamphp-origin-secret': [SECRET], 'cloudfront-viewer-address': ['192.0.2.200:1000'] };
    expect(applyTrust(request(vouched, '203.0.113.50'), cfg).clientAddress).toBe('192.0.2.200');
  });
});

describe('forwarded host', () => {
  it('X-Forwarded-Host is believed only when trustForwardedHost is on', () => {
    const req = request({ 'x-forwarded-host': ['blog.example.org, proxy.internal'] });
    expect(applyTrust(req, config()).host).toBe('abcdefghij.lambda-url.eu-west-1.on.aws');
    const trusted = applyTrust(req, config({ trustForwardedHost: true }));
    expect(trusted.host).toBe('blog.example.org');
    expect(trusted.headers.host).toEqual(['blog.example.org']);
  });
  it('Forwarded host= is used when there is no X-Forwarded-Host', () => {
    const req = request({ forwarded: ['for=192.0.2.1;host="blog.example.org:8443";proto=https'] });
    expect(applyTrust(req, config({ trustForwardedHost: true })).host).toBe('blog.example.org');
  });
  it('a malformed forwarded host is ignored', () => {
    const req = request({ 'x-forwarded-host': ['evil.example/<script>'] });
    expect(applyTrust(req, config({ trustForwardedHost: true })).host).toBe('abcdefghij.lambda-url.eu-west-1.on.aws');
  });
  it('the canonical host beats a trusted forwarded host', () => {
    const req = request({ 'x-forwarded-host': ['blog.example.org'] });
    expect(applyTrust(req, config({ trustForwardedHost: true, canonicalHost: 'www.example.org' })).host).toBe('www.example.org');
  });
});

describe('the local server gets the same rules', () => {
  it('a socket peer with forged headers stays the socket peer', () => {
    const local: HttpRequest = { ...request(FORGED, '127.0.0.1'), scheme: 'http', port: 8080, host: 'localhost', headers: { ...FORGED, host: ['localhost:8080'] } };
    const trusted = applyTrust(local, config());
    expect(trusted).toMatchObject({ clientAddress: '127.0.0.1', scheme: 'http', port: 8080, host: 'localhost' });
  });
  it('a request without a Host header gets one naming the host', () => {
    const noHost = { ...request({}), headers: {} };
    expect(applyTrust(noHost, config()).headers.host).toEqual(['abcdefghij.lambda-url.eu-west-1.on.aws']);
  });
});

describe('parsers', () => {
  it.each([
    ['203.0.113.9', { address: '203.0.113.9', port: 0 }],
    ['203.0.113.9:443', { address: '203.0.113.9', port: 443 }],
    ['[2001:db8::1]:8443', { address: '2001:db8::1', port: 8443 }],
    ['2001:db8::1', { address: '2001:db8::1', port: 0 }], // bare IPv6 in X-Forwarded-For has no port
    ['unknown', undefined],
    ['', undefined],
  ])('X-Forwarded-For entry %s', (value, expected) => {
    expect(parseAddress(value)).toEqual(expected);
  });
  it.each([
    ['198.51.100.10:46532', { address: '198.51.100.10', port: 46532 }],
    ['2001:db8:85a3::8a2e:370:7334:46532', { address: '2001:db8:85a3::8a2e:370:7334', port: 46532 }],
    ['[::1]:80', { address: '::1', port: 80 }],
    ['nonsense:80', undefined],
  ])('CloudFront-Viewer-Address %s', (value, expected) => {
    expect(parseViewerAddress(value)).toEqual(expected);
  });
  it.each([
    ['Example.ORG', 'example.org'],
    ['example.org:8080', 'example.org'],
    ['[::1]:8080', '[::1]'],
    ['exa mple.org', undefined],
    ['example.org/evil', undefined],
    ['', undefined],
  ])('host %s', (value, expected) => {
    expect(parseHost(value)).toBe(expected);
  });
});
