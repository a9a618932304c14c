/** The outbox: jobs for AWS APIs the function may not reach, and the relay that performs them. */
export * from './job.ts';
export { createSesClient, lazyClients, performJob, type JobClients, type Receipt } from './perform.ts';
export { ConditionFailed, s3Outbox, type Claim, type Marker, type MarkerState, type Outbox, type OutboxObject, type StoredJob } from './store.ts';
export { directSubmitter, jobSubmitterFromConfig, outboxSubmitter, type JobSubmitter, type Submitted } from './submit.ts';
export { CLAIM_LEASE_MS, createRelay, FAILED_JOB_EVENT, MAX_AGE_MS, type JobOutcome, type Relay, type RelayOptions } from './relay.ts';
export { decodeS3Key, relayEventOf, type ObjectRef, type RelayEvent } from './events.ts';
