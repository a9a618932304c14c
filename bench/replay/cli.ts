/**
 * `npm run bench:replay`: a small site's generated day and what it costs.
 *
 *   npm run bench:replay                      estimate from the recorded usage (labelled ESTIMATE)
 *   npm run bench:replay -- --record          record the usage input on this machine first
 *   npm run bench:replay -- --twin            replay the day through the stack twin (when it exists)
 *
 * Options: --db sqlite,mysql  --per-class N (record: intents per class, default 25)
 *          --cold N (record: cold starts, default 5)  --no-write
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '../../bridge/log.ts';
import { readConfig } from '../../bridge/config.ts';
import { prepareTrees, type Db } from '../suite/site.ts';
import { REPO } from '../suite/lambda-front.ts';
import { readSettings } from './settings.ts';
import { cronRateMinutes, readTemplate } from './stack.ts';
import { generateDay } from './generate.ts';
import { recordUsage } from './record.ts';
import { runEstimate } from './estimate.ts';
import { replayThroughTwin, TWIN_MODULE } from './through-twin.ts';

export const RESULTS = path.join(REPO, 'bench/results');
export const recordedFile = (db: Db) => path.join(RESULTS, `replay-recorded-usage-${db}.json`);

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      record: { type: 'boolean', default: false },
      twin: { type: 'boolean', default: false },
      db: { type: 'string', default: 'sqlite,mysql' },
      'per-class': { type: 'string', default: '25' },
      cold: { type: 'string', default: '5' },
      'no-write': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const dbs = values.db.split(',').map((d) => d.trim()) as Db[];
  const settings = readSettings();
  const template = readTemplate();
  const trace = generateDay(settings, { cronRateMinutes: cronRateMinutes(template) });
  const command = `npm run bench:replay${argv.length ? ' -- ' + argv.join(' ') : ''}`;

  if (values.twin) return replayThroughTwin({ settings, trace, write: !values['no-write'], log });

  if (values.record) {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-replay-'));
    const trees = await prepareTrees({ workDir, dbs, logger: createLogger({ level: 'warn' }) });
    try {
      for (const db of dbs) {
        log(`recording usage, ${db}`);
        const recorded = await recordUsage({ site: trees.sites[db]!, trace, workDir, perClass: Number(values['per-class']), coldRuns: Number(values.cold), command, log, env: { LAMPHP_PHP_VERSION: readConfig({}).phpVersion } });
        if (!values['no-write']) fs.writeFileSync(recordedFile(db), JSON.stringify(recorded, null, 2) + '\n');
        log(`  ${Object.keys(recorded.classes).length} request classes; cold start INIT ${recorded.coldStart.initMs} ms, first invocation ${recorded.coldStart.firstInvocationMs} ms`);
      }
    } finally {
      await trees.close();
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  }

  log(`Without --twin this is an ESTIMATE from recorded usage, not a replay measurement${fs.existsSync(TWIN_MODULE) ? '' : ' (the stack twin is not in this tree yet)'}.`);
  return runEstimate({ settings, dbs, recordedFile, write: !values['no-write'], command, log });
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
