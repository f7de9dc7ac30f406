// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { journeyPlan } from '../journey/journey-plan';
import { leave, page } from '../journey/harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

describe('shutdown() during an order whose exactly-once claim is in flight', () => {
  it('stores the funnel step of the order that shutdown() itself delivers', async () => {
    const p = page(journeyPlan());
    for (const n of ['view_item', 'add_to_cart']) p.tracker.track(n, { item_id: 'SKU-1', value: 10 });
    p.tracker.track('begin_checkout', {});
    p.tracker.track('purchase', { transaction_id: 'T-1', value: 10 }); // claim waits VERIFY_MS (no navigator.locks in jsdom)
    const done = p.tracker.shutdown();
    await vi.advanceTimersByTimeAsync(500);
    await done;
    expect(p.names('collector')).toContain('purchase'); // shutdown() delivered it...
    expect(JSON.parse(localStorage.getItem('mp_fun')!).checkout.step).toBe(4); // ...but its funnel step was never stored
  });
});
