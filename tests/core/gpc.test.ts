// @vitest-environment jsdom
/**
 * Global Privacy Control (docs/consent.md "Global Privacy Control"): a browser that sends it has
 * opted out of sale and sharing, which is what the `ads` category does. With the plan's default
 * (`consent.gpc` absent or "deny-ads") ads stays denied whatever the banner grants; "banner"
 * leaves the signal to the site's banner. Real tracker, real adapters, real collector (msw).
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
import { commands, resetWindow } from '../adapters/harness';
import { fakeGoogle } from '../cmp/fakes';
import { example } from '../plan/fixtures';

const URL_ = 'http://localhost:3000/collect';
let received: any[] = [];
const server = setupServer(http.post(URL_, async ({ request }) => {
  received.push(...JSON.parse(await request.text()).batch);
  return new HttpResponse(null, { status: 200 });
}));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const open: Tracker[] = [];
const setGpc = (on: boolean | undefined) => {
  if (on === undefined) delete (navigator as any).globalPrivacyControl;
  else Object.defineProperty(navigator, 'globalPrivacyControl', { value: on, configurable: true });
};
beforeEach(() => {
  (globalThis as any).indexedDB = new IDBFactory();
  localStorage.clear();
  history.replaceState(null, '', '/');
  received = [];
  resetWindow();
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
  setGpc(undefined);
  resetWindow();
  vi.restoreAllMocks();
});

const w = window as any;

// The vendors' globals, not their <script> elements: a URL is inserted once per module (load-script.ts).
const adsTags = () => ({ fbq: w.fbq, lintrk: w.lintrk, uetq: w.uetq, googleAds: commands(w.dataLayer).some((c) => c[0] === 'config' && String(c[1]).startsWith('AW-')) });
const noAds = { fbq: undefined, lintrk: undefined, uetq: undefined, googleAds: false };
const sent = (name: string) => received.find((m) => m.event === name);
/** The consent each conversion was tracked under, as `on('event')` reports it. */
const underConsent = (tracker: Tracker) => { const seen: unknown[] = []; tracker.on('event', (e) => seen.push(e.event.consent)); return seen; };

function start(consent: Record<string, unknown>, debug = false) {
  const plan = example('webshop');
  plan.consent = consent as any;
  const tracker = createTracker({ plan, adapters: [ga4(), googleAds(), meta(), linkedin(), microsoftAds(), collector({ flushInterval: 10 })], debug });
  open.push(tracker);
  return tracker;
}

