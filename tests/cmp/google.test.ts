// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { fakeGoogle } from './fakes';
import { ANALYTICS_ONLY, DENIED, follow, GRANTED, ORDERS, useCleanPage, w } from './helpers';

useCleanPage();

const DEFAULT_DENIED = { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied', wait_for_update: 500 };
const ALL_GRANTED = { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', analytics_storage: 'granted' };
const ALL_DENIED = { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied' };

describe.each(ORDERS)('Google Consent Mode: the banner %s', (_, first) => {
  /** Google's snippet and the banner's default are in the head; gtag.js loads later. */
  function page() {
    const g = fakeGoogle(w());
    if (first) { g.snippet(); g.gtag('consent', 'default', DEFAULT_DENIED); }
    const f = follow('google');
    // measureplan first: it finds the new dataLayer within 250 ms.
    if (!first) { vi.advanceTimersByTime(300); g.snippet(); g.gtag('consent', 'default', DEFAULT_DENIED); vi.advanceTimersByTime(250); }
    return { g, ...f };
  }

  it('a default is not the visitor\'s decision; the first update is', () => {
    const { g, decisions } = page();
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([]);
    g.gtag('consent', 'update', ALL_GRANTED);
    expect(decisions).toEqual([GRANTED]);
  });

  it('a default that grants everything is still not an answer', () => {
    const { g, decisions } = page();
    g.gtag('consent', 'default', ALL_GRANTED);
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([]);
  });

  it('partial: analytics_storage only', () => {
    const { g, decisions } = page();
    g.gtag('consent', 'update', { ...ALL_DENIED, analytics_storage: 'granted' });
    expect(decisions).toEqual([ANALYTICS_ONLY]);
  });

  it('ads need ad_storage, ad_user_data and ad_personalization', () => {
    const { g, decisions } = page();
    g.gtag('consent', 'update', { ...ALL_GRANTED, ad_personalization: 'denied' });
    expect(decisions).toEqual([ANALYTICS_ONLY]);
    g.gtag('consent', 'update', { ad_personalization: 'granted' });
    expect(decisions).toEqual([ANALYTICS_ONLY, GRANTED]);
  });

  it('one update per category (CookieYes, Civic): the first answers its own category only (CMP QA 2026-12-06)', () => {
    const { g, decisions } = page();
    g.gtag('consent', 'update', { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted' });
    expect(decisions).toEqual([{ ads: 'granted' }]);
    expect(decisions[0]).not.toHaveProperty('analytics', 'denied');
    g.gtag('consent', 'update', { analytics_storage: 'granted' });
    expect(decisions).toEqual([{ ads: 'granted' }, GRANTED]);
  });

  it('a category\'s keys split over two updates: no denial in between (second read 2026-12-06)', () => {
    const { g, decisions } = page();
    g.gtag('consent', 'update', { ad_storage: 'granted', analytics_storage: 'granted' });
    expect(decisions).toEqual([{ analytics: 'granted' }]);
    g.gtag('consent', 'update', { ad_user_data: 'granted', ad_personalization: 'granted' });
    expect(decisions).toEqual([{ analytics: 'granted' }, GRANTED]);
  });

  it('one ads key denied is a denial, whatever the others say', () => {
    const { g, decisions } = page();
    g.gtag('consent', 'update', { ad_storage: 'denied' });
    expect(decisions).toEqual([{ ads: 'denied' }]);
  });

  it('an update that names neither category decides nothing', () => {
    const { g, decisions } = page();
    g.gtag('consent', 'update', { functionality_storage: 'granted', security_storage: 'granted' });
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([]);
  });

  it('analytics first, then ads: the same', () => {
    const { g, decisions } = page();
    g.gtag('consent', 'update', { analytics_storage: 'granted' });
    expect(decisions).toEqual([{ analytics: 'granted' }]);
    expect(decisions[0]!.ads).toBeUndefined();
    g.gtag('consent', 'update', { ad_storage: 'denied' });
    expect(decisions).toEqual([{ analytics: 'granted' }, ANALYTICS_ONLY]);
  });

  it('updates fold key by key: a later update of one key keeps the others', () => {
    const { g, decisions } = page();
    g.gtag('consent', 'update', ALL_GRANTED);
    g.gtag('consent', 'update', { analytics_storage: 'denied' });
    expect(decisions).toEqual([GRANTED, { analytics: 'denied', ads: 'granted' }]);
  });

  it('follows a withdrawal, through gtag.js once it has taken over dataLayer.push', () => {
    const { g, decisions } = page();
    g.gtag('consent', 'update', ALL_GRANTED);
    g.loadGtagJs();
    g.gtag('event', 'page_view');
    g.gtag('consent', 'update', ALL_DENIED);
    expect(decisions).toEqual([GRANTED, DENIED]);
    // gtag.js still received every command, once.
    expect(g.processed.filter((c) => c[0] === 'consent')).toHaveLength(3);
  });

  it('stop() ignores later updates', () => {
    const { g, decisions, stop } = page();
    stop();
    g.gtag('consent', 'update', ALL_GRANTED);
    vi.advanceTimersByTime(1_000);
    expect(decisions).toEqual([]);
  });
});

describe('Google Consent Mode: living with gtag.js and GTM', () => {
  it('keeps the original push and its return value', () => {
    const g = fakeGoogle(w());
    g.snippet();
    follow('google');
    const length = w().dataLayer.push({ event: 'x' }, { event: 'y' });
    expect(length).toBe(2);
    expect([...w().dataLayer]).toEqual([{ event: 'x' }, { event: 'y' }]);
    g.loadGtagJs();
    expect(w().dataLayer.push({ event: 'z' })).toBe(3);
  });

  it('a push that replaces ours without calling it is wrapped again; nothing is missed', () => {
    const g = fakeGoogle(w());
    g.snippet();
    const { decisions } = follow('google');
    g.loadGtagJs({ chain: false });
    g.gtag('consent', 'update', ALL_GRANTED);
    expect(decisions).toEqual([]);
    vi.advanceTimersByTime(250);
    expect(decisions).toEqual([GRANTED]);
    g.gtag('consent', 'update', ALL_DENIED);
    expect(decisions).toEqual([GRANTED, DENIED]);
    expect(g.processed.filter((c) => c[0] === 'consent')).toHaveLength(2);
  });

  it('commands pushed as plain arrays count too; other dataLayer objects are ignored', () => {
    w().dataLayer = [{ event: 'gtm.js' }, ['consent', 'default', DEFAULT_DENIED]];
    const { decisions } = follow('google');
    w().dataLayer.push({ event: 'consent', analytics_storage: 'granted' });
    expect(decisions).toEqual([]);
    w().dataLayer.push(['consent', 'update', ALL_GRANTED]);
    expect(decisions).toEqual([GRANTED]);
  });

  it("measureplan's own Consent Mode update (its Google adapters) is not an answer", () => {
    const g = fakeGoogle(w());
    g.snippet();
    g.gtag('consent', 'default', DEFAULT_DENIED);
    const { decisions } = follow('google');
    // What adapters/_shared/gtag.ts does when analytics is granted by the plan and ads is pending.
    const own = { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'granted' };
    w().__measureplanGtag = { p: Promise.resolve(), o: new WeakSet([own]) };
    g.gtag('consent', 'update', own);
    expect(decisions).toEqual([]);
    g.gtag('consent', 'update', ALL_GRANTED);
    expect(decisions).toEqual([GRANTED]);
  });

  it('an update pushed before measureplan has found a new dataLayer is read within 250 ms', () => {
    const { decisions } = follow('google');
    const g = fakeGoogle(w());
    g.snippet();
    g.gtag('consent', 'update', ALL_GRANTED);
    expect(decisions).toEqual([]);
    vi.advanceTimersByTime(250);
    expect(decisions).toEqual([GRANTED]);
  });

  it('a push that cannot be wrapped (frozen) is still read every 250 ms', () => {
    const dl: unknown[] = [];
    Object.defineProperty(dl, 'push', { value: Array.prototype.push, writable: false });
    w().dataLayer = dl;
    const { decisions } = follow('google');
    dl.push(['consent', 'update', ALL_GRANTED]);
    vi.advanceTimersByTime(250);
    expect(decisions).toEqual([GRANTED]);
  });

  it('a dataLayer replaced by the site is followed from its first entry', () => {
    const { decisions } = follow('google');
    w().dataLayer = [];
    vi.advanceTimersByTime(250);
    w().dataLayer = [['consent', 'update', ALL_GRANTED]];
    vi.advanceTimersByTime(250);
    expect(decisions).toEqual([GRANTED]);
  });

  it('no consent command at all: one warning after the timeout, no decision', () => {
    fakeGoogle(w()).snippet();
    w().gtag('js', new Date());
    const { decisions, warnings } = follow('google', { timeout: 3_000 });
    vi.advanceTimersByTime(30_000);
    expect(warnings).toEqual(["google has not loaded after 3 s; the plan's default consent stays in force"]);
    expect(decisions).toEqual([]);
  });
});

describe('Google Consent Mode: measureplan’s own commands are not the platform', () => {
  it('with GA4 pushing its Consent Mode default and update, a banner that never loads is still reported', async () => {
    const { createTracker } = await import('../../src/core/create');
    const { ga4 } = await import('../../adapters/ga4/index');
    const { example } = await import('../plan/fixtures');
    const logged: string[] = [];
    vi.spyOn(console, 'warn').mockImplementation((m: unknown) => { logged.push(String(m)); });
    const plan: any = example('webshop');
    // Analytics granted by the plan: GA4 loads at once and installs the Google tag; the banner's script is blocked.
    plan.consent = { default: { analytics: 'granted', ads: 'denied' }, cmp: 'google' };
    const tracker = createTracker({ plan, adapters: [ga4()], debug: true });
    await vi.dynamicImportSettled();
    await vi.advanceTimersByTimeAsync(600);
    expect(Array.from(w().dataLayer as ArrayLike<unknown>[], (a) => Array.from(a)).some((c) => c[0] === 'consent')).toBe(true); // ours
    await vi.advanceTimersByTimeAsync(11_000);
    expect(logged.filter((m) => m.includes('has not loaded'))).toEqual([
      "measureplan: google has not loaded after 10 s; the plan's default consent stays in force",
    ]);
    await tracker.shutdown();
    vi.restoreAllMocks();
    document.head.innerHTML = '';
  });

  it('a banner’s update that happens to equal measureplan’s own is the visitor’s answer', () => {
    const g = fakeGoogle(w());
    g.snippet();
    const own = { ...ALL_GRANTED };
    w().__measureplanGtag = { p: Promise.resolve(), o: new WeakSet([own]) };
    g.gtag('consent', 'update', own);
    const { decisions } = follow('google');
    expect(decisions).toEqual([]);
    g.gtag('consent', 'update', { ...ALL_GRANTED });
    expect(decisions).toEqual([GRANTED]);
  });
});
