/**
 * The `lamphp` command line. Each sub-command lives in its own module; this file only parses
 * arguments and turns errors into a sentence and an exit code.
 */
import { parseArgs } from 'node:util';
import { LamphpError, PHP_VERSIONS, DEFAULT_PHP_VERSION } from '../bridge/index.ts';

const USAGE = `Usage: lamphp <command> [options]

Commands:
  serve      Serve PHP locally (WordPress on SQLite when no --root is given)
               --root DIR          document root to serve instead of WordPress
               --port N            port to listen on (default 8080)
               --host ADDR         address to bind (default 127.0.0.1)
               --workers N         PHP worker threads (default: number of cores)
               --queue N           requests that may wait for a worker; 0 = fail fast with 503
               --timeout MS        per-request deadline (default 30000)
               --wordpress ZIP|DIR WordPress to use (default: cached, Debian's, or a download)
               --site-dir DIR      where the local WordPress site lives
               --install           run the WordPress installer if the site is not installed
               --title, --admin-user, --admin-password, --admin-email   installer values
  uploads sync   Make the uploads bucket match the uploads directory (migrating a site)
               --root DIR          document root (default LAMPHP_DOCUMENT_ROOT or the current directory)
               --bucket NAME       bucket (default LAMPHP_UPLOADS_BUCKET); --prefix P (LAMPHP_UPLOADS_PREFIX)
               --dry-run           list what would be uploaded and deleted, change nothing
               --keep-extra        keep objects that have no local file (default: delete them)
               --concurrency N     S3 requests at once (default 8)
  outbox list    Show the jobs waiting in the uploads bucket's outbox and those that failed
               --bucket NAME       bucket (default LAMPHP_UPLOADS_BUCKET)
  outbox retry   Put failed jobs back in the outbox for the relay: IDS… or --all
  install        Install or update WordPress on the deployed function's EFS (invokes it)
               --function NAME     the WordPress function (the stack's FunctionName output)
               --mode install|update   install never overwrites a site; update replaces core and
                                   bundled plugins/themes, keeps uploads, wp-config.php, salts (default install)
               --site-url URL      address for WordPress's installer (the stack's SiteUrl output)
               --asset s3://B/K    WordPress zip to install from (default: what the function finds)
               --password-parameter NAME   keep the first admin password in this SSM SecureString
                                   (the stack's AdminPasswordParameter output) instead of printing it
               --region R          AWS region (default AWS_REGION)
  console        Run a PHP command line in the deployed function (CLI SAPI) and exit with its code
               --function NAME     the function to invoke
               --region R          AWS region (default AWS_REGION); --qualifier Q  version or alias
               -- ARGS…            what follows \`php\`, e.g. -- wp-cli.phar cron event list
  relay build    Build the outbox relay function's zip (dist/lamphp-relay.zip, handler index.handler)
               --out DIR           output directory (default dist)
  layer build    Build the Lambda layer zip (dist/lamphp-layer-php${DEFAULT_PHP_VERSION}.zip)
               --php ${PHP_VERSIONS.join('|')}  PHP version to ship (default ${DEFAULT_PHP_VERSION})
               --arch x86_64|arm64 only this architecture (default: both)
               --with-node         add Node 24 and /opt/bootstrap for provided.al2023 (needs --arch)
               --out DIR           output directory (default dist)
  doctor         Print what lamphp's PHP offers (extensions, SQLite FTS3/4/5, posix, pcntl…),
                 asked of a runtime booted with the current settings (LAMPHP_PHP_EXTENSIONS…)
               --update-readme     also write the default runtime's table into README.md
  help       Show this text
`;

function intFlag(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new LamphpError('EUSAGE', `--${name} must be a whole number, got "${value}".`);
  return Number(value);
}

async function serveCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      root: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      workers: { type: 'string' },
      queue: { type: 'string' },
      timeout: { type: 'string' },
      wordpress: { type: 'string' },
      'site-dir': { type: 'string' },
      install: { type: 'boolean' },
      title: { type: 'string' },
      'admin-user': { type: 'string' },
      'admin-password': { type: 'string' },
      'admin-email': { type: 'string' },
    },
  });
  const { serve } = await import('./local/serve.ts');
  const serving = await serve({
    root: values.root,
    port: intFlag(values.port, 'port') ?? (process.env.PORT ? Number(process.env.PORT) : undefined),
    host: values.host,
    workers: intFlag(values.workers, 'workers'),
    queue: intFlag(values.queue, 'queue'),
    timeoutMs: intFlag(values.timeout, 'timeout'),
    wordpress: values.wordpress,
    siteDir: values['site-dir'],
    install: values.install,
    title: values.title,
    adminUser: values['admin-user'],
    adminPassword: values['admin-password'],
    adminEmail: values['admin-email'],
  });
  // Listen for the stop signals before announcing readiness: whoever reads the banner may stop us at once.
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  process.stderr.write(`\nlamphp is serving ${serving.documentRoot}\n  ${serving.url}/\n`);
  if (serving.admin) {
    process.stderr.write(`  admin: ${serving.admin.url}  user: ${serving.admin.user}  password: ${serving.admin.password}\n`);
  }
  process.stderr.write('Press Ctrl+C to stop.\n');
  await stopped;
  await serving.close();
  return 0;
}

