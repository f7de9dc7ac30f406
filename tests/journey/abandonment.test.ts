// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { journeyPlan } from './journey-plan';
import { HOUR, nextPage, page, settle, leave } from './harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
const iso = (t: number) => new Date(t).toISOString();
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

const tent = { item_id: 'SKU-TENT', item_name: 'Tent', item_category: 'Tents', value: 2499 };
const boots = { item_id: 'SKU-BOOT', item_name: 'Boots', item_category: 'Shoes', value: 1800 };

describe('the cart, across pages and sessions', () => {
  it('fills from add_to_cart (quantities summed), empties by remove_from_cart, and survives a reload', async () => {
    let p = page(journeyPlan());
    expect(p.tracker.cart()).toEqual({ items: [], value: 0, currency: 'NOK' });
    p.tracker.track('add_to_cart', tent);
    p.tracker.track('add_to_cart', boots);
    p.tracker.track('add_to_cart', tent);
    expect(p.tracker.cart()).toEqual({
      items: [
        { item_id: 'SKU-TENT', item_name: 'Tent', item_category: 'Tents', price: 2499, quantity: 2 },
        { item_id: 'SKU-BOOT', item_name: 'Boots', item_category: 'Shoes', price: 1800, quantity: 1 },
      ],
      value: 6798, currency: 'NOK', since: iso(T0), updated: iso(T0),
    });
    vi.advanceTimersByTime(10 * 60_000);
    p = await nextPage(journeyPlan());
    p.tracker.track('remove_from_cart', { item_id: 'SKU-TENT', quantity: 1 });
    expect(p.tracker.cart()).toMatchObject({ value: 4299, items: [{ item_id: 'SKU-TENT', quantity: 1 }, { item_id: 'SKU-BOOT' }], updated: iso(T0 + 10 * 60_000) });
    p.tracker.track('remove_from_cart', { item_id: 'SKU-TENT' }); // no quantity: the whole line
    p.tracker.track('remove_from_cart', { item_id: 'SKU-BOOT' });
    expect(p.tracker.cart()).toEqual({ items: [], value: 0, currency: 'NOK' });
  });

  it('adopts a cart another tab of the visitor changed, so two tabs do not overwrite each other', async () => {
    const p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent);
    await Promise.resolve();
    const other = { items: [{ item_id: 'SKU-TENT', price: 2499, quantity: 1 }, { item_id: 'SKU-BOOT', price: 1800, quantity: 1 }], since: T0, updated: T0 + 1000 };
    localStorage.setItem('mp_cart', JSON.stringify(other));
    window.dispatchEvent(new StorageEvent('storage', { key: 'mp_cart', newValue: JSON.stringify(other) }));
    expect(p.tracker.cart().items.map((i: { item_id: string }) => i.item_id)).toEqual(['SKU-TENT', 'SKU-BOOT']);
    p.tracker.track('add_to_cart', { item_id: 'SKU-TOP', value: 500 });
    expect(p.tracker.cart().value).toBe(4799);
  });

  it('an emptied cart is never reported as abandoned', async () => {
    let p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent);
    p.tracker.track('remove_from_cart', { item_id: 'SKU-TENT' });
    vi.advanceTimersByTime(3 * HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();
  });
});

