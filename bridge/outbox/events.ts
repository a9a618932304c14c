/**
 * The events the relay function is invoked with, recognised by shape:
 * - an S3 event notification (`Records[].eventSource == "aws:s3"`, `ObjectCreated:*`);
 * - Lambda's on-failure destination record for such an invocation (`requestContext.condition`,
 *   `requestPayload` holding the notification, `responsePayload` the error);
 * - a scheduled EventBridge event, or `{"lamphp":{"command":"outbox-sweep"}}`, for the sweep.
 */
import type { FailedJob } from './job.ts';

export interface ObjectRef {
  bucket: string;
  /** URL-decoded, as S3 stores it. */
  key: string;
}

export type RelayEvent =
  | { kind: 'jobs'; objects: ObjectRef[] }
  | { kind: 'failed'; objects: ObjectRef[]; failure: FailedJob['failure'] }
  | { kind: 'sweep' }
  | { kind: 'unknown' };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keys in notifications are URL-encoded with `+` for spaces. */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

function createdObjects(event: unknown): ObjectRef[] | undefined {
  if (!isObj(event) || !Array.isArray(event.Records) || event.Records.length === 0) return undefined;
  const out: ObjectRef[] = [];
  for (const record of event.Records) {
    if (!isObj(record) || record.eventSource !== 'aws:s3' || !isObj(record.s3)) return undefined;
    if (typeof record.eventName !== 'string' || !record.eventName.startsWith('ObjectCreated:')) continue;
    const { bucket, object } = record.s3 as { bucket?: Obj; object?: Obj };
    if (typeof bucket?.name !== 'string' || typeof object?.key !== 'string') return undefined;
    out.push({ bucket: bucket.name, key: decodeS3Key(object.key) });
  }
  return out;
}

export function relayEventOf(event: unknown): RelayEvent {
  const created = createdObjects(event);
  if (created) return { kind: 'jobs', objects: created };
  if (isObj(event) && isObj(event.requestContext) && typeof event.requestContext.condition === 'string' && 'requestPayload' in event) {
    const objects = createdObjects(event.requestPayload);
    if (!objects) return { kind: 'unknown' };
    const response = isObj(event.responsePayload) ? event.responsePayload : {};
    const context = isObj(event.responseContext) ? event.responseContext : {};
    const error =
      (typeof response.errorMessage === 'string' && response.errorMessage) ||
      (typeof context.functionError === 'string' && `function error: ${context.functionError}`) ||
      event.requestContext.condition;
    const attempts = event.requestContext.approximateInvokeCount;
    return {
      kind: 'failed',
      objects,
      failure: {
        error,
        at: typeof event.timestamp === 'string' ? event.timestamp : new Date().toISOString(),
        condition: event.requestContext.condition,
        ...(typeof attempts === 'number' && { attempts }),
      },
    };
  }
  if (isObj(event) && event.source === 'aws.events' && event['detail-type'] === 'Scheduled Event') return { kind: 'sweep' };
  if (isObj(event) && isObj(event.lamphp) && event.lamphp.command === 'outbox-sweep') return { kind: 'sweep' };
  return { kind: 'unknown' };
}
