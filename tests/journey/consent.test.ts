// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { journeyPlan } from './journey-plan';
import { HOUR, nextPage, page, settle, leave } from './harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

const granted = () => journeyPlan();
/** Every page starts undecided: the visitor's answer (from the banner or a consent platform) comes after the page's first events. */
const undecided = () => journeyPlan({ consent: { default: { analytics: 'denied', ads: 'denied' } } });
const tent = { item_id: 'SKU-TENT', item_name: 'Tent', value: 2499 };
const boots = { item_id: 'SKU-BOOT', item_name: 'Boots', value: 1800 };
const top = { item_id: 'SKU-TOP', item_name: 'Top', value: 500 };

describe('what happens before the visitor answers joins what earlier pages stored', () => {
  it('products viewed before the answer are added to the stored ones', async () => {
    let p = page(granted());
    p.tracker.track('view_item', tent);
    p = await nextPage(undecided());
    p.tracker.track('view_item', boots);
    expect(localStorage.getItem('mp_seen')).toContain('SKU-TENT'); // untouched until the answer
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(granted());
    vi.runOnlyPendingTimers();
    expect(p.heard.browse_abandoned?.[0]?.items.map((i) => i.item_id)).toEqual(['SKU-TENT', 'SKU-BOOT']);
  });

  it('a remove before the answer does not wipe the stored cart, and an order before it empties it', async () => {
    let p = page(granted());
    p.tracker.track('add_to_cart', tent);
    p.tracker.track('add_to_cart', boots);
    p = await nextPage(undecided());
    p.tracker.track('remove_from_cart', { item_id: 'SKU-BOOT' });
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    expect(p.tracker.cart().items.map((i: { item_id: string }) => i.item_id)).toEqual(['SKU-TENT']);

    p = await nextPage(undecided());
    p.tracker.track('purchase', { transaction_id: 'T-7', value: 2499 }); // the thank-you page, before the banner's answer
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    await settle(p);
    expect(p.tracker.cart().items).toEqual([]);
    vi.advanceTimersByTime(5 * HOUR);
    p = await nextPage(granted());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();
  });

  it('a funnel step before the answer moves the stored progress on', async () => {
    let p = page(granted());
    p.tracker.track('view_item', tent);
    p.tracker.track('add_to_cart', tent);
    p = await nextPage(undecided());
    p.tracker.track('begin_checkout');
    p.tracker.consent({ analytics: 'granted' });
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 3, conversion: 'begin_checkout', started: new Date(T0).toISOString() });
  });

  it('an assignment recorded before the answer is no second exposure for a visitor already exposed, and the held conversion carries the stored experiments', async () => {
    let p = page(granted());
    const v = p.tracker.variant('free_shipping_banner');
    p = await nextPage(undecided());
    p.tracker.experiment('free_shipping_banner', v);
    p.tracker.track('begin_checkout');
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    expect(p.heard.exposure).toBeUndefined();
    expect(p.sent.collector.map((e) => [e.name, e.experiments])).toEqual([['begin_checkout', { free_shipping_banner: v }]]);
  });

  it('a new assignment before the answer is exposed once the answer is a grant, and never on a denial', async () => {
    let p = page(undecided());
    p.tracker.experiment('checkout_copy', 'short');
    expect(p.heard.exposure).toBeUndefined();
    p.tracker.consent({ analytics: 'granted' });
    expect(p.heard.exposure).toEqual([{ experiment: 'checkout_copy', variant: 'short' }]);
    localStorage.clear();
    p = await nextPage(undecided());
    p.tracker.experiment('checkout_copy', 'short');
    p.tracker.consent({ analytics: 'denied' });
    expect(p.heard.exposure).toBeUndefined();
  });
});

describe('a denial on any page deletes what earlier pages stored', () => {
  it('removes the cart, the viewed products, the funnel progress, the exposures and the visitor id', async () => {
    let p = page(granted());
    p.tracker.track('view_item', tent);
    p.tracker.track('add_to_cart', tent);
    p.tracker.track('view_item', boots);
    p.tracker.variant('free_shipping_banner');
    vi.runOnlyPendingTimers(); // the journey's writes: in a task of their own
    expect(Object.keys(localStorage).filter((k) => k.startsWith('mp_')).sort()).toEqual(expect.arrayContaining(['mp_aid', 'mp_cart', 'mp_exp', 'mp_fun', 'mp_seen']));
    p = await nextPage(undecided());
    p.tracker.consent({ analytics: 'denied', ads: 'denied' });
    expect(Object.keys(localStorage).filter((k) => k.startsWith('mp_'))).toEqual([]);
  });
});

describe('abandonment is about leaving, not ordering', () => {
  it('an order placed more than `after` after the add to cart is no abandoned cart', async () => {
    const p = page(granted());
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(2 * HOUR); // a slow checkout
    p.tracker.track('purchase', { transaction_id: 'T-8', value: 2499 });
    await settle(p);
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();
    expect(p.sent.meta.map((e) => e.name)).toEqual(['add_to_cart', 'purchase']);
  });
});

