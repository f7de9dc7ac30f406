// @vitest-environment jsdom
/**
 * A site that filled localStorage itself (a quota error on every write): what measureplan must
 * keep goes to this tab's sessionStorage, so that a reloaded confirmation page still finds its
 * order and the visitor keeps one id across the tab's pages (src/core/storage.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import { localStore } from '../../src/core/storage';
import type { Adapter, ConversionEvent } from '../../src/core/types';
import { example } from '../plan/fixtures';
import { useCleanPage } from '../cmp/helpers';

useCleanPage();
afterEach(() => { localStorage.clear(); sessionStorage.clear(); vi.restoreAllMocks(); });

const order = (id: string) => ({ transaction_id: id, value: 2499, items: [{ item_id: 'SKU-1', price: 2499, quantity: 1 }] });
const flushed = async (t: { flush(): Promise<unknown> }) => { const f = t.flush(); await vi.advanceTimersByTimeAsync(1000); await f; };

/** localStorage refuses every write, as a quota filled by the site does; sessionStorage has room. */
function fillLocalStorage() {
  const real = Storage.prototype.setItem;
  vi.spyOn(Storage.prototype, 'setItem').mockImplementation(function (this: Storage, k: string, v: string) {
    if (this === localStorage) throw new DOMException('full', 'QuotaExceededError');
    real.call(this, k, v);
  });
}

/** One page of the shop in this tab, consent granted. */
function page() {
  const plan: any = example('webshop');
  plan.consent = { default: { analytics: 'granted', ads: 'granted' } };
  const sent: ConversionEvent[] = [];
  const ga4: Adapter = { name: 'ga4', category: 'analytics', load: () => undefined, send: (e) => { sent.push(e); } };
  const tracker = createTracker({ plan, adapters: [ga4] });
  const duplicates: unknown[] = [];
  tracker.on('duplicate', (d) => duplicates.push(d));
  return { tracker, sent, duplicates };
}

const ours = (s: Storage) => Object.keys(s).filter((k) => k.startsWith('mp_')).sort();

describe('localStorage full: this tab keeps what measureplan stores', () => {
  it('a confirmation page reloaded in the same tab does not send the order again; the visitor keeps their id', async () => {
    fillLocalStorage();
    const first = page();
    first.tracker.track('purchase', order('FS-9001'));
    await flushed(first.tracker);
    expect(first.sent.map((e) => e.transactionId)).toEqual(['FS-9001']);
    await first.tracker.shutdown();

    const reload = page();
    reload.tracker.track('purchase', order('FS-9001'));
    await flushed(reload.tracker);
    expect(reload.sent).toEqual([]);
    expect(reload.duplicates).toHaveLength(1);
    await reload.tracker.shutdown();

    // The next order, on a later page of the tab: sent, by the same visitor.
    const next = page();
    next.tracker.track('purchase', order('FS-9002'));
    await flushed(next.tracker);
    expect(next.sent.map((e) => e.transactionId)).toEqual(['FS-9002']);
    expect(next.sent[0]!.anonymousId).toBe(first.sent[0]!.anonymousId);
    expect(ours(localStorage)).toEqual([]);
    expect(ours(sessionStorage)).toContain('mp_aid');
  });

  it('an order forwarded by another tab after the site freed space is a duplicate in this tab, whose spill is older (QA diffread10)', async () => {
    fillLocalStorage();
    const a = page();
    a.tracker.track('purchase', order('FS-9201'));
    await flushed(a.tracker);
    await a.tracker.shutdown();
    // The site frees space; tab B (its own sessionStorage) forwards FS-9202.
    vi.restoreAllMocks();
    const tabA = { ...sessionStorage };
    sessionStorage.clear();
    const b = page();
    b.tracker.track('purchase', order('FS-9202'));
    await flushed(b.tracker);
    expect(b.sent.map((e) => e.transactionId)).toEqual(['FS-9202']);
    await b.tracker.shutdown();
    // Back in tab A: FS-9202's confirmation opens there too.
    sessionStorage.clear();
    for (const [k, v] of Object.entries(tabA)) sessionStorage.setItem(k, v);
    const again = page();
    again.tracker.track('purchase', order('FS-9202'));
    await flushed(again.tracker);
    expect(again.sent).toEqual([]);
    expect(again.duplicates).toHaveLength(1);
  });

  it('a withdrawal deletes what spilled to sessionStorage too', async () => {
    fillLocalStorage();
    const t = page();
    t.tracker.track('purchase', order('FS-9101'));
    await flushed(t.tracker);
    expect(ours(sessionStorage)).toEqual(expect.arrayContaining(['mp_aid', 'mp_dd', 'mp__spill']));
    t.tracker.consent({ ads: 'denied' }); // analytics keys stay, and with them the marker
    expect(ours(sessionStorage)).toEqual(expect.arrayContaining(['mp_aid', 'mp__spill']));
    t.tracker.consent({ analytics: 'denied' });
    // The marker too: nothing of ours is left in the tab (consent QA 2026-12-07).
    expect(ours(sessionStorage)).toEqual([]);
  });
});