describe('cart abandonment', () => {
  /** The journey plan with adds (and the abandoned-cart conversion) that take a currency of their own. */
  const euro = () => {
    const p: any = journeyPlan();
    p.conversions.add_to_cart.properties = { ...p.conversions.add_to_cart.properties, currency: { type: 'string', optional: true } };
    p.conversions.cart_abandoned.properties = { ...p.conversions.cart_abandoned.properties, currency: { type: 'string', optional: true } };
    return p;
  };

  it('a cart filled in another currency than the plan\'s is reported and forwarded in it (journey QA 2026-12-06)', async () => {
    let p = page(euro());
    p.tracker.track('add_to_cart', { ...tent, value: 220, currency: 'EUR' });
    expect(p.tracker.cart()).toMatchObject({ value: 220, currency: 'EUR' });
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(euro());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toEqual([expect.objectContaining({ value: 220, currency: 'EUR' })]);
    expect(p.sent.meta[0]).toMatchObject({ name: 'cart_abandoned', value: 220, currency: 'EUR' });
  });

  it('the cart\'s currency goes with its value to an abandoned-cart conversion that declares no currency property (money QA 2026-12-06)', async () => {
    // Only the adds take a currency: a 220 USD cart reached Meta and the collector as 220 NOK.
    const usd = () => { const p: any = journeyPlan(); p.conversions.add_to_cart.properties = { ...p.conversions.add_to_cart.properties, currency: { type: 'string', optional: true } }; return p; };
    let p = page(usd());
    p.tracker.track('add_to_cart', { ...tent, value: 220, currency: 'USD' });
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(usd());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toEqual([expect.objectContaining({ value: 220, currency: 'USD' })]);
    expect(p.sent.meta[0]).toMatchObject({ name: 'cart_abandoned', value: 220, currency: 'USD' });
    expect(p.sent.collector[0]).toMatchObject({ name: 'cart_abandoned', value: 220, currency: 'USD' });
    expect(p.sent.meta[0]!.properties).not.toHaveProperty('currency'); // not a property it declares
  });

  it('an add in another currency than the cart\'s starts the cart again: never one sum across currencies (analyst QA 2026-12-06)', async () => {
    let p = page(euro());
    p.tracker.track('add_to_cart', { ...tent, value: 2499 }); // the plan's currency
    p.tracker.track('add_to_cart', { item_id: 'EU-PACK', item_name: 'Pack', value: 249, currency: 'EUR' }); // after the visitor switched currency
    expect(p.tracker.cart()).toMatchObject({ value: 249, currency: 'EUR', items: [expect.objectContaining({ item_id: 'EU-PACK' })] });
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(euro());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toEqual([expect.objectContaining({ value: 249, currency: 'EUR' })]);
    expect(p.sent.meta[0]).toMatchObject({ name: 'cart_abandoned', value: 249, currency: 'EUR' });
  });

  it('a visitor in a long checkout is not leaving the cart: each checkout step starts its clock again (journey QA 2026-12-06)', async () => {
    let p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent); // 09:00
    vi.advanceTimersByTime(50 * 60_000);
    p = await nextPage(journeyPlan());
    p.tracker.track('begin_checkout'); // 09:50
    vi.advanceTimersByTime(15 * 60_000);
    p = await nextPage(journeyPlan()); // 10:05, the payment step
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();
    expect(p.names('meta')).toEqual([]);
    // Left at the payment step for `after`: then it is abandoned.
    vi.advanceTimersByTime(HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toHaveLength(1);
  });

  it('a cart left for `after`: the return visit hears cart_abandoned once, and the plan\'s conversion is forwarded once', async () => {
    let p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(HOUR - 1000);
    p = await nextPage(journeyPlan()); // back too early: nothing
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();

    vi.advanceTimersByTime(HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toEqual([{
      items: [{ item_id: 'SKU-TENT', item_name: 'Tent', item_category: 'Tents', price: 2499, quantity: 1 }],
      value: 2499, currency: 'NOK', since: iso(T0), updated: iso(T0),
    }]);
    expect(p.names('meta')).toEqual(['cart_abandoned']);
    expect(p.sent.meta[0]).toMatchObject({ value: 2499, currency: 'NOK', items: [{ item_id: 'SKU-TENT', price: 2499 }] });
    expect(p.names('collector')).toEqual(['cart_abandoned']);

    vi.advanceTimersByTime(5 * HOUR);
    p = await nextPage(journeyPlan()); // and again later: already reported for this cart
    vi.runOnlyPendingTimers();
    p.tracker.page();
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();
    expect(p.names('meta')).toEqual([]);
  });

  it('a completed order never counts as abandoned', async () => {
    let p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent);
    p.tracker.track('purchase', { transaction_id: 'T-1', value: 2499 });
    await settle(p);
    expect(p.tracker.cart().items).toEqual([]);
    vi.advanceTimersByTime(24 * HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();
  });

  it('a visitor who never left the tab hears it at their next conversion, before it changes the cart', async () => {
    const p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(2 * HOUR);
    p.tracker.track('add_to_cart', boots);
    expect(p.heard.cart_abandoned?.map((c) => c.items.map((i) => i.item_id))).toEqual([['SKU-TENT']]);
  });

  it('a changed cart can be abandoned again', async () => {
    let p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    p.tracker.track('add_to_cart', boots);
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned?.map((c) => c.value)).toEqual([4299]);
  });

  it('without a conversion for it in the plan, only on() hears it', async () => {
    const plan = journeyPlan();
    delete (plan.conversions as Record<string, unknown>).cart_abandoned;
    let p = page(plan);
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(plan);
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toHaveLength(1);
    expect(p.names('collector')).toEqual([]);
    expect(p.heard.error).toBeUndefined();
  });

  it('identified visitors: the forwarded conversion carries the user id to the collector, never the e-mail to an ad vendor', async () => {
    let p = page(journeyPlan());
    p.tracker.identify('user-42', { email: 'kari@example.no' });
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.sent.collector[0]).toMatchObject({ name: 'cart_abandoned', userId: 'user-42' });
    expect(JSON.stringify(p.sent.meta)).not.toContain('kari@example.no');
  });
});

