/** Pinned by the mutation review of 2026-12-06: behaviour no earlier test held. */
import { describe, expect, it } from 'vitest';
import { browseHistory, cartHistory, cartValue, type BrowseRule, type CartRule, type ConversionRecord, type ItemRecord } from '../../src/report/abandonment';

const MIN = 60_000;
const HOUR = 60 * MIN;
const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
const cartRule: CartRule = { add: 'add_to_cart', remove: 'remove_from_cart', complete: 'purchase', afterMs: HOUR };
const browseRule: BrowseRule = { view: 'view_item', min: 2, cancel: ['add_to_cart', 'purchase'], afterMs: HOUR };
const ev = (event: string, m: number, items?: ItemRecord[]): ConversionRecord => ({ event, t: T0 + m * MIN, ...(items ? { items } : {}) });
const boots: ItemRecord = { item_id: 'BOOT-1', price: 1299 };

describe('carts', () => {
  it('a remove of the whole quantity empties the cart: emptied, not abandoned (kills A10: left >= 0)', () => {
    const carts = cartHistory([ev('add_to_cart', 0, [{ ...boots, quantity: 2 }]), ev('remove_from_cart', 1, [{ ...boots, quantity: 2 }])], cartRule, T0 + 5 * HOUR);
    expect(carts.map((c) => c.outcome)).toEqual(['emptied']);
  });

  it('values a cart to the fils, as the browser does (KWD 0.125 × 3 = 0.375) (kills A3: rounding to cents)', () => {
    expect(cartValue([{ item_id: 'x', price: 0.125, quantity: 3 }])).toBe(0.375);
  });
});

describe('browses', () => {
  it('views 10 minutes apart are one browse, however long ago (kills A16: due(open, now))', () => {
    const events = [ev('view_item', 0, [{ item_id: 'a' }]), ev('view_item', 10, [{ item_id: 'b' }]), ev('view_item', 20, [{ item_id: 'c' }])];
    const browses = browseHistory(events, browseRule, T0 + 48 * HOUR);
    expect(browses).toHaveLength(1);
    expect(browses[0]!.outcome).toBe('abandoned');
    expect(browses[0]!.items.map((i) => i.item_id)).toEqual(['a', 'b', 'c']);
  });
});

