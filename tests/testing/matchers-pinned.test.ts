/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): kills K6 (src/testing/matchers.ts:67 `same` without its key-count check). The
 * matchers' own deep equality (used when the runner passes no `equals`: the matcher called
 * directly, or a runner whose expect.extend gives none) took a list of one item for a list of
 * two: `toHaveSentConversion('purchase', { properties: { items: [A, B] } })` passed for [A].
 */
import { expect, it } from 'vitest';
import { createTestTracker, measureplanMatchers } from '../../src/testing/index';
import { example } from '../plan/fixtures';

it('without a runner equals, items [A] is not items [A, B], nor {a} {a, b}', async () => {
  const { tracker, recorder } = createTestTracker({ plan: example('webshop') as any });
  tracker.track('purchase', { transaction_id: 'T-1', value: 10, items: [{ item_id: 'A' }] } as never);
  await tracker.flush();
  const check = (items: unknown) => measureplanMatchers.toHaveSentConversion.call({}, recorder, 'purchase', { properties: { items } }).pass;
  expect(check([{ item_id: 'A' }])).toBe(true);
  expect(check([{ item_id: 'A' }, { item_id: 'B' }])).toBe(false);
  expect(check([{ item_id: 'A', price: 5 }])).toBe(false);
});
