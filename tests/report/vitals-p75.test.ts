/** Pinned by the mutation review of 2026-12-06: the 75th percentile by nearest rank when 75 % of the page loads is no whole number. */
import { expect, it } from 'vitest';
import { pageLoadsCounter, vitalBucket } from '../../src/report/vitals';

it('p75 of 5 page loads is the 4th smallest (nearest rank ⌈0.75 · 5⌉ = 4), and is rated from it', () => {
  const c = pageLoadsCounter();
  for (const v of [1000, 2000, 2400, 2600, 3000]) c.add('LCP', vitalBucket('LCP', v));
  expect(c.result().find((r) => r.metric === 'LCP')).toEqual({ metric: 'LCP', pages: 5, p75: 2600, rating: 'needs-improvement' });
});
