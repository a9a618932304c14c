/**
 * `npm run bench:replay`: a small site's generated day replayed through the stack twin, and what
 * it costs.
 *
 *   npm run bench:replay                      every run in settings.json's twin.runs, then the report
 *   npm run bench:replay -- --runs a,b        only these runs (their results replace earlier ones)
 *   npm run bench:replay -- --report          the report from the results already in bench/results
 *   npm run bench:replay -- --estimate        the older model-based ESTIMATE (labelled so), from
 *                                             usage recorded with --record
 *   npm run bench:replay -- --visibility      publish-to-visible through the twin's CloudFront for
 *                                             every content change (visibility.ts; with --report,
 *                                             its section again from bench/results)
 *
 * Options: --no-write (print, write nothing)  --no-report (write the runs' results only)
 *          --hours A-B (replay only these hours of the day: a quick look, e.g. `npm run bench -- --quick`)
 *          --list (the runs and whether results exist)
 *          --record [--db sqlite,mysql] [--per-class N] [--cold N]  (the estimate's input)
 * Runs boot WordPress in the twin and are timed: run them on a machine with nothing else busy.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { createLogger } from '../../bridge/log.ts';
import { readConfig } from '../../bridge/config.ts';
import { prepareTrees, type Db } from '../suite/site.ts';
import { REPO } from '../suite/lambda-front.ts';
import { commit } from '../suite/cli.ts';
import { readSettings } from './settings.ts';
import { cronRateMinutes, readTemplate } from './stack.ts';
import { generateDay } from './generate.ts';
import { recordUsage } from './record.ts';
import { runEstimate } from './estimate.ts';
import { runOnTwin, type TwinRunResult } from './through-twin.ts';
import { benchLayer } from './twin-stack.ts';
import { writeTwinReport } from './twin-report.ts';
import { runVisibilityCommand } from './visibility.ts';

export const RESULTS = path.join(REPO, 'bench/results');
/** The runs `npm run bench` makes (its replay part): the earlier and the current defaults, both databases. */
export const SUITE_RUNS = ['sqlite-before-k15', 'sqlite-k15', 'mysql-before-k15', 'mysql-k15'];
export const recordedFile = (db: Db) => path.join(RESULTS, `replay-recorded-usage-${db}.json`);
/** A run's raw records, gzipped (a day's exchanges and invocations are a few MB of JSON). */
export const twinResultFile = (name: string) => path.join(RESULTS, `replay-twin-${name}.json.gz`);

export function readTwinResult(name: string): TwinRunResult | undefined {
  const file = twinResultFile(name);
  return fs.existsSync(file) ? (JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString('utf8')) as TwinRunResult) : undefined;
}

export async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      runs: { type: 'string' },
      report: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      estimate: { type: 'boolean', default: false },
      record: { type: 'boolean', default: false },
      db: { type: 'string', default: 'sqlite,mysql' },
      'per-class': { type: 'string', default: '25' },
      cold: { type: 'string', default: '5' },
      'no-write': { type: 'boolean', default: false },
      'no-report': { type: 'boolean', default: false },
      hours: { type: 'string' },
      visibility: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const log = (line: string) => process.stdout.write(`${line}\n`);
  const settings = readSettings();
  const command = `npm run bench:replay${argv.length ? ' -- ' + argv.join(' ') : ''}`;
  const write = !values['no-write'];

  if (values.list) {
    for (const r of settings.twin.runs) {
      const done = readTwinResult(r.name);
      log(`${r.name.padEnd(28)} ${r.db.padEnd(6)} keep-alive ${String(r.keepAliveMinutes).padStart(2)} min  ${done ? `result of ${done.finishedAt}` : 'no result yet'}${r.note ? `  — ${r.note}` : ''}`);
    }
    return 0;
  }

  if (values.visibility) return runVisibilityCommand({ command, write, report: values.report, log });

  if (values.record || values.estimate) {
    const dbs = values.db.split(',').map((d) => d.trim()) as Db[];
    const template = readTemplate();
    const trace = generateDay(settings, { cronRateMinutes: cronRateMinutes(template) });
    if (values.record) {
      const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-replay-'));
      const trees = await prepareTrees({ workDir, dbs, logger: createLogger({ level: 'warn' }) });
      try {
        for (const db of dbs) {
          log(`recording usage, ${db}`);
          const recorded = await recordUsage({ site: trees.sites[db]!, trace, workDir, perClass: Number(values['per-class']), coldRuns: Number(values.cold), command, log, env: { LAMPHP_PHP_VERSION: readConfig({}).phpVersion } });
          if (write) fs.writeFileSync(recordedFile(db), JSON.stringify(recorded, null, 2) + '\n');
          log(`  ${Object.keys(recorded.classes).length} request classes; cold start INIT ${recorded.coldStart.initMs} ms, first invocation ${recorded.coldStart.firstInvocationMs} ms`);
        }
      } finally {
        await trees.close();
        fs.rmSync(workDir, { recursive: true, force: true });
      }
    }
    if (!values.estimate) return 0;
    log('This is an ESTIMATE from recorded usage through models, not a replay measurement (npm run bench:replay replays through the stack twin).');
    return runEstimate({ settings, dbs, recordedFile, write: false, command, log });
  }

  if (!values.report) {
    const wanted = values.runs?.split(',').map((s) => s.trim()).filter(Boolean);
    const runs = wanted ? settings.twin.runs.filter((r) => wanted.includes(r.name)) : settings.twin.runs;
    const unknown = (wanted ?? []).filter((w) => !settings.twin.runs.some((r) => r.name === w));
    if (unknown.length) {
      log(`No run named ${unknown.join(', ')} in bench/replay/settings.json (twin.runs): ${settings.twin.runs.map((r) => r.name).join(', ')}.`);
      return 2;
    }
    const layerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-replay-layer-'));
    try {
      log('building the layer (with the EFS call counter)');
      const layerZip = await benchLayer(layerDir, log);
      const hours = values.hours?.split('-').map(Number);
      if (hours && !(hours.length === 2 && hours[0]! >= 0 && hours[1]! <= 24 && hours[0]! < hours[1]!)) {
        log(`--hours takes A-B within 0–24, got "${values.hours}".`);
        return 2;
      }
      if (hours && write) {
        log('--hours replays part of the day: add --no-write (a part-day result must not stand for the run).');
        return 2;
      }
      for (const listed of runs) {
        const run = hours ? { ...listed, hours: hours as [number, number] } : listed;
        const result = await runOnTwin({ settings, run, layerZip, command, commit: commit() ?? null, log });
        if (write) {
          fs.writeFileSync(twinResultFile(run.name), zlib.gzipSync(JSON.stringify(result) + '\n', { level: 9 }));
          log(`  wrote ${path.relative(REPO, twinResultFile(run.name))}`);
        }
      }
    } finally {
      fs.rmSync(layerDir, { recursive: true, force: true });
    }
  }
  if (values['no-report']) return 0;
  const results = settings.twin.runs.map((r) => readTwinResult(r.name)).filter((r): r is TwinRunResult => r !== undefined);
  if (!results.length) {
    log('No replay results yet: run npm run bench:replay.');
    return 2;
  }
  const written = writeTwinReport({ settings, results, write, log });
  if (write) log(`wrote ${written.join(', ')}`);
  return 0;
}

if (import.meta.main) process.exit(await main(process.argv.slice(2)));
