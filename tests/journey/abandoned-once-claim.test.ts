// @vitest-environment jsdom
/**
 * With Web Locks (the test kit's in-process ones here), a left cart is reported after its
 * cross-tab claim (see tracker.ts `once`). Second read of 2026-12-07: a claim answered once
 * shutdown() had begun dropped the conversion, and the cart, marked reported, never came again.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createTestTracker } from '../../src/testing/index';
import { journeyPlan } from './journey-plan';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
const HOUR = 3_600_000;
beforeEach(() => { window.dispatchEvent(new Event('pagehide')); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout'] }); });
afterEach(() => vi.useRealTimers());

it('a left cart found by the last track() before shutdown() still reaches every destination', async () => {
  const first = createTestTracker({ plan: journeyPlan() as any });
  first.tracker.track('add_to_cart' as any, { item_id: 'SKU-TENT', value: 2499 } as any);
  await first.tracker.shutdown();
  window.dispatchEvent(new Event('pagehide'));
  vi.setSystemTime(T0 + 2 * HOUR);
  const next = createTestTracker({ plan: journeyPlan() as any, keepStorage: true });
  const heard: unknown[] = [];
  next.tracker.on('cart_abandoned' as any, (c: unknown) => heard.push(c));
  next.tracker.track('add_to_cart' as any, { item_id: 'SKU-BOOT', value: 1800 } as any);
  await next.tracker.shutdown();
  expect(heard).toHaveLength(1);
  expect(next.recorder.conversions().map((e) => e.name)).toEqual(['add_to_cart', 'cart_abandoned']);
});
