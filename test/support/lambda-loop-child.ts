/**
 * A Lambda runtime process with an in-test handler, for the SIGTERM tests: it runs the real
 * loop (runUntilSignal) against AWS_LAMBDA_RUNTIME_API and records its after-work and shutdown.
 */
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { createLogger } from '../../bridge/index.ts';
import { createRuntimeApiClient } from '../../runtime/lambda/client.ts';
import { runUntilSignal } from '../../runtime/lambda/loop.ts';

const journal = process.env.LOOP_CHILD_JOURNAL!;
const note = (line: string) => fs.appendFileSync(journal, line + '\n');
const logger = createLogger({ level: 'debug' });

const code = await runUntilSignal({
  client: createRuntimeApiClient(),
  logger,
  handler: async (event) => ({
    kind: 'buffered',
    payload: { echo: event },
    after: async () => {
      note('after-start');
      await sleep(Number(process.env.LOOP_CHILD_AFTER_MS ?? 0));
      note('after-end');
    },
  }),
  shutdown: async () => {
    note('shutdown');
    if (process.env.LOOP_CHILD_SHUTDOWN_HANGS) await new Promise(() => {}); // an engine that never closes
  },
  graceMs: 500,
});
note(`exit ${code}`);
process.exit(code);
