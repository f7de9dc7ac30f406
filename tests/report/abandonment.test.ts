import { describe, expect, it } from 'vitest';
import {
  browseHistory, cartHistory, cartValue, isBrowseAbandoned, isCartAbandoned, openBrowse, openCart,
  type BrowseRule, type CartRule, type ConversionRecord, type ItemRecord,
} from '../../src/report/abandonment';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
const cartRule: CartRule = { add: 'add_to_cart', remove: 'remove_from_cart', complete: 'purchase', afterMs: HOUR };
const browseRule: BrowseRule = { view: 'view_item', min: 2, cancel: ['add_to_cart', 'purchase'], afterMs: HOUR };

const boots: ItemRecord = { item_id: 'BOOT-1', item_name: 'Hiking boots', price: 1299, item_category: 'Shoes' };
const socks: ItemRecord = { item_id: 'SOCK-2', item_name: 'Wool socks', price: 149.5 };
const tent: ItemRecord = { item_id: 'TENT-3', item_name: 'Tent', price: 3490 };
/** A conversion `m` minutes after T0. */
const ev = (event: string, m: number, items?: ItemRecord[], extra: Partial<ConversionRecord> = {}): ConversionRecord =>
  ({ event, t: T0 + m * MIN, ...(items ? { items } : {}), ...extra });

describe('the open cart', () => {
  const events = [
    ev('view_item', 0, [boots]),
    ev('add_to_cart', 1, [boots]),
    ev('add_to_cart', 5, [{ ...socks, quantity: 2 }]),
    ev('add_to_cart', 7, [{ ...socks, price: 139.5 }]), // same product again: quantity 3, newer price
  ];

  it('holds the items with summed quantities, the value, since and last activity', () => {
    expect(openCart(events, cartRule, T0 + 30 * MIN)).toEqual({
      outcome: 'open',
      items: [{ ...boots, quantity: 1 }, { ...socks, price: 139.5, quantity: 3 }],
      value: 1299 + 3 * 139.5,
      since: T0 + MIN,
      lastActivity: T0 + 7 * MIN,
      wasLeft: false,
    });
  });

  it('counts as abandoned exactly `after` after the last activity, not 1 ms before', () => {
    const last = T0 + 7 * MIN;
    expect(openCart(events, cartRule, last + HOUR - 1)!.outcome).toBe('open');
    expect(isCartAbandoned(events, cartRule, last + HOUR - 1)).toBe(false);
    expect(openCart(events, cartRule, last + HOUR)).toMatchObject({ outcome: 'abandoned', abandonedAt: last + HOUR });
    expect(isCartAbandoned(events, cartRule, last + HOUR)).toBe(true);
  });

  it('is judged as of `now`: later conversions are not seen', () => {
    expect(openCart(events, cartRule, T0 + 2 * MIN)!.items).toEqual([{ ...boots, quantity: 1 }]);
    expect(openCart(events, cartRule, T0)).toBeUndefined();
  });

  it('ignores adds and removes without items, and the conversion\'s own value', () => {
    const list = [ev('add_to_cart', 0), ev('add_to_cart', 1, [boots], { value: 99999 }), ev('remove_from_cart', 2)];
    expect(openCart(list, cartRule, T0 + 3 * MIN)).toMatchObject({ value: 1299, since: T0 + MIN, lastActivity: T0 + MIN });
  });

  it('accepts conversions out of order', () => {
    const shuffled = [events[3]!, events[1]!, events[2]!, events[0]!];
    expect(openCart(shuffled, cartRule, T0 + 30 * MIN)).toEqual(openCart(events, cartRule, T0 + 30 * MIN));
  });
});

