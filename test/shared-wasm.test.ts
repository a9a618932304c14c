/** PHP's wasm is compiled once per process and instantiated by every worker. */
import { describe, expect, it } from 'vitest';
import { phpWasmFile, sharedPhpModule } from '../bridge/engine/php-wasm/shared-wasm.ts';
import { cgi, inSeconds, startEngine, text } from './engine-helpers.ts';

describe('shared PHP module', () => {
  it('is not used when sharing is off: every runtime compiles its own', async () => {
    const { engine, logger } = await startEngine({ workers: 1, shareWasm: false });
    try {
      expect((await engine.handle(cgi('hello.php'), inSeconds(30))).status).toBe(200);
      expect(logger.records.find((r) => r.msg === 'PHP workers ready')?.sharedModule).toEqual([false]);
    } finally {
      await engine.close();
    }
  });

  it('finds the JSPI build of the installed PHP versions and compiles it once', async () => {
    expect(phpWasmFile('8.3')).toMatch(/@php-wasm\/node-8-3\/jspi\/8_3_\d+\/php_8_3\.wasm$/);
    expect(phpWasmFile('7.9')).toBeUndefined();
    const first = sharedPhpModule('8.3');
    expect(sharedPhpModule('8.3')).toBe(first);
    expect(await first).toBeInstanceOf((globalThis as unknown as { WebAssembly: { Module: new () => object } }).WebAssembly.Module);
    expect(await sharedPhpModule('7.9')).toBeUndefined();
  });

  it('serves requests from runtimes instantiated from it, across a rotation', async () => {
    const { engine, logger } = await startEngine({ workers: 1, maxRequestsPerRuntime: 3, rotation: 'sequential' });
    try {
      for (let i = 0; i < 10; i++) {
        const r = await engine.handle(cgi('hello.php'), inSeconds(30));
        expect(r.status).toBe(200);
        expect(text(r).length).toBeGreaterThan(0);
        await engine.idle();
      }
      await engine.idle();
      expect(engine.stats().rotations).toBe(3);
      // Every runtime, the first and each successor, was instantiated from the shared module.
      expect(logger.records.find((r) => r.msg === 'PHP workers ready')?.sharedModule).toEqual([true]);
      const booted = logger.records.filter((r) => r.msg === 'PHP runtime booted');
      expect(booted.map((r) => r.sharedModule)).toEqual([true, true, true]);
    } finally {
      await engine.close();
    }
  });
});
