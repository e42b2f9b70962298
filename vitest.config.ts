import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['hub-core/**/*.test.ts', 'runtime/**/*.test.ts', 'modules/**/*.test.ts', 'devices/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real processes; two cores in CI.
    maxWorkers: 2,
  },
});
