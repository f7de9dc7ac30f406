// @vitest-environment jsdom
/**
 * A signed-in user signs out on a shared device (identity QA 2026-12-06): the browser becomes a
 * new visitor, and their cart, viewed products, funnel progress and experiment variants go with
 * them. Before, the next person saw their cart in cart(), inherited their variant, and their cart
 * was reported abandoned under the next person's user id, to Meta and the collector.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { journeyPlan } from './journey-plan';
import { HOUR, leave, nextPage, page, settle } from './harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

const tent = { item_id: 'SKU-TENT', item_name: 'Tent', item_category: 'Tents', value: 2499 };
const journeyKeys = () => Object.keys(localStorage).filter((k) => /^mp_(cart|seen|fun|exp)$/.test(k)).sort();

it("a sign-out leaves nothing of the user's journey to the next person, here or on the next page", async () => {
  let p = page(journeyPlan());
  p.tracker.consent({ analytics: 'granted', ads: 'granted' });
  p.tracker.identify('u-anna', { email: 'anna@example.no' });
  p.tracker.track('view_item', tent);
  p.tracker.track('add_to_cart', tent);
  p.tracker.variant('free_shipping_banner');
  await settle(p);
  expect(p.tracker.cart().items).toHaveLength(1);
  expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2 });
  expect(journeyKeys()).toEqual(['mp_cart', 'mp_exp', 'mp_fun']);

  p.tracker.identify(null);
  p.tracker.identify('u-bjorn', { email: 'bjorn@example.no' });
  await settle(p);
  expect(p.tracker.cart()).toMatchObject({ items: [], value: 0 });
  expect(p.tracker.funnel('checkout')).toBeUndefined();
  expect(journeyKeys()).toEqual([]);
  // This page keeps its answer (it does not change under Bjørn) and records nothing for him.
  const exposures = p.heard.exposure?.length ?? 0;
  const shown = p.tracker.variant('free_shipping_banner');
  expect(p.tracker.variant('free_shipping_banner')).toBe(shown);
  expect(p.heard.exposure ?? []).toHaveLength(exposures);
  p.tracker.track('view_item', { item_id: 'SKU-BOOT', item_name: 'Boot', item_category: 'Boots', value: 1800 });
  await settle(p);
  expect(p.sent.collector.at(-1)!.userId).toBe('u-bjorn');

  vi.advanceTimersByTime(2 * HOUR);
  p = await nextPage(journeyPlan());
  p.tracker.consent({ analytics: 'granted', ads: 'granted' });
  vi.runOnlyPendingTimers();
  await settle(p);
  expect(p.heard.cart_abandoned).toBeUndefined(); // Anna's tent is not Bjørn's abandoned cart
  expect(p.tracker.cart().items).toEqual([]);
  p.tracker.variant('free_shipping_banner'); // the next page: his own assignment, exposed for him
  expect(p.heard.exposure).toHaveLength(1);
});

it('identify(null) from a visitor who never signed in keeps their cart (a site that calls it on every page)', async () => {
  const p = page(journeyPlan());
  p.tracker.consent({ analytics: 'granted', ads: 'granted' });
  p.tracker.track('view_item', tent);
  p.tracker.track('add_to_cart', tent);
  p.tracker.identify(null);
  await settle(p);
  expect(p.tracker.cart().items).toHaveLength(1);
  expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2 });
});

// A sign-out on a page before its consent answer (every page starts undecided; second read 2026-12-06).
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