describe('a completed order never counts as abandoned', () => {
  it('closes the cart, even long after `after`, and marks it as left (recovered)', () => {
    const events = [ev('add_to_cart', 0, [boots]), ev('purchase', 5 * 60, [boots], { value: 1299 })];
    const now = T0 + 48 * HOUR;
    expect(openCart(events, cartRule, now)).toBeUndefined();
    expect(isCartAbandoned(events, cartRule, now)).toBe(false);
    expect(cartHistory(events, cartRule, now)).toEqual([
      { outcome: 'completed', items: [{ ...boots, quantity: 1 }], value: 1299, since: T0, lastActivity: T0, endedAt: T0 + 5 * HOUR, wasLeft: true },
    ]);
  });

  it('a quick order was never left', () => {
    const events = [ev('add_to_cart', 0, [boots]), ev('purchase', 10)];
    expect(cartHistory(events, cartRule, T0 + 10 * HOUR)[0]).toMatchObject({ outcome: 'completed', wasLeft: false });
  });

  it('an order with no open cart (buy now) opens nothing', () => {
    expect(cartHistory([ev('purchase', 0, [boots])], cartRule, T0 + 10 * HOUR)).toEqual([]);
  });

  it('a completion at exactly `after` still counts as completed, and was left', () => {
    const events = [ev('add_to_cart', 0, [boots]), ev('purchase', 60)];
    expect(cartHistory(events, cartRule, T0 + 60 * MIN)).toMatchObject([{ outcome: 'completed', wasLeft: true }]);
  });
});

describe('removes', () => {
  it('take out their quantity, or the whole line without one', () => {
    const events = [
      ev('add_to_cart', 0, [{ ...socks, quantity: 3 }, boots]),
      ev('remove_from_cart', 1, [{ item_id: 'SOCK-2', quantity: 1 }]),
      ev('remove_from_cart', 2, [{ item_id: 'BOOT-1' }]),
      ev('remove_from_cart', 3, [{ item_id: 'NOT-IN-CART' }]),
    ];
    expect(openCart(events, cartRule, T0 + 4 * MIN)).toMatchObject({ items: [{ ...socks, quantity: 2 }], value: 299, lastActivity: T0 + 3 * MIN });
  });

  it('a remove that empties the cart closes it: nothing left to abandon', () => {
    const events = [ev('add_to_cart', 0, [boots]), ev('remove_from_cart', 2, [{ item_id: 'BOOT-1', quantity: 5 }])];
    const now = T0 + 10 * HOUR;
    expect(openCart(events, cartRule, now)).toBeUndefined();
    expect(cartHistory(events, cartRule, now)).toEqual([
      { outcome: 'emptied', items: [], value: 0, since: T0, lastActivity: T0 + 2 * MIN, endedAt: T0 + 2 * MIN, wasLeft: false },
    ]);
  });

  it('without a `remove` rule, remove conversions change nothing', () => {
    const { remove: _, ...noRemove } = cartRule;
    const events = [ev('add_to_cart', 0, [boots]), ev('remove_from_cart', 2, [{ item_id: 'BOOT-1' }])];
    expect(openCart(events, noRemove, T0 + 3 * MIN)!.items).toHaveLength(1);
  });
});

describe('several carts', () => {
  it('re-adding after a completion opens a new cart, which can be abandoned on its own', () => {
    const events = [
      ev('add_to_cart', 0, [boots]),
      ev('purchase', 10),
      ev('add_to_cart', 20, [tent]),
    ];
    const now = T0 + 20 * MIN + HOUR;
    const history = cartHistory(events, cartRule, now);
    expect(history.map((c) => [c.outcome, c.items.map((i) => i.item_id), c.since])).toEqual([
      ['completed', ['BOOT-1'], T0],
      ['abandoned', ['TENT-3'], T0 + 20 * MIN],
    ]);
    expect(openCart(events, cartRule, now)).toMatchObject({ outcome: 'abandoned', value: 3490, abandonedAt: now });
  });

  it('a cart left for `after` and then touched again stays the same cart, open again, marked as left', () => {
    const events = [ev('add_to_cart', 0, [boots]), ev('add_to_cart', 3 * 60, [socks])];
    expect(cartHistory(events, cartRule, T0 + 3 * HOUR + MIN)).toMatchObject([
      { outcome: 'open', since: T0, lastActivity: T0 + 3 * HOUR, wasLeft: true },
    ]);
  });

  it('rejects a negative waiting time', () => {
    expect(() => cartHistory([], { ...cartRule, afterMs: -1 }, T0)).toThrow(RangeError);
  });
});

