// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): kills C22 (src/cmp/google.ts:45 the scan position not reset when the site puts a
 * new dataLayer in place). google.test.ts replaces an empty dataLayer only; after a longer one,
 * the new array's first entries (the banner's update) were skipped, and the decision never came.
 */
import { expect, it, vi } from 'vitest';
import { follow, GRANTED, useCleanPage, w } from '../cmp/helpers';

useCleanPage();

it('a dataLayer replaced after the old one had entries is read from its first entry', () => {
  w().dataLayer = [{ event: 'gtm.js' }, { event: 'page' }, ['consent', 'default', { analytics_storage: 'denied', ad_storage: 'denied' }], { event: 'x' }];
  const { decisions } = follow('google');
  vi.advanceTimersByTime(300);
  expect(decisions).toEqual([]);
  w().dataLayer = [['consent', 'update', { analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' }]];
  vi.advanceTimersByTime(300);
  expect(decisions).toEqual([GRANTED]);
});
