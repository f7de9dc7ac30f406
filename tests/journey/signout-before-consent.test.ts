// @vitest-environment jsdom
/**
 * Second read 2026-12-06: a sign-out made on a page before its consent answer (every page starts
 * undecided) makes a new visitor at the grant; the user's journey (cart, funnel) goes with them.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { journeyPlan } from './journey-plan';
import { leave, nextPage, page, settle } from './harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

const tent = { item_id: 'SKU-TENT', item_name: 'Tent', item_category: 'Tents', value: 2499 };
const pending = () => { const p: any = journeyPlan(); p.consent = { default: { analytics: 'denied', ads: 'denied' } }; return p; };

it("identify(null) before the page's consent answer: the next visitor does not get the user's cart", async () => {
  let p = page(pending());
  p.tracker.consent({ analytics: 'granted', ads: 'granted' });
  p.tracker.identify('u-anna', { email: 'anna@example.no' });
  p.tracker.track('view_item', tent);
  p.tracker.track('add_to_cart', tent);
  await settle(p);
  const annaAid = p.sent.collector[0]!.anonymousId;
  expect(p.tracker.cart().items).toHaveLength(1);

  p = await nextPage(pending());           // the page after "Sign out": undecided until the CMP answers
  p.tracker.identify(null);                // the site signs the user out at once
  p.tracker.consent({ analytics: 'granted', ads: 'granted' }); // the CMP's stored answer a moment later
  p.tracker.track('view_item', { item_id: 'SKU-BOOT', item_name: 'Boot', item_category: 'Boots', value: 1800 });
  await settle(p);
  const ev = p.sent.collector.at(-1)!;
  expect(ev.anonymousId).not.toBe(annaAid);              // a new visitor: holds
  expect(p.tracker.cart().items).toEqual([]);            // ... without Anna's cart
});