describe('browse abandonment', () => {
  it('products viewed (at least `min`) and never added: reported once on the return visit, with ids, names, categories and prices', async () => {
    let p = page(journeyPlan());
    p.tracker.track('view_item', tent);
    p.tracker.track('view_item', boots);
    p.tracker.track('view_item', tent); // the same product again counts once
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.browse_abandoned).toEqual([{
      items: [
        { item_id: 'SKU-TENT', item_name: 'Tent', item_category: 'Tents', price: 2499, quantity: 1 },
        { item_id: 'SKU-BOOT', item_name: 'Boots', item_category: 'Shoes', price: 1800, quantity: 1 },
      ],
      since: iso(T0), updated: iso(T0),
    }]);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.browse_abandoned).toBeUndefined();
  });

  it('fewer than `min` products, or an add to cart, is no abandoned browse', async () => {
    let p = page(journeyPlan());
    p.tracker.track('view_item', tent);
    vi.advanceTimersByTime(3 * HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.browse_abandoned).toBeUndefined();
    p.tracker.track('view_item', boots);
    p.tracker.track('add_to_cart', boots); // the cart's add cancels the browse by default
    vi.advanceTimersByTime(3 * HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.browse_abandoned).toBeUndefined();
  });
});

describe('the cart follows what the visitor did', () => {
  it('a remove_from_cart without quantity takes out the whole line, also when the line holds several', () => {
    // docs/journey.md: "`remove` takes them out (the whole line when it has no `quantity`)".
    const p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent);
    p.tracker.track('add_to_cart', tent);
    expect(p.tracker.cart().items).toMatchObject([{ item_id: 'SKU-TENT', quantity: 2 }]);
    p.tracker.track('remove_from_cart', { item_id: 'SKU-TENT' });
    expect(p.tracker.cart()).toEqual({ items: [], value: 0, currency: 'NOK' });
  });

  it('a remove of a product that is not in the cart changes nothing: a cart already reported is not reported again', async () => {
    let p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toHaveLength(1);
    p.tracker.track('remove_from_cart', { item_id: 'SKU-NOT-IN-CART' }); // a stale "remove" button, a double click
    expect(p.tracker.cart()).toMatchObject({ items: [{ item_id: 'SKU-TENT', quantity: 1 }], updated: iso(T0) });
    vi.advanceTimersByTime(2 * HOUR);
    p = await nextPage(journeyPlan());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();
    expect(p.names('meta')).toEqual([]); // the AbandonedCart conversion is counted once
  });

  it('an order held back by its `limit` still empties the cart: a completed order is never abandoned', async () => {
    // docs/journey.md: `complete` (the order) empties it, "even when the order itself is a duplicate that goes nowhere".
    const plan = () => { const pl = journeyPlan(); pl.conversions.purchase!.limit = 'once_per_session'; return pl; };
    let p = page(plan());
    p.tracker.track('add_to_cart', tent);
    p.tracker.track('purchase', { transaction_id: 'T-1', value: 2499 });
    await settle(p);
    p.tracker.track('add_to_cart', boots); // a second order in the same session
    p.tracker.track('purchase', { transaction_id: 'T-2', value: 1800 });
    await settle(p);
    expect(p.tracker.cart().items).toEqual([]);
    expect(p.names('collector')).toEqual(['add_to_cart', 'purchase', 'add_to_cart']); // the second order is still not sent
    vi.advanceTimersByTime(3 * HOUR);
    p = await nextPage(plan());
    vi.runOnlyPendingTimers();
    expect(p.heard.cart_abandoned).toBeUndefined();
    expect(p.names('meta')).toEqual([]);
  });

  it('an add with quantity 0 never turns the cart\'s value into NaN (nor a price into Infinity)', () => {
    const p = page(journeyPlan());
    p.tracker.track('add_to_cart', boots);
    p.tracker.track('add_to_cart', { ...tent, quantity: 0 });
    const cart = p.tracker.cart();
    expect(cart.value).toBe(1800);
    expect(cart.items.every((i: { price?: number }) => i.price === undefined || Number.isFinite(i.price))).toBe(true);
  });

  it('a stored cart line whose quantity is a text is not trusted (5 + 1 is not 51)', () => {
    // Storage is shared with the site's own code: a cart of the wrong shape is dropped.
    localStorage.setItem('mp_cart', JSON.stringify({ items: [{ item_id: 'SKU-TENT', price: 2499, quantity: '5' }], since: T0, updated: T0 }));
    const p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent);
    const cart = p.tracker.cart();
    expect(cart.items.every((i: { quantity?: unknown }) => typeof i.quantity === 'number')).toBe(true);
    expect([2499, 6 * 2499]).toContain(cart.value); // the bad line dropped, or read as 5: never 51 tents
  });
});

describe('cart_abandoned exactly once', () => {
  it('two tabs of the shop opened at once (a restored browser session) report a left cart once, not once per tab', async () => {
    const p = page(journeyPlan());
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(3 * HOUR);
    leave();
    const a = page(journeyPlan()); // both tabs load from the same storage
    const b = page(journeyPlan());
    vi.runOnlyPendingTimers();
    expect((a.heard.cart_abandoned?.length ?? 0) + (b.heard.cart_abandoned?.length ?? 0)).toBe(1);
    expect([...a.names('meta'), ...b.names('meta')]).toEqual(['cart_abandoned']); // Meta's AbandonedCart counted once
  });
});
