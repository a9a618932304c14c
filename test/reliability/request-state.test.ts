/**
 * One request cannot change what the next one finds: every piece of process-wide state a PHP
 * script can change is changed by one request (and seen changed inside it), then read by the
 * next request on the same PHP runtime, which must find it as a fresh request would. Real engine,
 * one worker; each round trip checks that its three requests ran in the same runtime (same
 * process id, no rotation or restart in between), or the test would prove nothing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../support/faults/stack.ts';

const STATE = `<?php
class StateProbe { public static $value = 'fresh'; }
class LeakyFilter extends php_user_filter {}
$item = $_GET['item']; $set = ($_GET['op'] ?? '') === 'set';
$secret = __DIR__ . '/secret.txt';
switch ($item) {
  case 'cwd':
    if ($set) { file_put_contents('/tmp/rel.php', '<?php return "from /tmp";'); chdir('/tmp'); }
    $value = ['cwd' => getcwd(), 'include' => include 'rel.php'];
    break;
  case 'umask':
    if ($set) umask(0077);
    $value = umask();
    break;
  case 'locale':
    if ($set) { setlocale(LC_NUMERIC, 'de_DE.UTF-8'); setlocale(LC_CTYPE, 'C'); }
    $value = setlocale(LC_ALL, 0);
    break;
  case 'timezone':
    if ($set) date_default_timezone_set('Asia/Tokyo');
    $value = date_default_timezone_get();
    break;
  case 'putenv':
    if ($set) putenv('LAMPHP_STATE=leaked');
    $value = getenv('LAMPHP_STATE');
    break;
  case 'include_path':
    if ($set) set_include_path('/tmp/evil');
    $value = get_include_path();
    break;
  case 'ini':
    if ($set) { ini_set('precision', '3'); ini_set('memory_limit', '1G'); error_reporting(0); }
    $value = [ini_get('precision'), ini_get('memory_limit'), error_reporting(), (string) M_PI];
    break;
  case 'stream_wrappers':
    if ($set) {
      stream_wrapper_register('leaky', get_class(new class { public $context; function stream_open($p, $m, $o, &$op) { return true; } }));
      stream_wrapper_unregister('phar');
    }
    $value = stream_get_wrappers(); sort($value);
    break;
  case 'random_seed':
    // A seed set by one visitor must not make the next visitor's "random" numbers predictable.
    if ($set) { mt_srand(42); }
    $value = [mt_rand(), mt_rand(), mt_rand()];
    break;
  case 'default_context':
    if ($set) stream_context_set_default(['http' => ['proxy' => 'tcp://127.0.0.1:9', 'user_agent' => 'leaked']]);
    $value = stream_context_get_options(stream_context_get_default());
    break;
  case 'stream_filters':
    if ($set) stream_filter_register('leaky.*', 'LeakyFilter');
    $value = in_array('leaky.*', stream_get_filters(), true);
    break;
  case 'definitions':
    if ($set) { define('LAMPHP_LEAKED', 1); eval('function lamphp_leaked() {}'); StateProbe::$value = 'leaked'; }
    $value = [defined('LAMPHP_LEAKED'), function_exists('lamphp_leaked'), StateProbe::$value];
    break;
  case 'handles':
    if ($set) { $GLOBALS['keep'] = fopen($secret, 'r'); flock($GLOBALS['keep'], LOCK_EX); }
    $open = 0;
    foreach (get_resources('stream') as $r) if ((stream_get_meta_data($r)['uri'] ?? '') === $secret) $open++;
    $probe = fopen($secret, 'r');
    $value = ['secret streams open' => $open, 'lock free' => flock($probe, LOCK_EX | LOCK_NB)];
    break;
}
header('Content-Type: application/json');
echo json_encode(['value' => $value, 'pid' => getmypid()]);
`;

describe('per-request state', () => {
  let root: string;
  let stack: Stack;
  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'lamphp-state-'));
    fs.mkdirSync(path.join(root, 'sub'));
    fs.writeFileSync(path.join(root, 'sub/state.php'), STATE);
    fs.writeFileSync(path.join(root, 'sub/rel.php'), '<?php return "from the script\'s directory";');
    fs.writeFileSync(path.join(root, 'sub/secret.txt'), 'SECRET-HANDLE\n');
    stack = await startStack({ root, workers: 1 });
  });
  afterAll(async () => {
    await stack?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  const state = async (item: string, op: 'get' | 'set' = 'get'): Promise<{ value: any; pid: number }> => {
    const res = await fetch(`${stack.url}/sub/state.php?item=${item}&op=${op}`);
    expect(res.status, await res.clone().text()).toBe(200);
    return (await res.json()) as { value: any; pid: number };
  };

  /** Fresh value, the value inside the changing request, the value in the request after it — all in one runtime. */
  async function roundTrip(item: string) {
    const before = stack.engine.stats();
    const fresh = await state(item);
    const changed = await state(item, 'set');
    const next = await state(item);
    const after = stack.engine.stats();
    expect([changed.pid, next.pid], 'one PHP runtime served the round trip').toEqual([fresh.pid, fresh.pid]);
    expect({ rotations: after.rotations, restarts: after.restarts, workers: after.workers }).toEqual({ rotations: before.rotations, restarts: before.restarts, workers: 1 });
    return { fresh: fresh.value, changed: changed.value, next: next.value };
  }

  it("working directory: each request starts in its script's directory, as under php-fpm", async () => {
    const { fresh, changed, next } = await roundTrip('cwd');
    expect(fresh).toEqual({ cwd: path.join(root, 'sub'), include: "from the script's directory" });
    expect(changed).toEqual({ cwd: '/tmp', include: 'from /tmp' });
    expect(next).toEqual(fresh);
  });

  it('umask', async () => {
    const { fresh, changed, next } = await roundTrip('umask');
    expect(changed).toBe(0o077);
    expect(changed).not.toBe(fresh);
    expect(next).toBe(fresh);
  });

  it('locale', async () => {
    const { fresh, changed, next } = await roundTrip('locale');
    expect(changed).not.toBe(fresh);
    expect(changed).toContain('de_DE.UTF-8');
    expect(next).toBe(fresh);
  });

  it('default time zone', async () => {
    const { fresh, changed, next } = await roundTrip('timezone');
    expect(fresh).toBe('UTC');
    expect(changed).toBe('Asia/Tokyo');
    expect(next).toBe('UTC');
  });

  it('putenv', async () => {
    const { fresh, changed, next } = await roundTrip('putenv');
    expect(fresh).toBe(false);
    expect(changed).toBe('leaked');
    expect(next).toBe(false);
  });

  it('include_path', async () => {
    const { fresh, changed, next } = await roundTrip('include_path');
    expect(changed).toBe('/tmp/evil');
    expect(next).toBe(fresh);
  });

  it('ini changes (precision, memory_limit, error_reporting)', async () => {
    const { fresh, changed, next } = await roundTrip('ini');
    expect(changed).toEqual(['3', '1G', 0, '3.14']);
    expect(next).toEqual(fresh);
    expect(fresh[3]).toBe('3.1415926535898');
  });

  it('registered and unregistered stream wrappers', async () => {
    const { fresh, changed, next } = await roundTrip('stream_wrappers');
    expect(changed).toContain('leaky');
    expect(changed).not.toContain('phar');
    expect(fresh).toContain('phar');
    expect(next).toEqual(fresh);
  });

  it('open handles and locks: nothing a request opened is reachable from the next', async () => {
    const { fresh, changed, next } = await roundTrip('handles');
    // Inside the request the probes see the handle and its lock (a second handle cannot take it).
    expect(changed).toEqual({ 'secret streams open': 1, 'lock free': false });
    expect(fresh).toEqual({ 'secret streams open': 0, 'lock free': true });
    expect(next).toEqual(fresh);
  });

  it('random seed: mt_srand() in one request does not make the next one predictable', async () => {
    const { fresh, changed, next } = await roundTrip('random_seed');
    // The seeded sequence is the same whenever it is seeded: a second seeded request shows it.
    expect((await state('random_seed', 'set')).value).toEqual(changed);
    expect(next).not.toEqual(changed);
    expect(fresh).not.toEqual(changed);
  });

  it('default stream context (a proxy for every later HTTP call)', async () => {
    const { fresh, changed, next } = await roundTrip('default_context');
    expect(changed).toEqual({ http: { proxy: 'tcp://127.0.0.1:9', user_agent: 'leaked' } });
    expect(next).toEqual(fresh);
    expect(fresh).toEqual([]);
  });

  it('registered stream filters', async () => {
    const { fresh, changed, next } = await roundTrip('stream_filters');
    expect([fresh, changed, next]).toEqual([false, true, false]);
  });

  it('constants, functions and static properties a request defined', async () => {
    const { fresh, changed, next } = await roundTrip('definitions');
    expect(changed).toEqual([true, true, 'leaked']);
    expect(next).toEqual(fresh);
    expect(fresh).toEqual([false, false, 'fresh']);
  });
});
