// @vitest-environment jsdom
/**
 * Exactly once and consent at the edges: a full storage quota, Web Locks on a loaded machine, a
 * dedupe key that cannot identify an order, and a consent platform still loading at shutdown().
 * Each test failed on the code before its fix (unless marked `// holds today`).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter, ConversionEvent } from '../../src/core/types';
import { example } from '../plan/fixtures';
import { checkPlan } from '../../src/plan/check';
import { fakeTcf } from '../cmp/fakes';
import { useCleanPage, w } from '../cmp/helpers';
import { orderRace } from './two-tabs';

useCleanPage();
afterEach(() => { localStorage.clear(); vi.restoreAllMocks(); delete (navigator as any).locks; });

const ALL_PURPOSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const items = [{ item_id: 'SKU-1', item_name: 'Tent', price: 2499, quantity: 1 }];
const order = (id: string) => ({ transaction_id: id, value: 2499, items });
const flushed = async (t: { flush(): Promise<unknown> }) => { const f = t.flush(); await vi.advanceTimersByTimeAsync(1000); await f; };
const settle = async () => { await vi.dynamicImportSettled(); await vi.advanceTimersByTimeAsync(600); };

function recorder(name: Adapter['name'], category: Adapter['category']) {
  const sent: ConversionEvent[] = [];
  const loads: number[] = [];
  const adapter: Adapter = { name, category, load: () => { loads.push(1); }, send: (e) => { sent.push(e); } };
  return { adapter, sent, loads };
}

/** One page of the shop (webshop plan), with a recorder per category. */
function page(consent: Record<string, unknown>) {
  const plan: any = example('webshop');
  plan.consent = consent;
  const ga4 = recorder('ga4', 'analytics');
  const meta = recorder('meta', 'ads');
  const tracker = createTracker({ plan, adapters: [ga4.adapter, meta.adapter] });
  const duplicates: unknown[] = [];
  tracker.on('duplicate', (d) => duplicates.push(d));
  return { tracker, ga4, meta, duplicates };
}
const GRANTED = { default: { analytics: 'granted', ads: 'granted' } };

describe('dedupe: a full storage', () => {
  it('a reload with a full localStorage (writes throw, reads work) still sees the order forwarded earlier', async () => {
    const first = page(GRANTED);
    first.tracker.track('purchase', order('FS-7001'));
    await flushed(first.tracker);
    expect(first.ga4.sent).toHaveLength(1);
    expect(localStorage.getItem('mp_dd')).toBeTruthy();

    // The quota is now full: every write throws QuotaExceededError; what is stored can still be read.
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => { throw new DOMException('full', 'QuotaExceededError'); });
    const reload = page(GRANTED);
    reload.tracker.track('purchase', order('FS-7001'));
    await flushed(reload.tracker);
    expect(reload.ga4.sent.map((e) => e.id)).toEqual([]);
    expect(reload.meta.sent.map((e) => e.id)).toEqual([]);
    expect(reload.duplicates).toHaveLength(1);
  });
  it('a withdrawal on a page whose storage is full still deletes the stored record (and the ids) from localStorage', async () => {
    const first = page(GRANTED);
    first.tracker.track('purchase', order('FS-7101'));
    await flushed(first.tracker);
    expect(localStorage.getItem('mp_dd')).toBeTruthy();

    // The quota is full: writes throw; removing an item (which frees space) still works.
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => { throw new DOMException('full', 'QuotaExceededError'); });
    const next = page(GRANTED);
    next.tracker.track('purchase', order('FS-7102'));
    await flushed(next.tracker);
    next.tracker.consent({ analytics: 'denied' });
    // docs/deduplication.md: "Withdrawn: the record is deleted, with the tracker's other analytics storage."
    expect(localStorage.getItem('mp_dd')).toBeNull();
    expect(localStorage.getItem('mp_aid')).toBeNull();
  });
});

describe('consent.cmp: following stops with the tracker', () => {
  it('shutdown() right after createTracker: the TCF listener is removed and a later answer grants nothing', async () => {
    const tcf = fakeTcf(w());
    tcf.stub();
    tcf.load();
    const t = page({ default: { analytics: 'denied', ads: 'denied' }, cmp: 'tcf' });
    await t.tracker.shutdown();
    await settle();
    tcf.choose({ consents: ALL_PURPOSES });
    await settle();
    // Consent is law after shutdown too: a tracker that was shut down must not start storing ids.
    expect(Object.keys(localStorage).filter((k) => k.startsWith('mp_'))).toEqual([]);
    expect((t.tracker as any).__consent).toEqual({ analytics: 'pending', ads: 'pending' });
    expect(tcf.listeners()).toBe(0); // docs/consent-platforms.md: the listener is removed on shutdown
  });

});

describe('dedupe: two tabs on a loaded machine (a write reaches the other tab after 100 ms)', () => {
  const race = async (withLocks: boolean) => {
    const r = orderRace(100, withLocks);
    const now = Date.now();
    r.claim(0, 'FS-9001', now);
    r.claim(1, 'FS-9001', now);
    await vi.advanceTimersByTimeAsync(2_000);
    return r.count();
  };
  it('write-then-verify (no Web Locks): exactly one tab forwards the order', async () => {
    expect(await race(false)).toBe(1); // holds today
  });
  it('Web Locks: exactly one tab forwards the order too (the lock must not be weaker than the fallback)', async () => {
    expect(await race(true)).toBe(1);
  });
});

describe('dedupe: the plan', () => {
  it('a dedupe key that can never hold a key value (an items or boolean property) is a plan mistake, reported at its path', () => {
    // At run time only non-empty text or a number is a key (src/core/tracker.ts); any other value is
    // forwarded with no deduplication at all, so such a plan would silently count orders twice.
    for (const prop of ['items', 'gift_wrap']) {
      const plan: any = example('webshop');
      plan.conversions.purchase.properties.gift_wrap = { type: 'boolean', optional: true };
      plan.conversions.purchase.dedupe = prop;
      expect(checkPlan(plan).map((i) => i.path), prop).toContain('conversions.purchase.dedupe');
    }
  });
});
