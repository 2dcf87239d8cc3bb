import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Says once whether the large real data sets are here (their suites are skipped otherwise).
    globalSetup: ['test/support/announce-shared.ts'],
    // Native modules (better-sqlite3) are happiest in forked processes.
    pool: 'forks',
    // Vitest would use one worker on a 2-core machine; many test files mostly wait on child processes,
    // servers and databases, so two at once finish the suite sooner. Each file has its own store.
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
