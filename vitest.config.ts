import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One PostgreSQL cluster for the run (started when a test first asks for a database).
    globalSetup: ['test/helpers/postgresGlobal.ts'],
    // Each test file starts real mediasoup workers, and browser tests start
    // Chromium; on two cores they are faster one file at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
