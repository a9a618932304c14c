/**
 * `lamphp outbox list|retry`: what waits in the uploads bucket's outbox and what failed every
 * attempt, and putting failed jobs back so the relay performs them again.
 */
import {
  createS3Client,
  describeJob,
  FAILED_PREFIX,
  idOfKey,
  JOBS_PREFIX,
  LamphpError,
  readConfig,
  s3Outbox,
  type FailedJob,
  type Job,
  type Outbox,
} from '../bridge/index.ts';

export interface OutboxEntry {
  state: 'waiting' | 'failed';
  id: string;
  key: string;
  ageMs: number;
  /** kind, subject / paths…; undefined for a job that cannot be read. */
  job?: Record<string, unknown>;
  error?: string;
}

type Out = (line: string) => void;
const stdout: Out = (line) => process.stdout.write(line + '\n');

function outboxOf(flags: { bucket?: string }, env: NodeJS.ProcessEnv, outbox?: Outbox): Outbox {
  if (outbox) return outbox;
  const bucket = flags.bucket ?? readConfig(env).uploadsBucket;
  if (!bucket) throw new LamphpError('EUSAGE', 'Name the uploads bucket: --bucket NAME or LAMPHP_UPLOADS_BUCKET.');
  return s3Outbox(createS3Client(env), bucket);
}

function age(ms: number): string {
  if (ms < 60_000) return `${Math.round(ms / 1000)}s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)}m`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)}h`;
  return `${(ms / 86_400_000).toFixed(1)}d`;
}

function summary(job: Record<string, unknown> | undefined): string {
  if (!job) return '(unreadable)';
  if (job.kind === 'ses-mail') return `mail "${String(job.subject)}" to ${(job.to as string[]).join(', ')}`;
  return `invalidation of ${(job.paths as string[]).join(' ')} on ${String(job.distributionId)}`;
}

export async function outboxList(flags: { bucket?: string }, env = process.env, out: Out = stdout, given?: Outbox): Promise<OutboxEntry[]> {
  const outbox = outboxOf(flags, env, given);
  const entries: OutboxEntry[] = [];
  for (const [state, prefix] of [['waiting', JOBS_PREFIX], ['failed', FAILED_PREFIX]] as const) {
    for await (const object of outbox.list(prefix)) {
      const id = idOfKey(object.key);
      if (!id) continue;
      const stored = await outbox.get(object.key);
      if (!stored) continue;
      const entry: OutboxEntry = { state, id, key: object.key, ageMs: Date.now() - object.lastModified.getTime() };
      if ('job' in stored) {
        entry.job = describeJob(stored.job as Job);
        const failure = (stored.job as FailedJob).failure;
        if (failure) entry.error = failure.error;
      } else entry.error = stored.error;
      entries.push(entry);
    }
  }
  for (const e of entries) out(`${e.state.padEnd(7)}  ${e.id}  ${age(e.ageMs).padStart(5)}  ${summary(e.job)}${e.error ? `\n         error: ${e.error}` : ''}`);
  out(`${entries.filter((e) => e.state === 'waiting').length} waiting, ${entries.filter((e) => e.state === 'failed').length} failed in s3://${outbox.bucket}/.lamphp-outbox/`);
  return entries;
}

/** Puts failed jobs (all, or those named) back in the outbox; the relay performs them when notified. */
export async function outboxRetry(
  flags: { bucket?: string; ids: string[]; all?: boolean },
  env = process.env,
  out: Out = stdout,
  given?: Outbox,
): Promise<{ retried: string[]; skipped: string[] }> {
  if (!flags.all && flags.ids.length === 0) throw new LamphpError('EUSAGE', 'Name the jobs to retry (ids from `lamphp outbox list`), or pass --all.');
  const outbox = outboxOf(flags, env, given);
  const keys: string[] = [];
  if (flags.all) for await (const o of outbox.list(FAILED_PREFIX)) keys.push(o.key);
  else keys.push(...flags.ids.map((id) => `${FAILED_PREFIX}${id}.json`));
  const result = { retried: [] as string[], skipped: [] as string[] };
  for (const key of keys) {
    const id = idOfKey(key);
    const stored = id ? await outbox.get(key) : undefined;
    if (!id || !stored || !('job' in stored)) {
      out(`skipped ${id ?? key}: ${stored ? 'it cannot be read as a job' : 'no such failed job'}`);
      result.skipped.push(id ?? key);
      continue;
    }
    const { failure: _failure, ...job } = stored.job as FailedJob;
    await outbox.put(job as Job);
    await outbox.delete(key);
    out(`retrying ${id}: ${summary(describeJob(job as Job))}`);
    result.retried.push(id);
  }
  return result;
}
