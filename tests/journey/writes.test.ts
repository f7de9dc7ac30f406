// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { journeyPlan } from './journey-plan';
import { leave, nextPage, page } from './harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

const item = (i: number) => ({ item_id: `SKU-${i % 5}`, item_name: `Tent ${i % 5}`, value: 100 });

describe('the journey writes its state once per burst, and before the page can be left', () => {
  it('a burst of add-to-carts writes the cart and the funnel once, in a task after the conversions', () => {
    const p = page(journeyPlan());
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    for (let i = 0; i < 50; i++) p.tracker.track('add_to_cart', item(i));
    p.tracker.track('view_item', item(1));
    const journeyWrites = () => setItem.mock.calls.map(([k]) => k).filter((k) => ['mp_cart', 'mp_fun', 'mp_seen'].includes(k));
    expect(journeyWrites()).toEqual([]); // nothing on the conversions' own time
    vi.runOnlyPendingTimers();
    expect(journeyWrites().sort()).toEqual(['mp_cart', 'mp_fun', 'mp_seen']);
    expect(JSON.parse(localStorage.getItem('mp_cart')!).items).toHaveLength(5);
    setItem.mockRestore();
  });

  it('leaving the page before that task writes everything at once (pagehide), so the next page has it', async () => {
    let p = page(journeyPlan());
    p.tracker.track('view_item', item(1));
    p.tracker.track('add_to_cart', item(1));
    expect(localStorage.getItem('mp_cart')).toBeNull();
    p = await nextPage(journeyPlan()); // no timer ran: the pagehide wrote it
    expect(p.tracker.cart().items.map((i: { item_id: string }) => i.item_id)).toEqual(['SKU-1']);
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2 });
  });

  it('a page hidden (tab switched, then perhaps discarded) writes too', () => {
    const p = page(journeyPlan());
    p.tracker.track('add_to_cart', item(2));
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    expect(JSON.parse(localStorage.getItem('mp_cart')!).items[0].item_id).toBe('SKU-2');
  });

  it('a denial between the change and its write stores nothing', () => {
    const p = page(journeyPlan());
    p.tracker.track('add_to_cart', item(3));
    p.tracker.consent({ analytics: 'denied', ads: 'denied' });
    vi.runOnlyPendingTimers();
    leave();
    expect(Object.keys(localStorage).filter((k) => k.startsWith('mp_'))).toEqual([]);
  });

  it('flush() writes the journey at once', async () => {
    const p = page(journeyPlan());
    p.tracker.track('add_to_cart', item(4));
    const done = p.tracker.flush();
    expect(JSON.parse(localStorage.getItem('mp_cart')!).items[0].item_id).toBe('SKU-4');
    await vi.runAllTimersAsync();
    await done;
  });
});

describe('shutdown() removes the journey\'s listeners', () => {
  it('writes the journey first; afterwards leaving, another tab or a restored page change nothing', async () => {
    const p = page(journeyPlan());
    p.tracker.track('add_to_cart', item(1));
    const done = p.tracker.shutdown();
    expect(JSON.parse(localStorage.getItem('mp_cart')!).items.map((i: { item_id: string }) => i.item_id)).toEqual(['SKU-1']);
    await vi.runAllTimersAsync();
    await done;
    const setItem = vi.spyOn(Storage.prototype, 'setItem');
    p.tracker.track('add_to_cart', item(2)); // after shutdown: nothing of it is stored, now or on leaving
    vi.runOnlyPendingTimers();
    leave();
    document.dispatchEvent(new Event('visibilitychange'));
    expect(setItem.mock.calls.map(([k]) => k).filter((k) => k.startsWith('mp_'))).toEqual([]);
    setItem.mockRestore();
    const other = { items: [{ item_id: 'SKU-OTHER', price: 1, quantity: 1 }], since: T0, updated: T0 };
    window.dispatchEvent(new StorageEvent('storage', { key: 'mp_cart', newValue: JSON.stringify(other) }));
    expect(p.tracker.cart().items.map((i: { item_id: string }) => i.item_id)).not.toContain('SKU-OTHER');
  });
});
