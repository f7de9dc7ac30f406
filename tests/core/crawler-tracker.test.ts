// @vitest-environment jsdom
/**
 * Declared crawlers (plan `bots`, docs/data-protection.md "Crawlers"): under the default "skip" a
 * browser whose user agent says it is Googlebot gets a tracker that stores, loads and sends
 * nothing, shows every experiment's control and still answers every call; "measure" measures it
 * as before. Real tracker, real adapters, real collector (msw), and a plan that grants both
 * categories by default, so that a visitor's first page would send at once.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Tracker } from '../../src/core/types';
import { collector } from '../../adapters/collector/index';
import { ga4 } from '../../adapters/ga4/index';
import { googleAds } from '../../adapters/google-ads/index';
import { meta } from '../../adapters/meta/index';
import { linkedin } from '../../adapters/linkedin/index';
import { microsoftAds } from '../../adapters/microsoft-ads/index';
import { resetWindow } from '../adapters/harness';
import { journey } from '../plan/fixtures';

const GOOGLEBOT = 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.108 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const URL_ = 'http://localhost:3000/collect';
let received: any[] = [];
/** Every request the page made, to any address. */
let requests: string[] = [];
const server = setupServer(http.post(URL_, async ({ request }) => {
  received.push(...JSON.parse(await request.text()).batch);
  return new HttpResponse(null, { status: 200 });
}));
server.events.on('request:start', ({ request }) => { requests.push(request.url); });
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const jsdomAgent = navigator.userAgent;
const setAgent = (ua: string) => Object.defineProperty(navigator, 'userAgent', { value: ua, configurable: true });
const open: Tracker[] = [];
beforeEach(() => {
  (globalThis as any).indexedDB = new IDBFactory();
  localStorage.clear();
  sessionStorage.clear();
  history.replaceState(null, '', '/?gclid=CRAWLER-CLICK&utm_source=newsletter');
  received = [];
  requests = [];
  resetWindow();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
  setAgent(jsdomAgent);
  resetWindow();
  vi.restoreAllMocks();
});

const w = window as any;

function start(bots?: 'skip' | 'measure', debug = false) {
  const plan: any = journey();
  plan.consent = { default: { analytics: 'granted', ads: 'granted' } };
  if (bots) plan.bots = bots;
  plan.destinations.collector.pages = true;
  const tracker = createTracker({ plan, adapters: [ga4(), googleAds(), meta(), linkedin(), microsoftAds(), collector({ flushInterval: 10 })], debug });
  open.push(tracker);
  return tracker;
}

/** What the page did on a crawler: every kind of call, as a shop's own code makes them. */
async function visit(tracker: Tracker) {
  const heard: string[] = [];
  for (const e of ['event', 'sent', 'skipped', 'waiting', 'exposure'] as const) tracker.on(e, () => heard.push(e));
  tracker.consent({ analytics: 'granted', ads: 'granted' });
  tracker.page();
  const shown = tracker.variant('free_shipping_banner' as never);
  tracker.experiment('external_test', 'b');
  tracker.identify('user-42', { plan: 'gold' });
  tracker.track('view_item' as never, { item_id: 'SKU-1', value: 2499 } as never);
  tracker.track('add_to_cart' as never, { item_id: 'SKU-1', value: 2499 } as never);
  tracker.track('purchase' as never, { transaction_id: 'T-1', value: 2499, items: [{ item_id: 'SKU-1' }] } as never);
  await tracker.flush();
  await new Promise((r) => setTimeout(r, 50)); // time for a collector batch or a late tag, were one coming
  return { heard, shown };
}

const stored = async () => ({
  local: Object.keys(localStorage),
  session: Object.keys(sessionStorage),
  databases: (await indexedDB.databases()).map((d) => d.name),
});

