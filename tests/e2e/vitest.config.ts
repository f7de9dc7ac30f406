import { defineConfig } from 'vitest/config';

// Real-browser tests: headless Debian Chromium through playwright-core, one file at a time.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