describe('nothing is read before consent', () => {
  it('a page whose visitor has not decided reads neither localStorage nor sessionStorage, the spill marker included; the grant reads them (second read of this session)', async () => {
    const reads: string[] = [];
    const real = Storage.prototype.getItem;
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(function (this: Storage, k: string) { reads.push(k); return real.call(this, k); });
    const plan: any = example('webshop');
    plan.consent = { default: { analytics: 'denied', ads: 'denied' } };
    const tracker = createTracker({ plan, adapters: [] });
    tracker.track('add_to_cart', { item_id: 'SKU-1', value: 10 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(reads.filter((k) => k.startsWith('mp_'))).toEqual([]);
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    expect(reads.filter((k) => k.startsWith('mp_'))).toContain('mp_aid');
    await tracker.shutdown();
  });
});

describe('localStore', () => {
  it('reads the spilled value before the older one localStorage still holds, and drops the copy once localStorage takes writes again', () => {
    localStorage.setItem('mp_k', '"old"');
    fillLocalStorage();
    const reports: string[] = [];
    const a = localStore((r) => reports.push(r));
    a.set('k', 'new');
    expect(a.get('k')).toBe('new');
    expect(localStorage.getItem('mp_k')).toBe('"old"'); // kept: it outlives the tab
    expect(reports).toEqual([expect.stringContaining('QuotaExceededError')]);
    // The tab's next page, the quota still full: the spilled value wins.
    expect(localStore(() => undefined).get('k')).toBe('new');

    // The site freed space: the next page writes to localStorage and forgets the tab's copy.
    vi.restoreAllMocks();
    const b = localStore(() => undefined);
    b.set('k', 'newest');
    expect(localStorage.getItem('mp_k')).toBe('"newest"');
    expect(sessionStorage.getItem('mp_k')).toBeNull();
    expect(localStore(() => undefined).get('k')).toBe('newest');
  });

  it('once another tab wrote localStorage (the site freed space), its value is newer than this tab\'s spill (QA diffread10)', () => {
    localStorage.setItem('mp_k', '"old"');
    fillLocalStorage();
    localStore(() => undefined).set('k', 'spilled here');
    expect(localStore(() => undefined).get('k')).toBe('spilled here');
    vi.restoreAllMocks();
    localStorage.setItem('mp_k', '"from the other tab"'); // that tab has room again
    expect(localStore(() => undefined).get('k')).toBe('from the other tab');
    // Nothing stored before the spill, then the other tab writes: its value too.
    fillLocalStorage();
    localStore(() => undefined).set('j', 'spilled here');
    vi.restoreAllMocks();
    localStorage.setItem('mp_j', '"from the other tab"');
    expect(localStore(() => undefined).get('j')).toBe('from the other tab');
  });

  it('keeps the value in memory for the page when sessionStorage refuses too', () => { // holds today
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => { throw new DOMException('full', 'QuotaExceededError'); });
    const s = localStore(() => undefined);
    s.set('k', { a: 1 });
    expect(s.get('k')).toEqual({ a: 1 });
    expect(localStore(() => undefined).get('k')).toBeUndefined();
  });
});

describe('site data blocked: the storage cannot even be reached (tabs QA 2026-12-06)', () => {
  it('says so once, at the first use, and keeps the values for the page', () => {
    // Chromium with site data blocked, and cross-site frames, throw on reading window.localStorage itself.
    const ls = vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => { throw new DOMException('denied', 'SecurityError'); });
    const ss = vi.spyOn(window, 'sessionStorage', 'get').mockImplementation(() => { throw new DOMException('denied', 'SecurityError'); });
    const said: string[] = [];
    const store = localStore((m) => said.push(m));
    ls.mockRestore(); ss.mockRestore(); // read once, when the store is made
    expect(said).toEqual([]); // nothing said before a use: uses come only under consent
    store.set('aid', 'v-1');
    expect(store.get('aid')).toBe('v-1');
    store.get('aid');
    expect(said).toEqual(['first-party storage is unavailable (SecurityError); keeping data for this page only']); // a reload keeps nothing (compat QA 2026-12-07)
  });

  it('a sessionStorage that cannot be reached leaves a working localStorage in use (compat QA 2026-12-07)', () => {
    const ss = vi.spyOn(window, 'sessionStorage', 'get').mockImplementation(() => { throw new DOMException('denied', 'SecurityError'); });
    const said: string[] = [];
    const store = localStore((m) => said.push(m));
    ss.mockRestore();
    store.set('aid', 'v-1');
    expect(localStore(() => undefined).get('aid')).toBe('v-1'); // the next page (a reload) finds it
    expect(said).toEqual([]);
  });

  it('says "this tab" when the tab\'s storage keeps what localStorage cannot', () => {
    const ls = vi.spyOn(window, 'localStorage', 'get').mockImplementation(() => { throw new DOMException('denied', 'SecurityError'); });
    const said: string[] = [];
    const store = localStore((m) => said.push(m));
    ls.mockRestore();
    store.set('aid', 'v-2');
    expect(said).toEqual(['first-party storage is unavailable (SecurityError); keeping data for this tab only']);
    expect(store.get('aid')).toBe('v-2');
  });
});