describe('a browser that says it is Googlebot, under the default "bots": "skip"', () => {
  it('stores nothing, loads no tag and sends nothing, whatever the page calls', async () => {
    setAgent(GOOGLEBOT);
    const tracker = start();
    const { heard } = await visit(tracker);

    expect(requests).toEqual([]);
    expect(received).toEqual([]);
    expect(await stored()).toEqual({ local: [], session: [], databases: [] });
    expect(document.querySelectorAll('script')).toHaveLength(0);
    expect({ dataLayer: w.dataLayer, gtag: w.gtag, fbq: w.fbq, lintrk: w.lintrk, uetq: w.uetq }).toEqual({ dataLayer: undefined, gtag: undefined, fbq: undefined, lintrk: undefined, uetq: undefined });
    expect(heard).toEqual([]); // no conversion accepted, no exposure
    await expect(tracker.shutdown()).resolves.toBeUndefined();
  });

  it('shows every experiment its control, and records no exposure', async () => {
    setAgent(GOOGLEBOT);
    const plan: any = journey();
    plan.consent = { default: { analytics: 'granted', ads: 'granted' } };
    plan.experiments.checkout_copy = { variants: ['original', 'short', 'long'], weights: [1, 1, 98] };
    const tracker = createTracker({ plan, adapters: [collector({ flushInterval: 10 })] });
    open.push(tracker);
    for (let i = 0; i < 5; i++) {
      expect(tracker.variant('free_shipping_banner')).toBe('control');
      expect(tracker.variant('checkout_copy')).toBe('original');
    }
    for (const name of ['no_such_test', 'constructor', '__proto__', 'toString', 42, null]) expect(tracker.variant(name as never)).toBeUndefined();
    await tracker.flush();
    expect(requests).toEqual([]);
    expect(localStorage.getItem('mp_exp')).toBeNull();
  });

  it('answers every method as its type says, and never throws', async () => {
    setAgent(GOOGLEBOT);
    const tracker = start();
    expect(tracker.clickIds()).toEqual({}); // the address has a gclid: not kept
    expect(tracker.cart()).toEqual({ items: [], value: 0, currency: 'NOK' }); // as a visitor's empty cart (the plan's currency)
    expect(tracker.funnel('checkout' as never)).toBeUndefined();
    expect(tracker.linkUrl('https://checkout.example/pay')).toBe('https://checkout.example/pay');
    const off = tracker.on('error', () => undefined);
    expect(typeof off).toBe('function');
    off();
    expect(() => tracker.track(42 as never)).not.toThrow();
    expect(() => tracker.identify(7 as never)).not.toThrow();
    expect(() => tracker.consent('yes' as never)).not.toThrow();
    await expect(tracker.flush()).resolves.toBeUndefined();
    await expect(tracker.shutdown()).resolves.toBeUndefined();
  });

  it('still checks the page\'s calls against the plan: a mistake is reported, a valid call is not, and neither is sent', async () => {
    setAgent(GOOGLEBOT);
    const plan: any = journey();
    plan.conversions.add_to_cart.properties.currency = { type: 'string', pattern: '^[A-Z]{3}$', optional: true };
    plan.consent = { default: { analytics: 'granted', ads: 'granted' } }; // a visitor's valid call would go out at once
    const tracker = createTracker({ plan, adapters: [collector({ flushInterval: 10 })] });
    open.push(tracker);
    const errors: string[] = [];
    tracker.on('error', (e) => errors.push(`${e.path}: ${e.reason}`));
    tracker.track('add_to_basket' as never);
    tracker.track('add_to_cart' as never, { item_id: 'SKU-1', value: -5 } as never);
    tracker.track('add_to_cart' as never, { item_id: 'SKU-1', value: 2499, currency: 'nok' } as never); // "nok" is NOK, as for a visitor
    expect(errors).toEqual([
      'conversions.add_to_basket: "add_to_basket" is not a conversion in the plan "Fjellsport webshop"; nothing was sent',
      expect.stringMatching(/^conversions\.add_to_cart\.properties\.value: value .*; the conversion was not sent$/),
    ]);
    await tracker.flush();
    await new Promise((r) => setTimeout(r, 50));
    expect(requests).toEqual([]);
  });

  it('says why in debug mode, once, with the crawler\'s name and the plan word that measures it; nothing without debug', () => {
    setAgent(GOOGLEBOT);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    start();
    expect([...warn.mock.calls, ...log.mock.calls]).toEqual([]);

    const tracker = start(undefined, true);
    tracker.track('add_to_basket' as never);
    const said = warn.mock.calls.map((c) => c.join(' '));
    expect(said[0]).toBe('measureplan: this browser says it is a crawler (Googlebot); nothing is stored or sent. "bots": "measure" in the plan measures crawlers.');
    expect(said.filter((s) => s.includes('crawler'))).toHaveLength(1);
    expect(said[1]).toMatch(/^measureplan: conversions\.add_to_basket: "add_to_basket" is not a conversion/);
  });
});

describe('the same browser with "bots": "measure", and a person\'s browser', () => {
  it('"measure": Googlebot is measured like a visitor (stored, sent to the collector, assigned a variant)', async () => {
    setAgent(GOOGLEBOT);
    const tracker = start('measure');
    const { heard, shown } = await visit(tracker);
    await expect.poll(() => received.filter((m) => m.type === 'track').map((m) => m.event), { timeout: 5000 }).toEqual(expect.arrayContaining(['view_item', 'add_to_cart', 'purchase']));
    expect(received.every((m) => m.context.userAgent === GOOGLEBOT)).toBe(true); // the collector can still tell it apart
    expect(heard).toContain('sent');
    expect(['control', 'banner']).toContain(shown);
    expect((await stored()).local).toEqual(expect.arrayContaining(['mp_aid', 'mp_clk']));
    expect(typeof w.gtag).toBe('function');
  });

  it('a person\'s browser is measured under the default plan, as before', async () => {
    setAgent('Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36');
    const tracker = start();
    await visit(tracker);
    await expect.poll(() => received.filter((m) => m.type === 'track').map((m) => m.event), { timeout: 5000 }).toEqual(expect.arrayContaining(['view_item', 'add_to_cart', 'purchase']));
    expect((await stored()).local).toContain('mp_aid');
    expect(typeof w.fbq).toBe('function');
  });
});
