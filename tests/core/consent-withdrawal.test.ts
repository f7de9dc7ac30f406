// @vitest-environment jsdom
/**
 * Consent withdrawals and the rule of DESIGN.md "Consent." (docs/consent.md), end to end with the
 * real tracker and the real adapters: identify() after a withdrawal, the collector's outbox on a
 * denial, nothing loaded, stored or sent before a grant.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import { VERIFY_MS } from '../../src/core/dedupe';
import type { Tracker } from '../../src/core/types';
import { collector } from '../../adapters/collector/index';
import { ga4 } from '../../adapters/ga4/index';
import { googleAds } from '../../adapters/google-ads/index';
import { meta } from '../../adapters/meta/index';
import { linkedin } from '../../adapters/linkedin/index';
import { microsoftAds } from '../../adapters/microsoft-ads/index';
import { commands, resetWindow } from '../adapters/harness';
import { example } from '../plan/fixtures';

const URL_ = 'http://localhost:3000/collect';
let received: any[] = [];
let status = 200;
const server = setupServer(http.post(URL_, async ({ request }) => {
  const body = JSON.parse(await request.text());
  if (status === 200) received.push(...body.batch);
  return new HttpResponse(null, { status });
}));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const open: Tracker[] = [];
beforeEach(() => {
  (globalThis as any).indexedDB = new IDBFactory(); // a fresh browser profile per test
  localStorage.clear();
  history.replaceState(null, '', '/');
  received = [];
  status = 200;
  resetWindow();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
  resetWindow();
});

const w = window as any;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const outbox = async () => { const { createStore, entries } = await import('idb-keyval'); return entries(createStore('measureplan', 'outbox')); };
const items = [{ item_id: 'SKU-1', item_name: 'Tent', price: 2499, quantity: 1 }];

function start(defaults: { analytics: 'granted' | 'denied'; ads: 'granted' | 'denied' }, edit?: (p: any) => void) {
  const plan = example('webshop');
  plan.consent = { default: defaults };
  edit?.(plan);
  const tracker = createTracker({ plan, adapters: [ga4(), googleAds(), meta(), linkedin(), microsoftAds(), collector({ flushInterval: 10 })] });
  open.push(tracker);
  return tracker;
}
const vendorScripts = () => Array.from(document.querySelectorAll('script')).map((s) => s.src);

describe('identify() after a withdrawal reaches no destination of the withdrawn category', () => {
  it('analytics withdrawn: the collector receives no identify (user id, raw e-mail) afterwards', async () => {
    const tracker = start({ analytics: 'granted', ads: 'denied' });
    tracker.track('phone_click'); // the collector is loaded and delivering
    await tracker.flush();
    expect(received.map((m) => m.event)).toEqual(['phone_click']); // delivered under the grant
    received = [];
    tracker.consent({ analytics: 'denied' });
    tracker.identify('U-1', { email: 'kari@example.com', phone: '+4791234567' });
    await tracker.flush();
    await sleep(50);
    await tracker.flush();
    // docs/api.md: "A later denial stops all sending for the category".
    expect(received).toEqual([]);
  });

  it('analytics withdrawn: GA4 gets no user_id afterwards', async () => {
    const tracker = start({ analytics: 'granted', ads: 'denied' });
    tracker.consent({ analytics: 'denied' });
    const before = commands(w.dataLayer).length;
    tracker.identify('U-1', {});
    expect(commands(w.dataLayer).slice(before)).toEqual([]);
  });

  it('ads withdrawn: Meta gets no hashed e-mail (advanced matching) afterwards', async () => {
    const tracker = start({ analytics: 'denied', ads: 'denied' }, (p) => { p.destinations.meta.advancedMatching = true; });
    tracker.consent({ ads: 'granted' });
    await sleep(20); // the pixel's init is queued
    tracker.consent({ ads: 'denied' });
    await sleep(20);
    const q = () => Array.from(w.fbq.queue as ArrayLike<unknown>[], (a) => Array.from(a));
    expect(q().at(-1)).toEqual(['consent', 'revoke']);
    const before = q().length;
    tracker.identify('U-1', { email: 'kari@example.com' });
    await sleep(50);
    expect(q().slice(before)).toEqual([]);
  });
});

describe('the collector outbox (IndexedDB) is analytics storage', () => {
  it('an explicit analytics denial on a later page deletes what an earlier page left in the outbox', async () => {
    // Page 1: analytics granted, the endpoint is down: the conversion stays in the IndexedDB outbox.
    status = 503;
    const plan1 = example('webshop');
    plan1.consent = { default: { analytics: 'granted', ads: 'denied' } };
    const page1 = createTracker({ plan: plan1, adapters: [collector({ flushInterval: 10 })] });
    page1.track('add_to_cart', { item_id: 'SKU-1', value: 2499 });
    await sleep(100);
    await page1.shutdown();
    expect(await outbox()).toHaveLength(1);
    // Page 2: the visitor withdraws analytics consent.
    status = 200;
    const plan2 = example('webshop');
    const page2 = createTracker({ plan: plan2, adapters: [collector({ flushInterval: 10 })] });
    open.push(page2);
    page2.consent({ analytics: 'denied', ads: 'denied' });
    await sleep(100);
    expect(Object.keys(localStorage)).toEqual([]); // localStorage: deleted, as documented
    // docs/api.md: a later denial "deletes what the tracker itself had stored for it" (IndexedDB outbox: analytics).
    expect(await outbox()).toHaveLength(0);
  });
});

describe('the collector outbox on a denial: this page', () => {
  it('a denial on the page that stored events deletes their records and drops them from memory: nothing is sent after it (consent QA 2026-12-06)', async () => {
    status = 503;
    const tracker = start({ analytics: 'granted', ads: 'denied' });
    tracker.track('add_to_cart', { item_id: 'SKU-1', value: 2499 });
    await sleep(100);
    expect(await outbox()).toHaveLength(1);
    tracker.consent({ analytics: 'denied' });
    await sleep(50);
    expect(await outbox()).toHaveLength(0);
    status = 200; // docs/consent.md: a withdrawal stops sending to the category at once
    window.dispatchEvent(new Event('online'));
    window.dispatchEvent(new Event('pagehide')); // no beacon either
    await tracker.flush();
    expect(received).toEqual([]);
    expect(await outbox()).toHaveLength(0);
  });

  it('an ads withdrawal takes the click ids out of what waits, stored and in memory; the conversions still go (consent QA 2026-12-06)', async () => {
    history.replaceState(null, '', '/product/tent?gclid=GCLID-SECRET&fbclid=FBCLID-SECRET&utm_source=mail');
    status = 503; // an offline visitor: the messages wait in the outbox
    const tracker = start({ analytics: 'granted', ads: 'granted' });
    tracker.track('add_to_cart', { item_id: 'SKU-1', value: 2499 });
    await sleep(100);
    expect(JSON.stringify(await outbox())).toContain('GCLID-SECRET');
    tracker.track('view_item', { item_id: 'SKU-2' }); // still in memory when ads is withdrawn
    tracker.consent({ ads: 'denied' });
    await sleep(100);
    const stored = JSON.stringify(await outbox());
    expect(stored).not.toMatch(/GCLID-SECRET|FBCLID-SECRET|click_ids/);
    expect(stored).toContain('utm_source=mail');
    status = 200;
    window.dispatchEvent(new Event('online'));
    await tracker.flush();
    expect(received.map((m) => m.event).sort()).toEqual(['add_to_cart', 'consent_updated', 'view_item']);
    const sent = JSON.stringify(received);
    expect(sent).not.toMatch(/GCLID-SECRET|FBCLID-SECRET|click_ids/);
    expect(received.every((m) => m.context.measureplan.consent.ads === 'denied')).toBe(true);
  });

  it('a denial in a browser profile with no outbox creates none', async () => {
    start({ analytics: 'denied', ads: 'denied' }).consent({ analytics: 'denied', ads: 'denied' });
    await sleep(50);
    expect((await indexedDB.databases()).map((d) => d.name)).toEqual([]);
  });
});

describe('coverage that holds', () => {
  it('before any decision: no script, no vendor global, no storage; a grant of ads only opens ads only', async () => {
    history.replaceState(null, '', '/?gclid=G1&fbclid=F1&utm_source=news');
    const tracker = start({ analytics: 'denied', ads: 'denied' });
    tracker.identify('U-1', { email: 'kari@example.com' });
    tracker.track('add_to_cart', { item_id: 'SKU-1', value: 2499 });
    tracker.track('purchase', { transaction_id: 'T-1', value: 2499, items });
    tracker.page();
    tracker.variant('free_shipping_banner' as never);
    await sleep(20);
    expect(vendorScripts()).toEqual([]);
    for (const g of ['dataLayer', 'gtag', 'fbq', 'lintrk', 'uetq']) expect(w[g]).toBeUndefined();
    expect(Object.keys(localStorage)).toEqual([]);
    expect(await outbox()).toHaveLength(0);

    tracker.consent({ ads: 'granted' }); // a partial update: analytics stays undecided
    await sleep(20);
    expect(Object.keys(localStorage)).toEqual(['mp_clk']); // ads storage only
    expect(vendorScripts().some((s) => s.includes('google-analytics') || s.includes('gtag/js?id=G-'))).toBe(false);
    const gtagCmds = commands(w.dataLayer);
    expect(gtagCmds.filter((c) => c[0] === 'config').map((c) => c[1])).toEqual(['AW-123456789']);
    expect(gtagCmds.find((c) => c[0] === 'consent' && c[1] === 'update')?.[2]).toMatchObject({ analytics_storage: 'denied', ad_storage: 'granted' });
    expect(received).toEqual([]);
  });

  it('events held at page leave are not written anywhere (pagehide, hidden)', async () => {
    const tracker = start({ analytics: 'denied', ads: 'denied' });
    tracker.track('add_to_cart', { item_id: 'SKU-1', value: 2499 });
    tracker.track('purchase', { transaction_id: 'T-2', value: 2499, items });
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    window.dispatchEvent(new Event('pagehide'));
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    await sleep(50);
    expect(Object.keys(localStorage)).toEqual([]);
    expect(await outbox()).toHaveLength(0);
    expect(received).toEqual([]);
    expect(vendorScripts()).toEqual([]);
  });

  it('junk consent values change nothing; the held events stay held', async () => {
    const tracker = start({ analytics: 'denied', ads: 'denied' });
    tracker.track('phone_click');
    for (const junk of [{ analytics: 'GRANTED', ads: true }, { ads: 'yes' }, ['granted'], null, 'granted', { analytics: undefined }]) tracker.consent(junk as never);
    await sleep(20);
    expect(w.dataLayer).toBeUndefined();
    tracker.consent({ ads: 'granted' });
    await sleep(20);
    expect(commands(w.dataLayer).filter((c) => c[0] === 'event').map((c) => (c[2] as any).send_to)).toEqual(['AW-123456789/PhOnE123']);
  });

  it('analytics denied during an in-flight exactly-once claim: no dedupe record is left, nothing reaches analytics', async () => {
    const tracker = start({ analytics: 'granted', ads: 'denied' });
    tracker.track('purchase', { transaction_id: 'T-9', value: 1, items });
    tracker.consent({ analytics: 'denied' });
    await sleep(VERIFY_MS + 100);
    await tracker.flush();
    expect(Object.keys(localStorage)).toEqual([]);
    expect(commands(w.dataLayer).filter((c) => c[0] === 'event')).toEqual([]);
    expect(received).toEqual([]);
  });
});
