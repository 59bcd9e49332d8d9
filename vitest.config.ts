import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most tests wait on the processes they spawn: two files at a time on a 2-core machine
    // (vitest's default there is one) keeps a CI run well inside its time.
    maxWorkers: 2,
  },
});
