import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests each start an embedded TimescaleDB (~2 s, ~200 MB); two cores here.
    maxWorkers: 2,
    reporters: ['default'],
    // The end-to-end tests run a simulated day in this process and need the CPU to themselves:
    // they start after the unit and integration tests have finished (sequence.groupOrder).
    projects: [
      {
        extends: true,
        test: {
          name: 'unit+integration',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'], sequence: { groupOrder: 1 } } },
    ],
  },
});
