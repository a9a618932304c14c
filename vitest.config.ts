import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Built once per run: the layer (test/global-setup.ts).
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // php-wasm runtimes are heavy: keep parallel files bounded on a 2-core machine.
    maxWorkers: 2,
    pool: 'forks',
  },
});
