import { defineConfig } from 'vitest/config';
import { ensureTestCa, TEST_CA_CERT } from './test/helpers/test-ca.js';

// Runs in the main process before any worker forks: workers inherit the variable at start,
// which is when Node reads it (azure-iothub has no other way to trust a CA).
ensureTestCa();
process.env.NODE_EXTRA_CA_CERTS = TEST_CA_CERT;

export default defineConfig({
  test: {
    include: ['hub-core/**/*.test.ts', 'runtime/**/*.test.ts', 'modules/**/*.test.ts', 'devices/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests start real processes; CI has two cores.
    maxWorkers: 2,
  },
});
