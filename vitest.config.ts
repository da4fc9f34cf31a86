import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['loaders/**/*.test.ts', 'src/**/*.test.ts', 'test/**/*.test.ts'],
    // Builds and browsers are slow on a 2-core machine; they are bounded, not timed.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Browser steps wait for the page to catch up; under a parallel build that can take seconds.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
