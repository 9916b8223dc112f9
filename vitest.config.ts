import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests each start an embedded TimescaleDB (~2 s, ~200 MB); two cores here.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
