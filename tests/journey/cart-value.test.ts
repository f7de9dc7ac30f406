/** A cart's value (money QA 2026-12-06: a 1.375 KWD cart went to Meta and Microsoft as 1.38). */
import { expect, it } from 'vitest';
import { valueOf } from '../../src/journey/abandonment';

it('keeps three decimals (KWD, BHD) and drops floating-point noise', () => {
  expect(valueOf([{ item_id: 'A', price: 0.125, quantity: 11 }])).toBe(1.375);
  expect(valueOf([{ item_id: 'A', price: 22.99, quantity: 5 }])).toBe(114.95);
  expect(valueOf([{ item_id: 'A', price: 0.1 }, { item_id: 'B', price: 0.2 }])).toBe(0.3);
});
