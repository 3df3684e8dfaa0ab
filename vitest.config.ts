import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/helpers/server-container.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Each integration file opens its own embedded database; two cores, so two at a time.
    maxWorkers: 2,
    minWorkers: 1,
    pool: 'forks',
  },
});