async function uploadsCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'sync') throw new LamphpError('EUSAGE', `unknown uploads command "${sub ?? ''}"; try \`lamphp uploads sync --dry-run\`.`);
  const { values } = parseArgs({
    args: rest,
    options: {
      root: { type: 'string' },
      bucket: { type: 'string' },
      prefix: { type: 'string' },
      'dry-run': { type: 'boolean' },
      'keep-extra': { type: 'boolean' },
      concurrency: { type: 'string' },
    },
  });
  const { uploadsSync } = await import('./uploads.ts');
  const summary = await uploadsSync({
    root: values.root,
    bucket: values.bucket,
    prefix: values.prefix,
    dryRun: values['dry-run'],
    keepExtra: values['keep-extra'],
    concurrency: intFlag(values.concurrency, 'concurrency'),
  });
  return summary.failed > 0 ? 1 : 0;
}

async function outboxCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { bucket: { type: 'string' }, all: { type: 'boolean' } } });
  const { outboxList, outboxRetry } = await import('./outbox.ts');
  if (sub === 'list') {
    if (positionals.length > 0) throw new LamphpError('EUSAGE', '`lamphp outbox list` takes no arguments.');
    await outboxList({ ...(values.bucket && { bucket: values.bucket }) });
    return 0;
  }
  if (sub === 'retry') {
    const result = await outboxRetry({ ...(values.bucket && { bucket: values.bucket }), ids: positionals, all: values.all });
    return result.skipped.length > 0 ? 1 : 0;
  }
  throw new LamphpError('EUSAGE', `unknown outbox command "${sub ?? ''}"; try \`lamphp outbox list\`.`);
}

async function relayCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'build') throw new LamphpError('EUSAGE', `unknown relay command "${sub ?? ''}"; try \`lamphp relay build\`.`);
  const { main: buildRelay } = await import('../layer/relay.ts');
  return buildRelay(rest);
}

async function layerCommand(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'build') throw new LamphpError('EUSAGE', `unknown layer command "${sub ?? ''}"; try \`lamphp layer build\`.`);
  const { main: buildLayer } = await import('../layer/build.ts');
  return buildLayer(rest);
}

async function installCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      function: { type: 'string' },
      mode: { type: 'string' },
      region: { type: 'string' },
      'site-url': { type: 'string' },
      asset: { type: 'string' },
      'password-parameter': { type: 'string' },
    },
  });
  const { install } = await import('./install.ts');
  const outcome = await install({
    functionName: values.function ?? '',
    mode: values.mode as 'install' | 'update' | undefined,
    region: values.region,
    siteUrl: values['site-url'],
    asset: values.asset,
    passwordParameter: values['password-parameter'],
  });
  return outcome.ok ? 0 : 1;
}

async function consoleCommand(args: string[]): Promise<number> {
  // Everything after `--` belongs to PHP (its own options such as -r included), none of it to us.
  const split = args.indexOf('--');
  if (split === -1) throw new LamphpError('EUSAGE', 'Put the PHP command line after --, e.g. lamphp console --function NAME -- wp-cli.phar option get home.');
  const { values } = parseArgs({
    args: args.slice(0, split),
    options: { function: { type: 'string' }, region: { type: 'string' }, qualifier: { type: 'string' } },
  });
  const { runConsoleCommand } = await import('./console.ts');
  return runConsoleCommand({
    functionName: values.function ?? '',
    ...(values.region && { region: values.region }),
    ...(values.qualifier && { qualifier: values.qualifier }),
    args: args.slice(split + 1),
  });
}

const COMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  serve: serveCommand,
  doctor: async (args) => (await import('./doctor.ts')).doctorCommand(args),
  console: consoleCommand,
  install: installCommand,
  layer: layerCommand,
  outbox: outboxCommand,
  relay: relayCommand,
  uploads: uploadsCommand,
  help: async () => {
    process.stdout.write(USAGE);
    return 0;
  },
};

export async function main(argv: string[]): Promise<number> {
  const [name = 'help', ...rest] = argv;
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`lamphp: unknown command "${name}".\n\n${USAGE}`);
    return 2;
  }
  try {
    return await command(rest);
  } catch (err) {
    const e = err as Error & { code?: string };
    if (err instanceof LamphpError || e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      process.stderr.write(`lamphp ${name}: ${e.message}${e.code ? ` [${e.code}]` : ''}\n`);
      return e.code === 'EUSAGE' || e.code?.startsWith('ERR_PARSE_ARGS') ? 2 : 1;
    }
    process.stderr.write(`lamphp ${name}: unexpected error: ${e.stack ?? e.message}\n`);
    return 1;
  }
}