describe('never breaks the page', () => {
  it('odd names and malformed stored state are answered, not thrown', async () => {
    localStorage.setItem('mp_cart', '[]');
    localStorage.setItem('mp_fun', '{"checkout": 5}');
    localStorage.setItem('mp_exp', '"x"');
    const p = page(granted());
    expect(p.tracker.funnel('constructor')).toBeUndefined();
    expect(p.tracker.variant('constructor')).toBeUndefined();
    expect(p.tracker.cart()).toEqual({ items: [], value: 0, currency: 'NOK' });
    expect(p.tracker.funnel('checkout')).toBeUndefined();
    p.tracker.track('add_to_cart', tent);
    expect(p.sent.collector.map((e) => e.name)).toEqual(['add_to_cart']);
    expect(p.tracker.cart().value).toBe(2499);
  });
});

describe('a return visit whose first events come before the visitor\'s answer', () => {
  it('a cart left for `after` is still reported, before the page\'s add to cart (replayed at the grant) changes it', async () => {
    let p = page(granted());
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(3 * HOUR);
    p = await nextPage(undecided());
    p.tracker.track('add_to_cart', boots); // before the banner's answer
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    vi.runOnlyPendingTimers();
    // A granted page reports it at this very add (see abandonment.test.ts): the consent timing does not lose it.
    expect(p.heard.cart_abandoned?.map((c) => c.items.map((i) => i.item_id))).toEqual([['SKU-TENT']]);
    expect(p.tracker.cart().items.map((i: { item_id: string }) => i.item_id)).toEqual(['SKU-TENT', 'SKU-BOOT']);
  });

  it('many conversions before the answer take no room from the cart\'s changes (the checks they ask for count once in a row)', async () => {
    let p = page(granted());
    p.tracker.track('add_to_cart', tent);
    p = await nextPage(undecided());
    // Each conversion asks for an abandonment check; 300 of them in a row keep one place in the
    // page's bounded record of changes, so the add after them is still replayed at the grant.
    for (let i = 0; i < 300; i++) p.tracker.track('begin_checkout');
    p.tracker.track('add_to_cart', boots);
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    expect(p.tracker.cart().items.map((i: { item_id: string }) => i.item_id)).toEqual(['SKU-TENT', 'SKU-BOOT']);
  });

  it('a cart left for `after` is reported once when its page checks again and again before the answer', async () => {
    let p = page(granted());
    p.tracker.track('add_to_cart', tent);
    p = await nextPage(undecided());
    p.tracker.track('begin_checkout'); // a check before the cart was left long enough
    vi.advanceTimersByTime(3 * HOUR); // the page stays open, undecided
    p.tracker.track('begin_checkout');
    p.tracker.track('begin_checkout');
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned?.map((c) => c.items.map((i) => i.item_id))).toEqual([['SKU-TENT']]);
  });

  it('a browse left for `after` is still reported when the landing page\'s view_item fires before the answer', async () => {
    let p = page(granted());
    p.tracker.track('view_item', tent);
    p.tracker.track('view_item', boots);
    vi.advanceTimersByTime(3 * HOUR);
    p = await nextPage(undecided());
    p.tracker.track('view_item', top); // the product page the visitor lands on, tracked at load
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    vi.runOnlyPendingTimers();
    expect(p.heard.browse_abandoned?.map((b) => b.items.map((i) => i.item_id))).toEqual([['SKU-TENT', 'SKU-BOOT']]);
  });
});

describe('what happens under an explicit denial is not kept for a later grant (analyst QA 2026-12-06)', () => {
  it('a product added after "analytics denied" is not in the cart after "Accept all" on the same page, and no cart_abandoned names it', async () => {
    let p = page(undecided());
    p.tracker.consent({ analytics: 'denied', ads: 'granted' }); // "marketing only"
    p.tracker.track('add_to_cart', top); // to the ad tools; the collector never gets it
    p.tracker.track('begin_checkout');
    p.tracker.consent({ analytics: 'granted', ads: 'granted' }); // then "Accept all"
    expect(p.tracker.cart().items).toEqual([]);
    expect(p.tracker.funnel('checkout')).toBeUndefined();
    await settle(p);
    expect(localStorage.getItem('mp_cart')).toBeNull();
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(granted());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();
  });

  it('what comes after the grant is kept as usual', async () => {
    const p = page(undecided());
    p.tracker.consent({ analytics: 'denied', ads: 'granted' });
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    p.tracker.track('add_to_cart', tent);
    expect(p.tracker.cart().items.map((i: { item_id: string }) => i.item_id)).toEqual(['SKU-TENT']);
  });
});

describe('an analytics withdrawal empties what the page holds in memory too', () => {
  it('a cart kept from earlier pages is not reported left after the withdrawal, nor returned by cart() (journey QA 2026-12-07)', async () => {
    let p = page(granted());
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(30 * 60_000);
    p = await nextPage(undecided());
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    expect(p.tracker.cart().items).toHaveLength(1);
    p.tracker.consent({ analytics: 'denied', ads: 'granted' }); // withdrawn; Meta still allowed
    expect(p.tracker.cart()).toMatchObject({ items: [], value: 0 });
    vi.advanceTimersByTime(2 * HOUR); // the page stays open; the visitor comes back to it
    p.tracker.track('view_item', boots);
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();
    expect(p.names('meta')).not.toContain('cart_abandoned');
  });
});
