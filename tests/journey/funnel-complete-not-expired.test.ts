// @vitest-environment jsdom
// Pinned by the mutation review of 2026-12-06: src/journey/funnels.ts progress(): a completed attempt is `complete`, never
// `expired`, however long ago it started (docs/journey.md: "a first step after a completed or
// expired attempt starts a new one": two different states).
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { journeyPlan } from '../journey/journey-plan';
import { leave, page } from '../journey/harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

it('a funnel completed within its window is still complete and not expired two days later', () => {
  const p = page(journeyPlan({ funnels: { checkout: { steps: ['view_item', 'add_to_cart'], within: '1d' } } }));
  p.tracker.track('view_item', { item_id: 'SKU-1', value: 100 });
  p.tracker.track('add_to_cart', { item_id: 'SKU-1', value: 100 });
  expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2, complete: true, expired: false });
  vi.setSystemTime(T0 + 2 * 86_400_000);
  expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2, complete: true, expired: false });
});