describe('a browser that sends Global Privacy Control', () => {
  it('keeps ads denied when the banner grants everything: no ad tag, no ad call, Google told ads are denied', async () => {
    setGpc(true);
    const tracker = start({ default: { analytics: 'denied', ads: 'denied' } });
    const skipped: string[] = [];
    tracker.on('skipped', (s) => skipped.push(s.reason));
    const consents = underConsent(tracker);
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    tracker.track('add_to_cart', { item_id: 'SKU-1', value: 2499 });
    await tracker.flush();

    // Analytics works as the banner said.
    const gtag = commands(w.dataLayer);
    expect(gtag.some((c) => c[0] === 'config' && String(c[1]).startsWith('G-'))).toBe(true);
    expect(sent('add_to_cart')).toBeDefined();
    expect(consents).toEqual([{ analytics: 'granted', ads: 'denied' }]);
    // Ads: nothing loaded or queued, and Consent Mode says denied.
    expect(adsTags()).toEqual(noAds);
    const updates = gtag.filter((c) => c[0] === 'consent').map((c) => c[2] as Record<string, string>);
    expect(updates.at(-1)).toMatchObject({ analytics_storage: 'granted', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' });
    expect(skipped).toContain('meta: ads consent denied'); // add_to_cart goes to Meta too
  });

  it('overrides a plan that grants ads by default', async () => {
    setGpc(true);
    const tracker = start({ default: { analytics: 'granted', ads: 'granted' } });
    const consents = underConsent(tracker);
    tracker.track('add_to_cart', { item_id: 'SKU-1', value: 2499 });
    await tracker.flush();
    expect(sent('add_to_cart')).toBeDefined();
    expect(consents).toEqual([{ analytics: 'granted', ads: 'denied' }]);
    expect(adsTags()).toEqual(noAds);
  });

  it('deletes the ad click ids an earlier page stored, before any banner answer', async () => {
    // An earlier page, before the visitor switched the signal on: ads granted, a click id stored.
    history.replaceState(null, '', '/?gclid=G-EARLIER&fbclid=F-EARLIER');
    const before = start({ default: { analytics: 'granted', ads: 'granted' } });
    before.track('phone_click');
    await before.flush();
    await before.shutdown();
    expect(localStorage.getItem('mp_clk')).toContain('G-EARLIER');

    history.replaceState(null, '', '/next');
    setGpc(true);
    const tracker = start({ default: { analytics: 'denied', ads: 'denied' } });
    expect(localStorage.getItem('mp_clk')).toBeNull();
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    expect(tracker.clickIds()).toEqual({});
    expect(localStorage.getItem('mp_clk')).toBeNull();
  });

  it('says why in debug mode when the banner grants ads', () => {
    setGpc(true);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.spyOn(console, 'groupCollapsed').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const tracker = start({ default: { analytics: 'denied', ads: 'denied' } }, true);
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    expect(warn.mock.calls.map((c) => c.join(' ')).join('\n')).toMatch(/ads stays denied: the browser sends Global Privacy Control \(plan consent.gpc\)/);
  });

  it('a consent platform that writes Consent Mode itself: Google\'s tag hears the denial after its grant (second read 2026-12-07)', async () => {
    setGpc(true);
    const google = fakeGoogle(w);
    google.snippet();
    google.gtag('consent', 'default', { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied' });
    const tracker = start({ default: { analytics: 'denied', ads: 'denied' }, cmp: 'google' });
    await vi.dynamicImportSettled();
    const lastSaid = () => commands(w.dataLayer).filter((c) => c[0] === 'consent').at(-1)?.[2];
    const all = { analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' };
    google.gtag('consent', 'update', all); // the banner's "accept all"
    await vi.waitFor(() => expect(lastSaid()).toMatchObject({ analytics_storage: 'granted', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' }));
    // The banner saved again with the same answer (no change for the reader to pass on): the same.
    google.gtag('consent', 'update', all);
    expect(lastSaid()).toMatchObject({ ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' });
    // The site's own banner code writing Consent Mode, then telling measureplan: the same.
    google.gtag('consent', 'update', all);
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    expect(lastSaid()).toMatchObject({ ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' });
  });

  it('a platform that answers every write with its own: no endless fight, and nothing thrown (late read 2026-12-07)', async () => {
    setGpc(true);
    const google = fakeGoogle(w);
    google.snippet();
    const all = { analytics_storage: 'granted', ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' };
    start({ default: { analytics: 'denied', ads: 'denied' }, cmp: 'google' });
    await vi.dynamicImportSettled();
    // The platform writes its grant again whenever another consent command lands.
    const push = w.dataLayer.push;
    w.dataLayer.push = function (this: unknown, ...a: any[]) {
      const r = push.apply(this, a);
      if (a[0]?.[0] === 'consent' && a[0][2]?.ad_storage === 'denied') google.gtag('consent', 'update', all);
      return r;
    };
    expect(() => google.gtag('consent', 'update', all)).not.toThrow();
    await vi.waitFor(() => expect(commands(w.dataLayer).filter((c) => c[0] === 'consent').length).toBeGreaterThan(2));
    await new Promise((r) => setTimeout(r, 600)); // the reader's polls
    expect(commands(w.dataLayer).filter((c) => c[0] === 'consent').length).toBeLessThan(100);
  });

  it('answers no click ids, and its conversions carry none, though the landing address had them (second read 2026-12-07)', async () => {
    setGpc(true);
    history.replaceState(null, '', '/?gclid=G-GPC&fbclid=F-GPC');
    const tracker = start({ default: { analytics: 'denied', ads: 'denied' } });
    const carried: unknown[] = [];
    tracker.on('event', ({ event }) => carried.push(event.clickIds));
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    tracker.track('phone_click');
    expect(tracker.clickIds()).toEqual({});
    expect(carried).toEqual([{}]);
  });

  it('is left to the banner with "gpc": "banner"', async () => {
    setGpc(true);
    const tracker = start({ default: { analytics: 'denied', ads: 'denied' }, gpc: 'banner' });
    const consents = underConsent(tracker);
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    tracker.track('add_to_cart', { item_id: 'SKU-1', value: 2499 });
    await tracker.flush();
    expect(consents).toEqual([{ analytics: 'granted', ads: 'granted' }]);
    expect(typeof w.fbq).toBe('function');
  });

  it('clickIds() answers only under an ads grant, on any browser (second read 2026-12-07)', () => {
    history.replaceState(null, '', '/?gclid=G-ANY');
    const tracker = start({ default: { analytics: 'denied', ads: 'denied' } });
    expect(tracker.clickIds()).toEqual({}); // not decided yet
    tracker.consent({ ads: 'granted' });
    expect(tracker.clickIds()).toEqual({ gclid: 'G-ANY' });
    tracker.consent({ ads: 'denied' });
    expect(tracker.clickIds()).toEqual({});
  });

  it('GPC false or absent changes nothing: the grant opens ads', async () => {
    for (const signal of [false, undefined]) {
      setGpc(signal);
      const tracker = start({ default: { analytics: 'denied', ads: 'denied' } });
      tracker.consent({ analytics: 'granted', ads: 'granted' });
      tracker.track('phone_click');
      await tracker.flush();
      expect(typeof w.fbq).toBe('function');
      await tracker.shutdown();
      resetWindow();
    }
  });
});

describe('an ads withdrawal reaches the collector (US shop review 2026-12-07)', () => {
  it("one consent_updated signal with the new consent, so that the store's latest word on the visitor is the withdrawal", async () => {
    const tracker = start({ default: { analytics: 'denied', ads: 'denied' } });
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    tracker.track('phone_click');
    await tracker.flush();
    tracker.consent({ ads: 'denied' }); // "Do not sell or share", on the visitor's last page
    tracker.consent({ ads: 'denied' }); // said again: no second signal
    await tracker.flush();
    const signals = received.filter((m) => m.event === 'consent_updated');
    expect(signals).toHaveLength(1);
    expect(signals[0]).toMatchObject({ type: 'track', properties: {}, context: { measureplan: { kind: 'signal', consent: { analytics: 'granted', ads: 'denied' } } } });
    expect(signals[0].anonymousId).toBe(received.find((m) => m.event === 'phone_click').anonymousId);
  });

  it('none for a denial that was never a grant (an undecided visitor, Global Privacy Control), nor without analytics', async () => {
    setGpc(true);
    const gpc = start({ default: { analytics: 'denied', ads: 'denied' } });
    gpc.consent({ analytics: 'granted', ads: 'granted' });
    gpc.consent({ ads: 'denied' });
    await gpc.flush();
    setGpc(undefined);
    const both = start({ default: { analytics: 'denied', ads: 'denied' } });
    both.consent({ analytics: 'granted', ads: 'granted' });
    both.consent({ analytics: 'denied', ads: 'denied' });
    await both.flush();
    expect(received.filter((m) => m.event === 'consent_updated')).toEqual([]);
  });
});