describe('browse abandonment', () => {
  it('needs `min` distinct products, no cancelling conversion, and `after` since the last view (boundary included)', () => {
    const events = [ev('view_item', 0, [boots]), ev('view_item', 5, [boots]), ev('view_item', 10, [socks])];
    const last = T0 + 10 * MIN;
    expect(openBrowse(events, browseRule, last + HOUR - 1)).toMatchObject({ outcome: 'open', items: [boots, socks], since: T0, lastActivity: last });
    expect(isBrowseAbandoned(events, browseRule, last + HOUR - 1)).toBe(false);
    expect(openBrowse(events, browseRule, last + HOUR)).toMatchObject({ outcome: 'abandoned', abandonedAt: last + HOUR });
    expect(isBrowseAbandoned(events, browseRule, last + HOUR)).toBe(true);
  });

  it('one product viewed twice is one product: below `min` it never counts as abandoned', () => {
    const events = [ev('view_item', 0, [boots]), ev('view_item', 5, [boots])];
    expect(openBrowse(events, browseRule, T0 + 48 * HOUR)).toMatchObject({ outcome: 'open', items: [boots] });
    expect(isBrowseAbandoned(events, browseRule, T0 + 48 * HOUR)).toBe(false);
  });

  it('an add to cart (a cancel event) ends it, even after `after`: not abandoned', () => {
    const events = [ev('view_item', 0, [boots]), ev('view_item', 1, [socks]), ev('add_to_cart', 3 * 60, [socks])];
    const now = T0 + 10 * HOUR;
    expect(openBrowse(events, browseRule, now)).toBeUndefined();
    expect(isBrowseAbandoned(events, browseRule, now)).toBe(false);
    expect(browseHistory(events, browseRule, now)).toMatchObject([{ outcome: 'cancelled', endedAt: T0 + 3 * HOUR, wasLeft: true }]);
  });

  it('a view after the browse counted as abandoned starts a new browse', () => {
    const events = [ev('view_item', 0, [boots]), ev('view_item', 1, [socks]), ev('view_item', 3 * 60, [tent])];
    const history = browseHistory(events, browseRule, T0 + 3 * HOUR + MIN);
    expect(history.map((b) => [b.outcome, b.items.map((i) => i.item_id)])).toEqual([
      ['abandoned', ['BOOT-1', 'SOCK-2']],
      ['open', ['TENT-3']],
    ]);
    expect(history[0]!.abandonedAt).toBe(T0 + MIN + HOUR);
  });

  it('min 1 and custom cancel events from the plan', () => {
    const rule: BrowseRule = { view: 'view_item', min: 1, cancel: ['begin_checkout'], afterMs: 30 * MIN };
    const events = [ev('view_item', 0, [tent]), ev('add_to_cart', 1, [tent])];
    // add_to_cart is not a cancel event of this rule.
    expect(isBrowseAbandoned(events, rule, T0 + 30 * MIN)).toBe(true);
    expect(isBrowseAbandoned([...events, ev('begin_checkout', 2)], rule, T0 + 30 * MIN)).toBe(false);
  });
});

describe('cartValue', () => {
  it('sums price × quantity (1 when missing), counts lines without a price as 0 and rounds to cents', () => {
    expect(cartValue([{ item_id: 'a', price: 0.1, quantity: 3 }, { item_id: 'b', price: 0.2 }, { item_id: 'c' }])).toBe(0.5);
  });
});

describe('one cart, one currency, as the browser keeps it (analyst QA 2026-12-06)', () => {
  it('an add in another currency starts the cart again: its value is never a sum across currencies', () => {
    const pack: ItemRecord = { item_id: 'EU-PACK', item_name: 'Pack', price: 249 };
    const events = [ev('add_to_cart', 0, [tent], { currency: 'NOK' }), ev('add_to_cart', 5, [pack], { currency: 'EUR' })];
    expect(openCart(events, cartRule, T0 + 2 * HOUR)).toMatchObject({ items: [{ ...pack, quantity: 1 }], value: 249, currency: 'EUR', since: T0 + 5 * MIN });
  });

  it('adds in the same currency, or without one, add up as before', () => {
    const events = [ev('add_to_cart', 0, [tent], { currency: 'EUR' }), ev('add_to_cart', 5, [boots]), ev('add_to_cart', 6, [socks], { currency: 'EUR' })];
    expect(openCart(events, cartRule, T0 + 2 * HOUR)).toMatchObject({ value: 3490 + 1299 + 149.5, currency: 'EUR' });
  });
});
