// @vitest-environment jsdom
/**
 * The tracker following each consent platform (plan `consent.cmp`), with the real GA4 and Meta
 * adapters: no answer or a denial → nothing loaded, stored or sent; an acceptance later → the
 * waiting conversions delivered once; a withdrawal → Consent Mode update denied, Meta revoke,
 * and nothing new sent.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import { ga4 } from '../../adapters/ga4/index';
import { meta } from '../../adapters/meta/index';
import type { ConsentPlatform } from '../../src/plan/types';
import { example } from '../plan/fixtures';
import { fakeCookiebot, fakeCookieInformation, fakeGoogle, fakeOneTrust, fakeShopify, fakeTcf } from './fakes';
import { useCleanPage, w } from './helpers';

useCleanPage();
afterEach(() => { for (const g of ['fbq', '_fbq']) delete w()[g]; document.head.innerHTML = ''; localStorage.clear(); });

const ALL_PURPOSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const DENIED_GOOGLE = { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied' };
const GRANTED_GOOGLE = { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', analytics_storage: 'granted' };

/** Each platform: how its script arrives, and how the visitor accepts and then withdraws. */
const PLATFORMS: Record<ConsentPlatform, () => { accept(): void; withdraw(): void; deny(): void }> = {
  tcf: () => { const f = fakeTcf(w()); f.stub(); f.load(); return { accept: () => f.choose({ consents: ALL_PURPOSES }), withdraw: () => f.choose({ consents: [] }), deny: () => f.choose({ consents: [] }) }; },
  google: () => {
    const f = fakeGoogle(w()); f.snippet(); f.gtag('consent', 'default', DENIED_GOOGLE);
    return { accept: () => f.gtag('consent', 'update', GRANTED_GOOGLE), withdraw: () => f.gtag('consent', 'update', DENIED_GOOGLE), deny: () => f.gtag('consent', 'update', DENIED_GOOGLE) };
  },
  cookiebot: () => { const f = fakeCookiebot(w()); f.load(); return { accept: () => f.submit({ preferences: true, statistics: true, marketing: true }), withdraw: () => f.renew({}), deny: () => f.submit({ preferences: false, statistics: false, marketing: false }) }; },
  cookieinformation: () => { const f = fakeCookieInformation(w()); f.load(); return { accept: () => f.submit(['cookie_cat_statistic', 'cookie_cat_marketing']), withdraw: () => f.submit([]), deny: () => f.submit([]) }; },
  onetrust: () => { const f = fakeOneTrust(w()); f.load(); return { accept: () => f.allowAll(), withdraw: () => f.rejectAll(), deny: () => f.rejectAll() }; },
  shopify: () => {
    const f = fakeShopify(w()); f.storefront(); f.load();
    const all = (v: boolean) => ({ analytics: v, marketing: v, preferences: v, sale_of_data: v });
    return { accept: () => f.choose(all(true)), withdraw: () => f.choose(all(false)), deny: () => f.choose(all(false)) };
  },
};

const gtagCommands = () => Array.from((w().dataLayer ?? []) as ArrayLike<unknown>[], (a) => Array.from(a));
const fbqCommands = () => Array.from((w().fbq?.queue ?? []) as ArrayLike<unknown>[], (a) => Array.from(a));
const settle = async () => { await vi.dynamicImportSettled(); await vi.advanceTimersByTimeAsync(600); };

describe.each(Object.keys(PLATFORMS) as ConsentPlatform[])('consent.cmp: %s', (name) => {
  it('waits for the visitor, delivers once on acceptance, stops on withdrawal', async () => {
    const platform = PLATFORMS[name]();
    const tracker = createTracker({ plan: { ...example('webshop'), consent: { default: { analytics: 'denied', ads: 'denied' }, cmp: name } }, adapters: [ga4(), meta()] });
    tracker.track('newsletter_signup');
    await settle();
    // No answer yet: nothing of either category loaded, stored or sent.
    expect(w().fbq).toBeUndefined();
    expect(gtagCommands().some((c) => c[0] === 'event' || c[0] === 'config')).toBe(false);
    expect(Object.keys(localStorage).filter((k) => k.startsWith('mp_'))).toEqual([]);

    platform.accept();
    await settle();
    expect(gtagCommands().filter((c) => c[0] === 'event').map((c) => c[1])).toEqual(['sign_up']);
    expect(fbqCommands().filter((c) => c[0] === 'track' && c[1] !== 'PageView').map((c) => c[1])).toEqual(['Subscribe']);

    platform.withdraw();
    await settle();
    tracker.track('visited_pricing');
    tracker.track('newsletter_signup');
    await settle();
    const updates = gtagCommands().filter((c) => c[0] === 'consent' && c[1] === 'update');
    expect(updates.at(-1)![2]).toMatchObject({ analytics_storage: 'denied', ad_storage: 'denied' });
    expect(fbqCommands().at(-1)).toEqual(['consent', 'revoke']);
    expect(gtagCommands().filter((c) => c[0] === 'event').map((c) => c[1])).toEqual(['sign_up']);
    await tracker.shutdown();
  });

  it('an explicit denial drops the waiting conversions: nothing loaded, stored or sent, then or later', async () => {
    const platform = PLATFORMS[name]();
    const tracker = createTracker({ plan: { ...example('webshop'), consent: { default: { analytics: 'denied', ads: 'denied' }, cmp: name } }, adapters: [ga4(), meta()] });
    const skipped: string[] = [];
    tracker.on('skipped', (e) => skipped.push(e.reason));
    tracker.track('newsletter_signup');
    await settle();
    platform.deny();
    await settle();
    tracker.track('visited_pricing');
    tracker.track('newsletter_signup');
    await settle();
    expect(w().fbq).toBeUndefined();
    expect(gtagCommands().some((c) => c[0] === 'event' || c[0] === 'config')).toBe(false);
    expect(Object.keys(localStorage).filter((k) => k.startsWith('mp_'))).toEqual([]);
    expect(skipped.length).toBeGreaterThan(0); // the later conversions were refused for the denial, not lost silently
    await tracker.shutdown();
  });
});
