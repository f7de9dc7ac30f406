// @vitest-environment jsdom
// Pinned by the mutation review of 2026-12-06: src/journey/abandonment.ts take(): removing exactly the quantity a line has
// takes the line out; a line of quantity 0 would keep the cart "not empty" (and reportable as
// abandoned: docs/journey.md "Cart and browse abandonment").
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { journeyPlan } from '../journey/journey-plan';
import { leave, page } from '../journey/harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

it('removing the exact quantity of the only line empties the cart', () => {
  const p = page(journeyPlan());
  p.tracker.track('add_to_cart', { item_id: 'SKU-TENT', item_name: 'Tent', value: 2499, quantity: 2 } as never);
  p.tracker.track('remove_from_cart', { item_id: 'SKU-TENT', quantity: 2 } as never);
  expect(p.tracker.cart()).toEqual({ items: [], value: 0, currency: 'NOK' });
});
