// @vitest-environment jsdom
/**
 * A product added again with fields read as undefined (a price the page did not show this time):
 * a field given as undefined is no field, so the cart line keeps its price and name (second read
 * 2026-12-06: the line's price was blanked and the cart's value fell from 200 to 0).
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import { example } from '../plan/fixtures';

function plan() {
  const p: any = example('webshop');
  delete p.vitals;
  p.conversions.add_to_cart.properties = { items: { type: 'items' }, value: { type: 'number', optional: true } };
  delete p.conversions.add_to_cart.trigger;
  return p;
}

it.each([
  ['without the fields', { item_id: 'SKU-1', quantity: 1 }],
  ['with them given as undefined', { item_id: 'SKU-1', item_name: undefined, price: undefined, quantity: 1 }],
])('a second add of the same product %s keeps the line\'s price and name', async (_, second) => {
  localStorage.clear();
  const t = createTracker({ plan: plan(), adapters: [] });
  t.consent({ analytics: 'granted', ads: 'granted' });
  t.track('add_to_cart' as never, { items: [{ item_id: 'SKU-1', item_name: 'Shoes', price: 100, quantity: 1 }] } as never);
  t.track('add_to_cart' as never, { items: [second] } as never);
  t.track('add_to_cart' as never, { items: [{ item_id: 'SKU-2', price: undefined }] } as never);
  const cart = t.cart();
  await t.shutdown();
  expect(cart.items[0]).toEqual({ item_id: 'SKU-1', item_name: 'Shoes', price: 100, quantity: 2 });
  expect(cart.items[1]).toEqual({ item_id: 'SKU-2', quantity: 1 });
  expect(cart.value).toBe(200);
});
