/** The warm-request profile's arithmetic: which samples count and where each one goes. */
import { describe, expect, it } from 'vitest';
import { classify, splitProfile } from '../bench/profile/warm.ts';

const node = (id: number, functionName: string, url = '', codeType?: string) => ({ id, callFrame: { functionName, url, ...(codeType && { codeType }) } });

describe('warm request profile', () => {
  it('files wasm functions by PHP area and JavaScript by where it comes from', () => {
    const wasm = (f: string) => classify(node(1, f, 'wasm://wasm/php.wasm-058b34ce', 'wasm'));
    expect(wasm('ZEND_FETCH_OBJ_R_SPEC_UNUSED_CONST_HANDLER')).toBe('wasm: PHP VM (opcode handlers, calls)');
    expect(wasm('execute_ex')).toBe('wasm: PHP VM (opcode handlers, calls)');
    expect(wasm('_emalloc_56')).toBe('wasm: PHP memory (emalloc/efree, arrays)');
    expect(wasm('zend_hash_find_known_hash')).toBe('wasm: PHP hash tables and strings');
    expect(wasm('zend_accel_load_script')).toBe('wasm: opcache (loading cached scripts)');
    expect(wasm('persistent_compile_file')).toBe('wasm: opcache (loading cached scripts)');
    expect(wasm('zend_compile_top_stmt')).toBe('wasm: PHP compiler (scripts not in opcache)');
    expect(wasm('sqlite3VdbeExec')).toBe('wasm: SQLite');
    expect(wasm('php_pcre2_match')).toBe('wasm: PCRE');
    expect(wasm('php_json_yyparse')).toBe('wasm: JSON');
    expect(wasm('php_date_initialize')).toBe('wasm: PHP, other');
    expect(classify(node(1, 'lookupPath', 'file:///x/node_modules/@php-wasm/node-8-3/jspi/php_8_3.js'))).toMatch(/^php-wasm/);
    expect(classify(node(1, 'lstat'))).toBe('host filesystem calls');
    expect(classify(node(1, 'serve', 'file:///x/bridge/engine/php-wasm/worker.ts'))).toBe("lamphp's code");
    expect(classify(node(1, 'postMessage'))).toBe('Node internals (messages, buffers)');
    expect(classify(node(1, '(garbage collector)'))).toMatch(/^garbage/);
    expect(classify(node(1, '(program)'))).toMatch(/^V8, not attributed/);
    expect(classify(node(1, '(idle)'))).toBe('idle');
  });

  it('weighs each sample by the time to the next and keeps only the window', () => {
    const profile = {
      nodes: [node(1, '(idle)'), node(2, 'execute_ex', 'wasm://php.wasm', 'wasm'), node(3, 'lstat')],
      startTime: 1000,
      endTime: 2000,
      samples: [1, 2, 2, 3, 2],
      // sample times: 1100, 1200, 1300, 1400, 1500
      timeDeltas: [100, 100, 100, 100, 100],
    };
    const all = splitProfile(profile, 0, 10_000);
    expect(Object.fromEntries(all)).toEqual({ idle: 100, 'wasm: PHP VM (opcode handlers, calls)': 200, 'host filesystem calls': 100 });
    const window = splitProfile(profile, 1250, 1450);
    expect(Object.fromEntries(window)).toEqual({ 'wasm: PHP VM (opcode handlers, calls)': 100, 'host filesystem calls': 100 });
  });
});
