/**
 * measureplan/testing: the conversion test kit for a shop's own tests. `createTestTracker`
 * runs the plan with recording destinations (no network), the matchers assert on what each
 * destination received. Browser-safe, no test runner imported. The page-level Playwright helper
 * is `measureplan/testing/playwright`. Guide: docs/testing.md.
 */
export { createTestTracker, DESTINATIONS } from './recorder';
export type { Recorder, SentConversion, TestTrackerOptions } from './recorder';
export { installMatchers, measureplanMatchers } from './matchers';
export type { ExpectedConversion, MeasureplanMatchers } from './matchers';
