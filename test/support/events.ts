/** Function URL (payload 2.0) events for tests, built from the recorded AWS fixture. */
import fs from 'node:fs';
import path from 'node:path';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/aws-events/lambda-urls-request.json');

export interface EventFields {
  method?: string;
  query?: string;
  headers?: Record<string, string>;
  cookies?: string[];
  body?: Uint8Array | string;
}

export function functionUrlEvent(rawPath: string, fields: EventFields = {}) {
  const event = JSON.parse(fs.readFileSync(FIXTURE, 'utf8'));
  const body = typeof fields.body === 'string' ? Buffer.from(fields.body) : fields.body;
  Object.assign(event, {
    rawPath,
    rawQueryString: fields.query ?? '',
    body: body ? Buffer.from(body).toString('base64') : undefined,
    isBase64Encoded: body !== undefined,
  });
  if (fields.cookies) event.cookies = fields.cookies;
  else delete event.cookies;
  delete event.queryStringParameters;
  event.requestContext.http.method = fields.method ?? 'GET';
  event.requestContext.http.path = rawPath;
  event.headers = { ...event.headers, ...fields.headers };
  return event;
}
