import { defineConfig } from 'vitest/config';

// Real-browser tests: headless Debian Chromium through playwright-core, one file at a time.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    // A beacon or a POST can take over a second on a loaded CI machine (flaky-test review 2026-12-07).
    expect: { poll: { timeout: 10_000 } },
  },
});
