/** The report's carts agree with the browser: a checkout step is cart activity (journey QA 2026-12-06). */
import { expect, it } from 'vitest';
import { cartHistory } from '../../src/report/abandonment';
import { checkoutSteps } from '../../src/journey/abandonment';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { example } from '../plan/fixtures';

const MIN = 60_000;
const rule = { add: 'add_to_cart', remove: 'remove_from_cart', complete: 'purchase', afterMs: 60 * MIN, checkout: ['begin_checkout'] };
const tent = [{ item_id: 'TENT', price: 2499, quantity: 1 }];

it('an order after a long checkout completes a cart that was never left', () => {
  const [cart] = cartHistory([
    { event: 'add_to_cart', t: 0, items: tent }, { event: 'begin_checkout', t: 50 * MIN }, { event: 'purchase', t: 105 * MIN },
  ], rule, 200 * MIN);
  expect(cart).toMatchObject({ outcome: 'completed', wasLeft: false });
});

it('a cart left at the checkout step for `after` is abandoned from there', () => {
  const [cart] = cartHistory([{ event: 'add_to_cart', t: 0, items: tent }, { event: 'begin_checkout', t: 50 * MIN }], rule, 200 * MIN);
  expect(cart).toMatchObject({ outcome: 'abandoned', abandonedAt: 110 * MIN });
});

it("the webshop plan's checkout steps are found by name or GA4 event, never the cart's own conversions", () => {
  const plan = (parsePlan(example('webshop')) as { plan: Plan }).plan;
  expect(checkoutSteps(plan)).toEqual(['begin_checkout']);
});
