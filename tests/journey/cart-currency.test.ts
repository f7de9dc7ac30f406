// @vitest-environment jsdom
/**
 * A cart and a browse keep the currency their products were priced in, also when the conversion
 * carries its money only in the items' prices (no `value`): journey QA 2026-12-07 found such an
 * EUR cart reported (and sent to Meta) as NOK, and an EUR and a NOK add summed into one cart;
 * and an add of 0 units made an empty cart that was reported left.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { journeyPlan } from './journey-plan';
import { comeBack, leave, page } from './harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

/** A shop whose add_to_cart names its currency and has its money in the items only. */
const itemsOnly = () => {
  const p: any = journeyPlan();
  delete p.conversions.add_to_cart.value;
  p.conversions.add_to_cart.properties = { items: { type: 'items' }, currency: { type: 'string', optional: true } };
  return p;
};

it('an add priced in EUR through its items makes an EUR cart, reported and sent as EUR', async () => {
  let p = page(itemsOnly());
  p.tracker.track('add_to_cart', { items: [{ item_id: 'A', price: 20, quantity: 2 }], currency: 'EUR' });
  expect(p.tracker.cart()).toMatchObject({ value: 40, currency: 'EUR' });
  p = await comeBack(2, itemsOnly());
  expect(p.heard.cart_abandoned).toMatchObject([{ value: 40, currency: 'EUR' }]);
  expect(p.sent.meta.map((e) => [e.name, e.value, e.currency])).toEqual([['cart_abandoned', 40, 'EUR']]);
});

it('an add in another currency starts the cart again, never a sum of EUR and NOK', () => {
  const p = page(itemsOnly());
  p.tracker.track('add_to_cart', { items: [{ item_id: 'A', price: 220 }], currency: 'eur' });
  p.tracker.track('add_to_cart', { items: [{ item_id: 'B', price: 1000 }], currency: 'NOK' });
  expect(p.tracker.cart()).toMatchObject({ items: [{ item_id: 'B' }], value: 1000, currency: 'NOK' });
  // Without a currency of its own, an add goes into the cart as it is.
  p.tracker.track('add_to_cart', { items: [{ item_id: 'C', price: 5 }] });
  expect(p.tracker.cart()).toMatchObject({ value: 1005, currency: 'NOK' });
});

it('a browse of products priced in EUR is sent in EUR', async () => {
  const plan = () => {
    const p: any = journeyPlan();
    p.conversions.view_item.properties = { ...p.conversions.view_item.properties, currency: { type: 'string', optional: true } };
    p.conversions.browse_abandoned = { kind: 'micro', value: 'value', properties: { value: { type: 'number' }, items: { type: 'items' } }, send: { meta: { event: 'BrowseAbandoned' } } };
    p.abandonment.browse.min = 1;
    return p;
  };
  let p = page(plan());
  p.tracker.track('view_item', { item_id: 'A', value: 220, currency: 'EUR' });
  p = await comeBack(3, plan());
  expect(p.heard.browse_abandoned).toHaveLength(1);
  expect(p.sent.meta.map((e) => [e.name, e.value, e.currency])).toEqual([['browse_abandoned', 220, 'EUR']]);
});

it('an add of 0 units (a quantity field left at 0) or fewer puts nothing in the cart, and no empty cart is reported left (journey QA 2026-12-07)', async () => {
  let p = page(journeyPlan());
  p.tracker.track('add_to_cart', { item_id: 'A', value: 0, quantity: 0 });
  p.tracker.track('add_to_cart', { item_id: 'B', value: 10, quantity: -2 });
  expect(p.tracker.cart()).toMatchObject({ items: [], value: 0 });
  p.tracker.track('add_to_cart', { item_id: 'C', value: 20, quantity: 2 });
  p.tracker.track('add_to_cart', { item_id: 'C', value: 0, quantity: 0 });
  expect(p.tracker.cart()).toMatchObject({ items: [{ item_id: 'C', quantity: 2 }], value: 20 });
  p.tracker.track('remove_from_cart', { item_id: 'C', quantity: 2 });
  p.tracker.track('add_to_cart', { item_id: 'D', value: 0, quantity: 0 });
  p = await comeBack(2, journeyPlan());
  expect(p.heard.cart_abandoned).toBeUndefined();
});

it('a remove of 0 units or fewer takes nothing out and leaves a reported cart reported (second read 2026-12-07)', async () => {
  let p = page(journeyPlan());
  p.tracker.track('add_to_cart', { item_id: 'A', value: 2499, quantity: 1 });
  p.tracker.track('remove_from_cart', { item_id: 'A', quantity: -2 });
  expect(p.tracker.cart()).toMatchObject({ items: [{ item_id: 'A', quantity: 1 }], value: 2499 });
  p = await comeBack(2, journeyPlan());
  expect(p.heard.cart_abandoned).toHaveLength(1);
  p.tracker.track('remove_from_cart', { item_id: 'A', quantity: 0 });
  p = await comeBack(2, journeyPlan());
  expect(p.heard.cart_abandoned).toBeUndefined(); // reported once, not again
});
