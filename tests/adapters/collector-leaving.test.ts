// @vitest-environment jsdom
/**
 * What a collector keeps when the page goes at a bad moment (reliability QA 2026-12-06, real
 * Chromium): a tab hidden while offline (sendBeacon says yes and sends nothing), events tracked
 * within the flush interval before leaving, an outbox that fills while the endpoint is down, a
 * request the endpoint never answers.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { entries, createStore } from 'idb-keyval';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { collector } from '../../adapters/collector/index';
import { post } from '../../adapters/collector/transport';
import { createTracker } from '../../src/core/create';
import type { TrackerEvents } from '../../src/core/types';
import { example } from '../plan/fixtures';

const URL_ = 'http://localhost:3000/collect';
let up = true;
const server = setupServer(http.post(URL_, () => new HttpResponse(null, { status: up ? 200 : 503 })));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
const open: { shutdown(): Promise<void> }[] = [];
beforeEach(() => { (globalThis as any).indexedDB = new IDBFactory(); localStorage.clear(); up = true; });
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
  server.resetHandlers(); // each test's endpoint is its own (flaky-test review: they piled up)
  delete (navigator as any).sendBeacon;
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
});

const plan = () => ({ ...example('webshop'), consent: { default: { analytics: 'granted' as const, ads: 'denied' as const } } });
function page(options: Parameters<typeof collector>[0] = {}) {
  const tracker = createTracker({ plan: plan(), adapters: [collector({ flushInterval: 60_000, ...options })] });
  const errors: TrackerEvents['error'][] = [];
  tracker.on('error', (e) => errors.push(e));
  open.push(tracker);
  return { tracker, errors };
}
const stored = async () => (await entries(createStore('measureplan', 'outbox'))).length;
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

it('stores what was tracked in the next task, long before the flush interval sends it', async () => {
  const { tracker } = page();
  tracker.track('phone_click');
  await tick();
  expect(await stored()).toBe(1); // a page left now keeps it for the next page
});

it('a tab hidden while offline hands nothing to sendBeacon (it would say yes and send nothing): the events stay stored', async () => {
  const beacons: string[] = [];
  (navigator as any).sendBeacon = (_u: string, body: string) => { beacons.push(body); return true; };
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
  const { tracker } = page();
  tracker.track('phone_click');
  tracker.track('purchase', { transaction_id: 'T-off', value: 10, items: [{ item_id: 'A' }] } as never);
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
  await tick();
  expect(beacons).toEqual([]);
  expect(await stored()).toBeGreaterThan(0);
});

it('a tab hidden while the endpoint is failing (backing off) hands nothing to sendBeacon: the events wait for the retry, then all arrive (host-page QA 2026-12-06)', async () => {
  // A beacon never reports back: sent to an endpoint known to be failing, it took 61 of 301 events along.
  up = false;
  const beacons: string[] = [];
  (navigator as any).sendBeacon = (_u: string, body: string) => { beacons.push(body); return true; };
  const received: string[] = [];
  server.use(http.post(URL_, async ({ request }) => {
    if (!up) return new HttpResponse(null, { status: 503 });
    for (const m of (await request.json() as { batch: { messageId: string }[] }).batch) received.push(m.messageId);
    return new HttpResponse(null, { status: 200 });
  }));
  const { tracker } = page({ flushInterval: 1 });
  tracker.track('phone_click');
  await tick(100); // the first request failed: backing off
  tracker.track('purchase', { transaction_id: 'T-hide', value: 10, items: [{ item_id: 'A' }] } as never);
  await tick();
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange')); // a tab switch: no pagehide
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
  await tick();
  expect(beacons).toEqual([]);
  expect(await stored()).toBeGreaterThan(0);
  up = true;
  await expect.poll(() => received.length, { timeout: 5000 }).toBe(2);
  expect(received).toContain('purchase:T-hide');
});

it('a request failed without an answer (the browser failing requests in flight as it navigates) does not hold the beacon back', async () => {
  const beacons: string[] = [];
  (navigator as any).sendBeacon = (_u: string, body: string) => { beacons.push(body); return true; };
  server.use(http.post(URL_, () => HttpResponse.error()));
  const { tracker } = page({ flushInterval: 1 });
  tracker.track('phone_click');
  await tick(100); // its request failed with a network error: backing off
  window.dispatchEvent(new Event('pagehide'));
  expect(beacons.join('')).toContain('phone_click');
});

it('restores a large outbox left by an outage a few records per task, and sends all of it (host-page QA 2026-12-06)', async () => {
  // 20,000 waiting messages read at once were a 120-220 ms long task on every page view.
  up = false;
  const first = page({ flushInterval: 60_000, maxQueue: 50_000 });
  for (let i = 0; i < 3000; i++) first.tracker.track('phone_click');
  await first.tracker.shutdown(); // flushes: the request fails, everything stays stored
  expect(await stored()).toBeGreaterThan(20);
  up = true;
  const reads: number[] = [];
  const getAll = IDBObjectStore.prototype.getAll;
  IDBObjectStore.prototype.getAll = function (this: IDBObjectStore, ...a: any[]) { reads.push(Number(a[1])); return getAll.apply(this, a as never); };
  try {
    const received: string[] = [];
    server.use(http.post(URL_, async ({ request }) => {
      for (const m of (await request.json() as { batch: { messageId: string }[] }).batch) received.push(m.messageId);
      return new HttpResponse(null, { status: 200 });
    }));
    const next = page({ flushInterval: 1, maxQueue: 50_000 });
    next.tracker.track('newsletter_signup');
    await expect.poll(() => received.length, { timeout: 20_000 }).toBe(3001);
    expect(new Set(received).size).toBe(3001);
    // Read in several requests of at most 10 records (100 messages each), not one of all 30.
    expect(reads.length).toBeGreaterThan(2);
    expect(reads.every((n) => n === 10)).toBe(true);
  } finally {
    IDBObjectStore.prototype.getAll = getAll;
  }
}, 30_000);

it('analytics denied while an earlier page\'s outbox is being restored: nothing restored is sent after the denial (diff read 2026-12-06)', async () => {
  up = false;
  const first = page({ flushInterval: 60_000, maxQueue: 50_000 });
  for (let i = 0; i < 3000; i++) first.tracker.track('phone_click');
  await first.tracker.shutdown();
  up = true;
  let denied = false;
  const afterDenial: string[] = [];
  server.use(http.post(URL_, async ({ request }) => {
    const ids = (await request.json() as { batch: { messageId: string }[] }).batch.map((m) => m.messageId);
    if (denied) afterDenial.push(...ids);
    return new HttpResponse(null, { status: 200 });
  }));
  const getAll = IDBObjectStore.prototype.getAll;
  let reads = 0;
  let next: ReturnType<typeof page> | undefined;
  try {
    IDBObjectStore.prototype.getAll = function (this: IDBObjectStore, ...a: any[]) {
      const r = getAll.apply(this, a as never);
      // The visitor withdraws analytics while the second read is in flight (the first one's messages are on their way).
      if (++reads === 2) queueMicrotask(() => { denied = true; next!.tracker.consent({ analytics: 'denied' }); });
      return r;
    };
    next = page({ flushInterval: 1, maxQueue: 50_000 });
    await tick(1500);
  } finally { IDBObjectStore.prototype.getAll = getAll; }
  expect(denied).toBe(true);
  expect(afterDenial).toEqual([]);
  expect(reads).toBe(2); // no read after the denial
  expect(await stored()).toBe(0);
}, 20_000);

it('says once, as an error event, that a full outbox let its oldest events go', async () => {
  up = false;
  const { tracker, errors } = page({ maxQueue: 5, flushInterval: 1 });
  for (let i = 0; i < 12; i++) tracker.track('phone_click');
  await tick(100);
  const said = errors.filter((e) => /outbox is full/.test(e.reason));
  expect(said).toHaveLength(1);
  expect(said[0]!.reason).toMatch(/^the collector's outbox is full \(5 events waiting, the endpoint unreachable\): the oldest are dropped/);
});

it('gives every request a time-out, so an endpoint that never answers cannot hold later ones back', async () => {
  const fetch = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(null, { status: 200 }));
  try {
    await post(URL_, '{}', {}, true);
    expect(fetch.mock.calls[0]![1]!.signal).toBeInstanceOf(AbortSignal);
  } finally { fetch.mockRestore(); }
});

it('what is handed over after pagehide, with no visibilitychange to follow (in-app browsers), leaves at once in a beacon (compat QA 2026-12-07)', async () => {
  // Page-experience values measured on the way out came after the leaving beacon and were lost.
  const beacons: string[] = [];
  (navigator as any).sendBeacon = (_u: string, body: string) => { beacons.push(body); return true; };
  const { tracker } = page();
  tracker.track('phone_click');
  window.dispatchEvent(new Event('pagehide'));
  expect(beacons.join()).toContain('phone_click');
  tracker.track('purchase', { transaction_id: 'T-late', value: 10, items: [{ item_id: 'A' }] } as never);
  await tick();
  expect(beacons).toHaveLength(2);
  expect(beacons[1]).toContain('purchase:T-late');
  expect(beacons[1]).not.toContain('phone_click'); // each message once
  // Shown again (back/forward cache): ordinary batching again, no beacon per message.
  window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
  tracker.track('newsletter_signup', { placement: 'footer' } as never);
  await tick();
  expect(beacons).toHaveLength(2);
});

it('bursts handed over after pagehide go in batches, all beacons since pagehide within one keepalive budget; the rest stays queued (second read 2026-12-07)', async () => {
  // One beacon per message went past the 60,000-byte budget; Chromium refused the ones beyond it.
  const beacons: string[] = [];
  (navigator as any).sendBeacon = (_u: string, body: string) => { beacons.push(body); return true; };
  const { tracker } = page();
  window.dispatchEvent(new Event('pagehide'));
  for (let burst = 0; burst < 2; burst++) {
    for (let i = 0; i < 100; i++) tracker.track('add_to_cart', { item_id: `SKU-${burst}-${i}`, item_name: 'y'.repeat(500), value: 1 } as never);
    await tick();
  }
  expect(beacons.length).toBeLessThanOrEqual(4); // batches, not one per message
  const ids = beacons.flatMap((b) => JSON.parse(b).batch.map((m: { messageId: string }) => m.messageId));
  expect(new Set(ids).size).toBe(ids.length);
  expect(ids.length).toBeGreaterThanOrEqual(40);
  expect(ids.length).toBeLessThan(200);
  expect(beacons.reduce((n, b) => n + new TextEncoder().encode(b).length, 0)).toBeLessThanOrEqual(60_000);
});

it('a page hidden and then left within seconds (Safari\'s order) hands at most one keepalive budget to its beacons (third read 2026-12-07)', async () => {
  const beacons: string[] = [];
  (navigator as any).sendBeacon = (_u: string, body: string) => { beacons.push(body); return true; };
  const { tracker } = page();
  for (let i = 0; i < 200; i++) tracker.track('add_to_cart', { item_id: `SKU-${i}`, item_name: 'y'.repeat(500), value: 1 } as never);
  // Hidden in the same task: nothing is in flight yet, everything waits for the beacons.
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
  window.dispatchEvent(new Event('pagehide'));
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
  const ids = beacons.flatMap((b) => JSON.parse(b).batch.map((m: { messageId: string }) => m.messageId));
  expect(ids.length).toBeGreaterThan(0);
  expect(new Set(ids).size).toBe(ids.length);
  expect(beacons.reduce((n, b) => n + new TextEncoder().encode(b).length, 0)).toBeLessThanOrEqual(60_000);
});

describe('what a page going away cannot commit to IndexedDB is kept in localStorage (diff read 2026-12-07: every event handed over after pagehide that no beacon carried was lost)', () => {
  const stash = () => Object.keys(localStorage).filter((k) => k.startsWith('mp_ob_'));
  /** What the stash holds: each add_to_cart's item id, else its event. */
  const stashed = () => stash().flatMap((k) => JSON.parse(localStorage.getItem(k)!).e.map((e: [string, number, string]) => {
    const m = JSON.parse(e[2]);
    return m.properties?.item_id ?? m.event;
  }));
  /**
   * Dispatches pagehide and lets the microtasks it queued run, as they do before the pagehide task
   * ends (the collector's beacon for what is handed over in it); fails when a later task had to run.
   */
  const leave = async () => {
    let later = false;
    setTimeout(() => (later = true));
    window.dispatchEvent(new Event('pagehide'));
    for (let i = 0; i < 10; i++) await Promise.resolve();
    expect(later).toBe(false);
  };
  const arrivals = () => {
    const got: string[] = [];
    server.use(http.post(URL_, async ({ request }) => {
      if (!up) return new HttpResponse(null, { status: 503 });
      for (const m of (await request.json() as { batch: { messageId: string }[] }).batch) got.push(m.messageId);
      return new HttpResponse(null, { status: 200 });
    }));
    return got;
  };
  /** Tracks `n` add_to_cart in a pagehide listener that runs after the collector's, as a site's own would; their message ids. */
  const cartsOnLeave = (tracker: ReturnType<typeof page>['tracker'], n: number, tag = 'L', name = 'y'.repeat(500)) => {
    const f = () => { for (let i = 0; i < n; i++) tracker.track('add_to_cart', { item_id: `${tag}-${i}`, item_name: name, value: 1 } as never); };
    window.addEventListener('pagehide', f, { once: true });
  };
  /** The document is gone: its IndexedDB transactions never committed (the next page sees none of them). */
  const documentGone = () => { (globalThis as any).indexedDB = new IDBFactory(); };
  const off = () => Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });

  it('offline as the page goes: the events are in localStorage within the pagehide task, and the next page sends each once', async () => {
    const first = page();
    await tick();
    first.tracker.track('phone_click'); // handed over before, still unwritten: kept too
    cartsOnLeave(first.tracker, 20);
    off();
    await leave();
    expect(stashed().sort()).toEqual([...Array.from({ length: 20 }, (_, i) => `L-${i}`), 'phone_click'].sort());
    documentGone();
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    const got = arrivals();
    const next = page({ flushInterval: 1 });
    await expect.poll(() => got.length, { timeout: 5000 }).toBe(21);
    expect(new Set(got).size).toBe(21);
    expect(stash()).toEqual([]); // taken over: moved into the next page's outbox
    await next.tracker.flush();
    await expect.poll(stored).toBe(0);
  });

  it('what the beacon carried is not kept again', async () => {
    const beacons: string[] = [];
    (navigator as any).sendBeacon = (_u: string, body: string) => { beacons.push(body); return true; };
    const first = page();
    await tick();
    cartsOnLeave(first.tracker, 100);
    await leave();
    const beaconed = beacons.flatMap((b) => JSON.parse(b).batch.map((m: { properties: { item_id: string } }) => m.properties.item_id));
    expect(beaconed.length).toBeGreaterThan(10);
    expect(beaconed.length).toBeLessThan(100);
    expect(stashed().sort()).toEqual(Array.from({ length: 100 }, (_, i) => `L-${i}`).filter((id) => !beaconed.includes(id)).sort());
  });

  it('a page shown again from the back/forward cache takes its stash back, unless another page took it meanwhile', async () => {
    const first = page();
    await tick();
    cartsOnLeave(first.tracker, 3, 'B');
    off();
    await leave();
    expect(stashed()).toHaveLength(3);
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    expect(stash()).toEqual([]);
    const got = arrivals();
    await first.tracker.flush();
    expect(got).toHaveLength(3);
    await tick();
    expect(await stored()).toBe(0);

    // Left again, its stash is taken by another page, then it is shown again: it sends nothing of it.
    cartsOnLeave(first.tracker, 2, 'C');
    off();
    await leave();
    expect(stashed().sort()).toEqual(['C-0', 'C-1']);
    for (const k of stash()) localStorage.removeItem(k); // what another tab's restore does
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    await first.tracker.flush();
    expect(got).toHaveLength(3);
  });

  it('an IndexedDB write that committed after all is not sent twice, and leaves no copy stored', async () => {
    const first = page();
    await tick();
    first.tracker.track('phone_click');
    await tick(); // stored in IndexedDB
    for (let i = 0; i < 5; i++) first.tracker.track('add_to_cart', { item_id: `W-${i}`, value: 1 } as never);
    off();
    // Safari's order: hidden first, whose write is on its way when pagehide comes.
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    await leave();
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    expect(stashed().sort()).toEqual(['W-0', 'W-1', 'W-2', 'W-3', 'W-4']);
    await tick(50); // this time the write commits
    expect((await entries(createStore('measureplan', 'outbox'))).flatMap(([, r]: any) => r.e).length).toBe(6);
    // The document is gone, leaving its stash and the committed record (shut down here, unable to
    // deliver; its shutdown writes the stash no more, as the record now holds those events).
    const left = stash().map((k) => [k, localStorage.getItem(k)!] as const);
    up = false;
    await first.tracker.shutdown();
    for (const [k, v] of left) localStorage.setItem(k, v);
    up = true;
    Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => true });
    const got = arrivals();
    page({ flushInterval: 1 });
    await expect.poll(() => got.length, { timeout: 3000 }).toBe(6);
    await tick(300);
    expect(got).toHaveLength(6);
    expect(new Set(got).size).toBe(6);
    await expect.poll(stored).toBe(0);
  });

  it('an analytics denial deletes the stash with the outbox', async () => {
    const first = page();
    await tick();
    cartsOnLeave(first.tracker, 2);
    off();
    await leave();
    expect(stashed()).toHaveLength(2);
    first.tracker.consent({ analytics: 'denied' }); // a banner answered as the page goes
    expect(stash()).toEqual([]);
  });
  it('a tab that stays open takes over what another tab stashed as it went, at once (a single-page app may load no page for long)', async () => {
    const live = page({ flushInterval: 1 });
    await tick();
    const got = arrivals();
    const other = JSON.stringify({ v: 2, e: [['m-1', 1, JSON.stringify({ type: 'track', event: 'add_to_cart', messageId: 'm-1' })]] });
    localStorage.setItem('mp_ob_other', other);
    window.dispatchEvent(new StorageEvent('storage', { key: 'mp_ob_other', newValue: other }));
    await expect.poll(() => got).toEqual(['m-1']);
    expect(stash()).toEqual([]);
    // Analytics denied here: another tab's stash is no longer this tab's to send.
    live.tracker.consent({ analytics: 'denied' });
    localStorage.setItem('mp_ob_third', other.replaceAll('m-1', 'm-2'));
    window.dispatchEvent(new StorageEvent('storage', { key: 'mp_ob_third', newValue: other.replaceAll('m-1', 'm-2') }));
    await tick(100);
    expect(got).toEqual(['m-1']);
  });
  it('events handed over one microtask at a time after pagehide are each written once, not the whole stash again each time (its second read: 27 million characters for 200)', async () => {
    const first = page();
    await tick();
    const written: number[] = [];
    const setItem = Storage.prototype.setItem;
    Storage.prototype.setItem = function (this: Storage, k: string, v: string) { if (k.startsWith('mp_ob_')) written.push(v.length); return setItem.call(this, k, v); };
    try {
      // A site's async pagehide handler: one track() per microtask.
      window.addEventListener('pagehide', async () => {
        for (let i = 0; i < 200; i++) { first.tracker.track('add_to_cart', { item_id: `M-${i}`, value: 1 } as never); await Promise.resolve(); }
      }, { once: true });
      off();
      let later = false;
      setTimeout(() => (later = true));
      window.dispatchEvent(new Event('pagehide'));
      for (let i = 0; i < 2000 && stashed().length < 200; i++) await Promise.resolve();
      expect(later).toBe(false);
    } finally {
      Storage.prototype.setItem = setItem;
    }
    expect(stashed().sort()).toEqual(Array.from({ length: 200 }, (_, i) => `M-${i}`).sort());
    const total = stash().reduce((n, k) => n + localStorage.getItem(k)!.length, 0);
    expect(written.reduce((a, b) => a + b, 0)).toBe(total); // each event written once
  });

  it('leaves the site its room in localStorage, and keeps to 500,000 characters counted as written', async () => {
    // A site that holds 1,990,000 characters itself: the stash stops where the total reaches 2,000,000.
    localStorage.setItem('site_cache', 'x'.repeat(1_990_000));
    const first = page();
    await tick();
    cartsOnLeave(first.tracker, 100);
    off();
    await leave();
    const all = Object.keys(localStorage).reduce((n, k) => n + k.length + localStorage.getItem(k)!.length, 0);
    expect(stashed().length).toBeGreaterThan(0);
    expect(stashed().length).toBeLessThan(100);
    expect(all).toBeLessThanOrEqual(2_000_000);
    expect(() => localStorage.setItem('site_later', 'y'.repeat(1_000_000))).not.toThrow(); // its own write still fits
    localStorage.clear();

    // Messages full of quotes: the cap counts the characters stored, escapes included, over several
    // keys (a burst a moment later) with their names (third read: 534,641 characters).
    const second = page({ maxQueue: 50_000 });
    await tick();
    cartsOnLeave(second.tracker, 200, 'Q', '"'.repeat(300));
    window.addEventListener('pagehide', async () => {
      for (let k = 0; k < 3; k++) { await Promise.resolve(); for (let i = 0; i < 20; i++) second.tracker.track('add_to_cart', { item_id: `R-${k}-${i}`, value: 1 } as never); }
    }, { once: true });
    await leave();
    expect(stash().length).toBeGreaterThan(1);
    expect(stashed().length).toBe(260);
    const size = () => stash().reduce((n, k) => n + k.length + localStorage.getItem(k)!.length, 0);
    expect(size()).toBeGreaterThan(350_000);
    expect(size()).toBeLessThanOrEqual(500_000);
    localStorage.clear();

    // More than fits: cut at 500,000.
    const third = page({ maxQueue: 50_000 });
    await tick();
    cartsOnLeave(third.tracker, 1000, 'S', '"'.repeat(300));
    await leave();
    expect(stashed().length).toBeLessThan(1000);
    expect(size()).toBeGreaterThan(450_000);
    expect(size()).toBeLessThanOrEqual(500_000);
  });

  it('ads withdrawn once the page has stashed: the stash keeps no click id', async () => {
    history.replaceState(null, '', '/?gclid=GCLID-STASHED');
    try {
      const tracker = createTracker({ plan: { ...example('webshop'), consent: { default: { analytics: 'granted', ads: 'granted' } } }, adapters: [collector({ flushInterval: 60_000 })] });
      open.push(tracker);
      await tick();
      window.addEventListener('pagehide', () => tracker.track('add_to_cart', { item_id: 'G-1', value: 1 } as never), { once: true });
      off();
      await leave();
      const text = () => stash().map((k) => localStorage.getItem(k)).join();
      expect(text()).toContain('GCLID-STASHED');
      tracker.consent({ ads: 'denied' });
      expect(stashed()).toEqual(['G-1']);
      expect(text()).not.toContain('GCLID-STASHED');
    } finally {
      history.replaceState(null, '', '/');
    }
  });
  it('a page with nothing to keep as it goes does not read the site\'s localStorage (third read: 20-29 ms with 20,000 keys)', async () => {
    for (let i = 0; i < 50; i++) localStorage.setItem(`site_${i}`, 'x');
    const first = page();
    await tick();
    first.tracker.track('phone_click');
    await tick(50); // written to IndexedDB
    const read: string[] = [];
    const getItem = Storage.prototype.getItem;
    Storage.prototype.getItem = function (this: Storage, k: string) { read.push(k); return getItem.call(this, k); };
    try { off(); await leave(); } finally { Storage.prototype.getItem = getItem; }
    expect(read.filter((k) => k.startsWith('site_'))).toEqual([]);
    expect(stash()).toEqual([]);
  });

  it('ads withdrawn as the page goes: a message whose request was in flight is stashed again without its click id', async () => {
    history.replaceState(null, '', '/?gclid=GCLID-INFLIGHT');
    server.use(http.post(URL_, async () => { await tick(400); return new HttpResponse(null, { status: 200 }); })); // answered after the page went
    (globalThis as any).indexedDB = undefined; // memory only: nothing is ever written to IndexedDB (third read)
    try {
      const tracker = createTracker({ plan: { ...example('webshop'), consent: { default: { analytics: 'granted', ads: 'granted' } } }, adapters: [collector({ flushInterval: 1 })] });
      open.push(tracker);
      await tick();
      tracker.track('add_to_cart', { item_id: 'F-1', value: 1 } as never);
      await tick(50); // on its way, unanswered
      off();
      await leave();
      const text = () => stash().map((k) => localStorage.getItem(k)).join();
      expect(text()).toContain('GCLID-INFLIGHT');
      tracker.consent({ ads: 'denied' });
      expect(stashed()).toContain('F-1');
      expect(text()).not.toContain('GCLID-INFLIGHT');
    } finally {
      history.replaceState(null, '', '/');
    }
  });

  it('a burst of keys another tab stashed is taken over once, without reading the IndexedDB outbox again when no gone page is newly taken over (third read: 4,601 reads, 1.35 s of long tasks)', async () => {
    page({ flushInterval: 1 });
    await tick();
    const got = arrivals();
    const reads = vi.spyOn(IDBObjectStore.prototype, 'getAll');
    try {
      for (let n = 0; n < 20; n++) {
        const value = JSON.stringify({ v: 2, e: [[`k-${n}`, n, JSON.stringify({ type: 'track', event: 'add_to_cart', messageId: `k-${n}` })]] });
        localStorage.setItem(`mp_ob_gone.${n}`, value);
        window.dispatchEvent(new StorageEvent('storage', { key: `mp_ob_gone.${n}`, newValue: value }));
      }
      await expect.poll(() => got.length).toBe(20);
      expect(reads).not.toHaveBeenCalled();
    } finally {
      reads.mockRestore();
    }
    expect(stash()).toEqual([]);
  });
});
