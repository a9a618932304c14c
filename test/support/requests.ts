/** Builds bridge HttpRequests for tests, with the defaults of a plain local request. */
import { randomUUID } from 'node:crypto';
import type { HttpRequest } from '../../bridge/http.ts';

export function makeRequest(fields: Partial<HttpRequest> & { url?: string } = {}): HttpRequest {
  const { url, ...rest } = fields;
  let pathPart = rest.path ?? '/';
  let query = rest.query ?? '';
  if (url !== undefined) {
    const q = url.indexOf('?');
    pathPart = q === -1 ? url : url.slice(0, q);
    query = q === -1 ? '' : url.slice(q + 1);
  }
  return {
    method: 'GET',
    headers: { host: ['example.test'] },
    body: new Uint8Array(0),
    clientAddress: '203.0.113.7',
    clientPort: 51234,
    scheme: 'http',
    host: 'example.test',
    port: 80,
    protocol: 'HTTP/1.1',
    requestId: randomUUID(),
    receivedAt: Date.now(),
    ...rest,
    path: pathPart,
    query,
  };
}
