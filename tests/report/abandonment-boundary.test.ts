/** Pinned by the mutation review of 2026-12-06: "recovered: carts completed after having been left for after_ms" (docs/report-json.md), at exactly after_ms. */
import { expect, it } from 'vitest';
import { cartHistory } from '../../src/report/abandonment';

const rule = { add: 'add_to_cart', complete: 'purchase', afterMs: 3_600_000 };
const item = [{ item_id: 'a', price: 100, quantity: 1 }];

it('a cart left exactly after_ms before the next add counts as left (abandoned at that moment), so its purchase is a recovery', () => {
  // Abandoned at lastActivity + afterMs (now − lastActivity ≥ afterMs); an add at that very moment returns to a left cart.
  const carts = cartHistory([
    { event: 'add_to_cart', t: 0, items: item },
    { event: 'add_to_cart', t: 3_600_000, items: item },
    { event: 'purchase', t: 3_600_100 },
  ], rule, 10_000_000);
  expect(carts).toHaveLength(1);
  expect(carts[0]).toMatchObject({ outcome: 'completed', wasLeft: true });
  // …as the same gap before `now` makes an open cart abandoned:
  expect(cartHistory([{ event: 'add_to_cart', t: 0, items: item }], rule, 3_600_000)[0]!.outcome).toBe('abandoned');
});
