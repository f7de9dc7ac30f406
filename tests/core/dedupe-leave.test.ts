// @vitest-environment jsdom
/**
 * A conversion with a `dedupe` key waits for its exactly-once claim (200 ms without Web Locks, a
 * lock with them). A form that leaves for its thank-you page sooner must not lose it: leaving
 * decides the claims in flight at once (QA of a lead-gen site, 2026-12-06: every demo request
 * lost on a plain-http origin). Failed on the code before the fix.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter, ConversionEvent } from '../../src/core/types';
import { example } from '../plan/fixtures';

const items = [{ item_id: 'SKU-1', item_name: 'Tent', price: 2499, quantity: 1 }];
const order = (id: string) => ({ transaction_id: id, value: 2499, items });

function page(change?: (plan: any) => void) {
  const sent: ConversionEvent[] = [];
  const adapter: Adapter = { name: 'ga4', category: 'analytics', load: () => {}, send: (e) => { sent.push(e); } };
  const plan: any = example('webshop');
  plan.consent = { default: { analytics: 'granted', ads: 'granted' } };
  change?.(plan);
  const tracker = createTracker({ plan, adapters: [adapter] });
  const duplicates: unknown[] = [];
  tracker.on('duplicate', (d) => duplicates.push(d));
  return { tracker, sent, duplicates };
}
const hide = () => {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};

beforeEach(() => { vi.useFakeTimers(); localStorage.clear(); });
afterEach(() => {
  vi.useRealTimers();
  delete (navigator as any).locks;
  Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
});

describe('leaving the page while an exactly-once claim is in flight', () => {
  it('a tab hidden and shown again waits for the cross-tab answer again (its claims are not decided alone for the rest of the page)', async () => {
    const a = page((plan) => { delete plan.conversions.purchase.limit; });
    hide();
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
    a.tracker.track('purchase', order('L-shown'));
    expect(a.sent).toHaveLength(0); // the claim waits, as on any visible page
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.sent.map((e) => e.id)).toEqual(['purchase:L-shown']);
    await a.tracker.shutdown();
  });

  it('an order tracked after pagehide is decided at once (a task after pagehide may never run); shown again, claims wait as before (compat QA 2026-12-07)', async () => {
    const a = page((plan) => { delete plan.conversions.purchase.limit; }); // two orders on one page
    window.dispatchEvent(new Event('pagehide'));
    a.tracker.track('purchase', order('L-after'));
    expect(a.sent.map((e) => e.id)).toEqual(['purchase:L-after']);
    a.tracker.track('purchase', order('L-after'));
    expect(a.sent).toHaveLength(1);
    window.dispatchEvent(new Event('pageshow'));
    a.tracker.track('purchase', order('L-back'));
    expect(a.sent).toHaveLength(1); // the claim waits again
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.sent.map((e) => e.id)).toEqual(['purchase:L-after', 'purchase:L-back']);
    expect(a.duplicates).toHaveLength(1);
    await a.tracker.shutdown();
  });

  it('without Web Locks: pagehide forwards the order at once, once, and records its key', async () => {
    const a = page();
    a.tracker.track('purchase', order('L-1'));
    expect(a.sent).toHaveLength(0); // the claim waits 200 ms
    window.dispatchEvent(new Event('pagehide'));
    expect(a.sent.map((e) => e.id)).toEqual(['purchase:L-1']);
    await vi.advanceTimersByTimeAsync(1000); // the claim's own answer comes later and changes nothing
    expect(a.sent).toHaveLength(1);
    await a.tracker.shutdown();

    const reload = page(); // the next page sees the key taken
    reload.tracker.track('purchase', order('L-1'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(reload.sent).toHaveLength(0);
    expect(reload.duplicates).toHaveLength(1);
    await reload.tracker.shutdown();
  });

  it('with a Web Lock not granted before the page goes (hidden): forwarded at once, and not again when the lock comes', async () => {
    // Another tab holds the lock for 5 s.
    (navigator as any).locks = { request: (_n: string, fn: () => Promise<unknown>) => new Promise((r) => setTimeout(() => r(fn()), 5000)) };
    const a = page();
    a.tracker.track('purchase', order('L-2'));
    await vi.advanceTimersByTimeAsync(50);
    expect(a.sent).toHaveLength(0);
    hide();
    expect(a.sent.map((e) => e.id)).toEqual(['purchase:L-2']);
    await vi.advanceTimersByTimeAsync(6000);
    expect(a.sent).toHaveLength(1);
    await a.tracker.shutdown();
  });

  it('a key another tab recorded while this page claimed it is a duplicate, also when the page is left', async () => {
    const a = page();
    a.tracker.track('purchase', order('L-3'));
    await vi.advanceTimersByTimeAsync(1000);
    expect(a.sent).toHaveLength(1);
    await a.tracker.shutdown();
    const record = localStorage.getItem('mp_dd')!;
    localStorage.removeItem('mp_dd'); // as this tab read it when it started claiming
    const b = page();
    b.tracker.track('purchase', order('L-3'));
    localStorage.setItem('mp_dd', record); // the other tab's record arrives during the claim
    window.dispatchEvent(new Event('pagehide'));
    expect(b.sent).toHaveLength(0);
    expect(b.duplicates).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1000);
    await b.tracker.shutdown();
  });
});
