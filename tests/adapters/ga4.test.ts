// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { ga4 } from '../../adapters/ga4/index';
import { googleAds } from '../../adapters/google-ads/index';
import { bench, commands, eventFor, resetWindow } from './harness';
import { example } from '../plan/fixtures';

const G = 'G-F1X2Y3Z4W5';
const SCRIPT = `https://www.googletagmanager.com/gtag/js?id=${G}`;
const denied = { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied' };
const analyticsOnly = { ...denied, analytics_storage: 'granted' };
const all = { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', analytics_storage: 'granted' };
const dataLayer = () => commands((window as any).dataLayer);
const tent = { item_id: 'SKU-TENT-2', item_name: 'Lavvo 2', price: 1299, quantity: 1, item_category: 'Tents' };

/** A loaded GA4 adapter on a bench; the dataLayer is cleared after the install commands. */
async function loaded(options: Parameters<typeof bench>[0] = {}) {
  const b = bench({ status: { ads: 'pending' }, ...options });
  const a = ga4();
  await a.load(b.ctx);
  const install = dataLayer();
  (window as any).dataLayer.length = 0;
  return { b, a, install };
}

beforeEach(() => resetWindow());

describe('ga4 load', () => {
  it('installs the Google tag with the plan consent default first, then the current consent, js, config', async () => {
    const { b, install } = await loaded();
    expect(install).toEqual([
      ['consent', 'default', denied],
      ['consent', 'update', analyticsOnly],
      ['js', expect.any(Date)],
      ['config', G],
    ]);
    expect(b.scripts).toEqual([SCRIPT]);
    expect(b.warnings).toEqual([]);
    expect(typeof (window as any).gtag).toBe('function');
  });

  it('a plan with linked domains sets Google\'s own linker before js, as Google documents for cross-domain measurement', async () => {
    const { install } = await loaded({ plan: { ...example('webshop'), linker: { domains: ['checkout.fjellsport.no', 'fjellsport.se'] } } });
    expect(install).toEqual([
      ['consent', 'default', denied],
      ['consent', 'update', analyticsOnly],
      ['set', 'linker', { domains: ['checkout.fjellsport.no', 'fjellsport.se'], decorate_forms: true }],
      ['js', expect.any(Date)],
      ['config', G],
    ]);
  });

  it('pushes the arguments object, as Google’s snippet does', async () => {
    await loaded();
    (window as any).gtag('event', 'x');
    const pushed = (window as any).dataLayer[0];
    expect(Array.isArray(pushed)).toBe(false);
    expect(Object.prototype.toString.call(pushed)).toBe('[object Arguments]');
  });

  it('takes the consent default from the plan (analytics granted, ads denied)', async () => {
    const plan = example('webshop');
    plan.consent = { default: { analytics: 'granted', ads: 'denied' } };
    const { install } = await loaded({ plan, status: { ads: 'denied' } });
    expect(install.slice(0, 2)).toEqual([['consent', 'default', analyticsOnly], ['consent', 'update', analyticsOnly]]);
  });

  it('counts pending consent as denied in the first update', async () => {
    const { install } = await loaded({ status: { analytics: 'granted', ads: 'pending' } });
    expect(install[1]).toEqual(['consent', 'update', analyticsOnly]);
  });

  it('adds user_id to the config when the user is already known', async () => {
    const b = bench();
    b.identity = { userId: 'u-42', traits: {} };
    await ga4().load(b.ctx);
    expect(dataLayer().at(-1)).toEqual(['config', G, { user_id: 'u-42' }]);
  });

  it('keeps a dataLayer and gtag the page already has', async () => {
    const existing: unknown[] = [{ event: 'site_event' }];
    const siteGtag = function gtag() { existing.push(arguments); };
    Object.assign(window, { dataLayer: existing, gtag: siteGtag });
    await ga4().load(bench().ctx);
    expect((window as any).dataLayer).toBe(existing);
    expect((window as any).gtag).toBe(siteGtag);
    expect(existing[0]).toEqual({ event: 'site_event' });
    expect(commands(existing.slice(1) as ArrayLike<unknown>[])[0]).toEqual(['consent', 'default', denied]);
  });

  it('warns and keeps the queue when gtag.js is blocked', async () => {
    const b = bench({ blockScripts: true });
    const a = ga4();
    await a.load(b.ctx); // resolves: a blocked script is not an error to the caller
    expect(b.warnings).toHaveLength(1);
    expect(b.warnings[0]!.message).toContain(SCRIPT);
    a.send(eventFor(b, 'begin_checkout'), b.ctx);
    expect(dataLayer().at(-1)).toEqual(['event', 'begin_checkout', { send_to: G }]);
  });
});

describe('ga4 conversions of the webshop plan', () => {
  const cases: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
    ['purchase', { transaction_id: 'T-1001', value: 1299, items: [tent], coupon: 'WINTER10' }, 'purchase',
      { currency: 'NOK', value: 1299, transaction_id: 'T-1001', items: [tent], coupon: 'WINTER10' }],
    ['view_item', { item_id: 'SKU-TENT-2', item_name: 'Lavvo 2', item_category: 'Tents' }, 'view_item',
      { item_id: 'SKU-TENT-2', item_name: 'Lavvo 2', item_category: 'Tents' }],
    ['add_to_cart', { item_id: 'SKU-TENT-2', value: 1299, quantity: 2 }, 'add_to_cart',
      { currency: 'NOK', value: 1299, item_id: 'SKU-TENT-2', quantity: 2 }],
    ['begin_checkout', {}, 'begin_checkout', {}],
    ['newsletter_signup', {}, 'sign_up', { currency: 'NOK', value: 15 }],
    ['visited_pricing', {}, 'view_pricing', {}],
    ['phone_click', {}, 'phone_click', {}],
  ];
  for (const [name, props, event, params] of cases) {
    it(`sends ${name} as gtag('event', '${event}', …)`, async () => {
      const { b, a } = await loaded();
      a.send(eventFor(b, name, props), b.ctx);
      expect(dataLayer()).toEqual([['event', event, { ...params, send_to: G }]]);
      expect(b.warnings).toEqual([]);
    });
  }

  it('names the page a conversion was tracked on when the page moved on before it was handed over', async () => {
    const { b, a } = await loaded();
    const event = eventFor(b, 'add_to_cart', { item_id: 'SKU-TENT-2', value: 1299 });
    history.pushState({}, '', '/checkout'); // an SPA route change after the conversion, before its hand-over
    try {
      a.send(event, b.ctx);
      expect(dataLayer()).toEqual([['event', 'add_to_cart', { currency: 'NOK', value: 1299, item_id: 'SKU-TENT-2', page_location: event.page.url, page_title: 'Thank you', send_to: G }]]);
    } finally {
      history.replaceState({}, '', event.page.path);
    }
  });

  it('maps items to GA4 item fields only', async () => {
    const { b, a } = await loaded();
    const items = [{ ...tent, colour: 'green' }, { item_id: 'SKU-PEG', quantity: 8 }];
    a.send(eventFor(b, 'purchase', { transaction_id: 'T-2', value: 1400, items }), b.ctx);
    expect((dataLayer()[0]![2] as any).items).toEqual([tent, { item_id: 'SKU-PEG', quantity: 8 }]);
  });
});

describe('ga4 conversions of the leadgen plan', () => {
  const L = 'G-L3AD5G3N01';
  const cases: [string, Record<string, unknown>, string, Record<string, unknown>][] = [
    ['demo_request', { company_size: '11-50', lead_id: 'LEAD-000123' }, 'generate_lead', { currency: 'EUR', value: 400, company_size: '11-50', lead_id: 'LEAD-000123' }],
    ['whitepaper_download', { title: "The buyer's guide to field-service software" }, 'whitepaper_download', { currency: 'EUR', value: 25, title: "The buyer's guide to field-service software" }],
    ['visited_pricing', {}, 'view_pricing', {}],
    ['case_study_read', {}, 'case_study_read', {}],
    ['contact_click', {}, 'contact_click', {}],
  ];
  for (const [name, props, event, params] of cases) {
    it(`sends ${name} as gtag('event', '${event}', …)`, async () => {
      const { b, a, install } = await loaded({ plan: 'leadgen' });
      expect(install.at(-1)).toEqual(['config', L]);
      a.send(eventFor(b, name, props), b.ctx);
      expect(dataLayer()).toEqual([['event', event, { ...params, send_to: L }]]);
      expect(b.warnings).toEqual([]);
    });
  }
});

describe('ga4 vendor rules', () => {
  it('drops parameters whose names GA4 refuses, with a warning each', async () => {
    const { b, a } = await loaded();
    const props = { '2nd_choice': 'a', 'coupon code': 'b', ga_campaign: 'c', google_x: 'd', firebase_y: 'e', _internal: 'f', ['x'.repeat(41)]: 'g', ok_name: 'h' };
    a.send(eventFor(b, 'begin_checkout', props), b.ctx);
    expect(dataLayer()).toEqual([['event', 'begin_checkout', { ok_name: 'h', send_to: G }]]);
    const dropped = Object.keys(props).filter((k) => k != 'ok_name');
    expect(b.warnings.map((w) => w.message)).toEqual(dropped.map((k) => `ga4 begin_checkout: parameter ${k} dropped: not a valid GA4 name`));
  });

  it('drops the parameter names GA4 reserves (gclid, user_id, session_id, …), with a warning each', async () => {
    const { b, a } = await loaded();
    const reserved = ['cid', 'customer_id', 'customerid', 'dclid', 'gclid', 'session_id', 'sessionid', 'sfmc_id', 'sid', 'srsltid', 'uid', 'user_id', 'userid'];
    const kept = { client_id: 'k1', order_id: 'k2', gclid_source: 'k3', my_uid: 'k4', userids: 'k5', session: 'k6', currency: 'EUR' };
    a.send(eventFor(b, 'begin_checkout', { ...Object.fromEntries(reserved.map((k) => [k, `v-${k}`])), ...kept }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'begin_checkout', { ...kept, send_to: G }]]);
    expect(b.warnings.map((w) => w.message)).toEqual(reserved.map((k) => `ga4 begin_checkout: parameter ${k} dropped: reserved by GA4`));
  });

  it('does not count a reserved name towards the 25 parameters', async () => {
    const { b, a } = await loaded();
    const props: Record<string, unknown> = { gclid: 'Cj0-abc' };
    for (let i = 1; i <= 25; i++) props[`p${i}`] = i;
    a.send(eventFor(b, 'begin_checkout', props), b.ctx);
    expect(Object.keys(dataLayer()[0]![2] as object)).toEqual([...Array.from({ length: 25 }, (_, i) => `p${i + 1}`), 'send_to']);
    expect(b.warnings.map((w) => w.message)).toEqual(['ga4 begin_checkout: parameter gclid dropped: reserved by GA4']);
  });

  it('cuts text values over 100 characters to 100, with a warning', async () => {
    const { b, a } = await loaded();
    a.send(eventFor(b, 'begin_checkout', { note: 'n'.repeat(150), edge: 'e'.repeat(101), short: 's'.repeat(100) }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'begin_checkout', { note: 'n'.repeat(100), edge: 'e'.repeat(100), short: 's'.repeat(100), send_to: G }]]);
    expect(b.warnings.map((w) => w.message)).toEqual(['note', 'edge'].map((k) => `ga4 begin_checkout: parameter ${k} cut to the GA4 limit of 100 characters`));
  });

  it('sends at most 25 parameters and names the ones dropped', async () => {
    const { b, a } = await loaded();
    const props: Record<string, unknown> = { transaction_id: 'T-9', value: 10, items: [tent] };
    for (let i = 1; i <= 25; i++) props[`p${i}`] = i;
    a.send(eventFor(b, 'purchase', props), b.ctx);
    const sent = dataLayer()[0]![2] as Record<string, unknown>;
    const expected: Record<string, unknown> = { currency: 'NOK', value: 10, transaction_id: 'T-9', items: [tent], send_to: G };
    for (let i = 1; i <= 21; i++) expected[`p${i}`] = i;
    expect(sent).toEqual(expected);
    expect(Object.keys(sent)).toHaveLength(26); // 25 parameters + send_to
    expect(b.warnings.map((w) => w.message)).toEqual(['p22', 'p23', 'p24', 'p25'].map((k) => `ga4 purchase: parameter ${k} dropped: over the GA4 limit of 25 parameters`));
  });

  it('withholds values that look like an e-mail address or a phone number', async () => {
    const { b, a } = await loaded();
    const pii = { email: 'Jane.Doe@example.com', note: 'call jane@example.no', phone: '+47 912 34 567', tel: '(415) 555-0123', mobile: '912 34 567', compact: '+4791234567' };
    a.send(eventFor(b, 'begin_checkout', { ...pii, order_ref: '100045678', day: '2026-12-02', size: '11-50', sku: 'SKU-123-456-789' }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'begin_checkout', { order_ref: '100045678', day: '2026-12-02', size: '11-50', sku: 'SKU-123-456-789', send_to: G }]]);
    expect(b.warnings.map((w) => w.message)).toEqual(Object.keys(pii).map((k) => `ga4 begin_checkout: parameter ${k} withheld: looks like an e-mail or phone number`));
    expect(JSON.stringify(dataLayer())).not.toMatch(/example\.(com|no)|912/);
  });

  it('withholds item fields that look like an e-mail address or a phone number, keeping the rest of the item', async () => {
    const { b, a } = await loaded();
    const items = [
      { item_id: 'SKU-1', item_name: 'jane.doe@example.com', price: 10, quantity: 1, item_category: 'Tents' },
      { item_id: '+47 912 34 567', item_name: 'Peg', item_category: '(415) 555-0123' },
      { item_id: '4006381333931', item_name: 'Lavvo 2 (2024)', item_category: 'Tents 2-person' },
      tent,
      // An EAN as printed (vendors QA 2026-12-06: it was withheld as a phone number, GA4 lost the product key).
      { item_id: '4 006381 333931', quantity: 1 },
      { item_id: '7jane@example.com', quantity: 1 },
    ];
    a.send(eventFor(b, 'purchase', { transaction_id: 'T-3', value: 10, items }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'purchase', {
      currency: 'NOK', value: 10, transaction_id: 'T-3',
      items: [{ item_id: 'SKU-1', price: 10, quantity: 1, item_category: 'Tents' }, { item_name: 'Peg' }, items[2], tent, items[4], { quantity: 1 }],
      send_to: G,
    }]]);
    expect(b.warnings.map((w) => w.message)).toEqual(['items[0].item_name', 'items[1].item_id', 'items[1].item_category', 'items[5].item_id']
      .map((k) => `ga4 purchase: parameter ${k} withheld: looks like an e-mail or phone number`));
    expect(JSON.stringify(dataLayer())).not.toMatch(/example\.com|912|555/);
  });

  it('never sends an empty transaction_id (GA4 would deduplicate all of them together)', async () => {
    const { b, a } = await loaded();
    a.send(eventFor(b, 'purchase', { transaction_id: '', value: 5, items: [tent] }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'purchase', { currency: 'NOK', value: 5, items: [tent], send_to: G }]]);
  });

  it('does not throw on odd input', async () => {
    const { b, a } = await loaded();
    expect(() => a.send(eventFor(b, 'begin_checkout', { n: null, u: undefined, flag: true }), b.ctx)).not.toThrow();
    expect(dataLayer()).toEqual([['event', 'begin_checkout', { flag: true, send_to: G }]]);
  });
});

describe('ga4 identify, consent and pages', () => {
  it('sets user_id through config without a page view, and clears it with null on sign-out', async () => {
    const { b, a } = await loaded();
    a.identify!({ userId: 'u-42', traits: { email: 'jane@example.com' } }, b.ctx);
    a.identify!({ traits: {} }, b.ctx);
    expect(dataLayer()).toEqual([
      ['config', G, { user_id: 'u-42', send_page_view: false }],
      ['config', G, { user_id: null, send_page_view: false }],
    ]);
    expect(JSON.stringify(dataLayer())).not.toContain('jane@');
  });

  it('sends a Consent Mode update when consent changes, and not the same update twice', async () => {
    const { b, a } = await loaded();
    a.consent!({ analytics: 'granted', ads: 'granted' }, b.ctx);
    a.consent!({ analytics: 'granted', ads: 'granted' }, b.ctx);
    a.consent!({ analytics: 'denied', ads: 'granted' }, b.ctx);
    expect(dataLayer()).toEqual([
      ['consent', 'update', all],
      ['consent', 'update', { ...all, analytics_storage: 'denied' }],
    ]);
  });

  it('sends nothing extra on SPA page changes (enhanced measurement counts them)', () => {
    expect(ga4().page).toBeUndefined();
  });
});

describe('shared Google tag', () => {
  it('loads gtag.js once for GA4 and Google Ads, with one dataLayer and both configs', async () => {
    const b = bench();
    const before = (window as any).dataLayer;
    await ga4().load(b.ctx);
    const queue = (window as any).dataLayer;
    await googleAds().load(b.ctx);
    expect(before).toBeUndefined();
    expect((window as any).dataLayer).toBe(queue);
    expect(b.scripts).toEqual([SCRIPT]);
    expect(dataLayer()).toEqual([
      ['consent', 'default', denied],
      ['consent', 'update', all],
      ['js', expect.any(Date)],
      ['config', G],
      ['config', 'AW-123456789'],
    ]);
  });

  it('shares the tag between separate instances and contexts (npm build next to the script tag)', async () => {
    const one = bench();
    const two = bench();
    await googleAds().load(one.ctx);
    await ga4().load(two.ctx);
    expect(one.scripts).toEqual(['https://www.googletagmanager.com/gtag/js?id=AW-123456789']);
    expect(two.scripts).toEqual([]);
    expect(dataLayer().filter((c) => c[0] == 'js' || c[1] == 'default')).toHaveLength(2);
  });

  it('brings consent up to date before the second config when it changed in between', async () => {
    const b = bench({ status: { analytics: 'pending', ads: 'granted' } });
    await googleAds().load(b.ctx);
    b.status = { analytics: 'granted', ads: 'granted' };
    await ga4().load(b.ctx);
    expect(dataLayer().slice(3)).toEqual([
      ['config', 'AW-123456789'],
      ['consent', 'update', all],
      ['config', G],
    ]);
  });

  it('pushes a withdrawal once even though both adapters get the consent hook', async () => {
    const b = bench();
    const g = ga4();
    const ads = googleAds();
    await g.load(b.ctx);
    await ads.load(b.ctx);
    (window as any).dataLayer.length = 0;
    const status = { analytics: 'granted', ads: 'denied' } as const;
    g.consent!(status, b.ctx);
    ads.consent!(status, b.ctx);
    expect(dataLayer()).toEqual([['consent', 'update', analyticsOnly]]);
  });
  it('does not count the page again where the site\'s own snippet already configured the same ids', async () => {
    const w = window as any;
    w.dataLayer = [];
    w.gtag = function gtag() { w.dataLayer.push(arguments); };
    w.gtag('js', new Date());
    w.gtag('config', G); // the site's hand-pasted GA4 snippet: its page_view is sent
    w.gtag('config', 'AW-123456789');
    const b = bench();
    b.identity = { userId: 'C-1042', traits: {} };
    await ga4().load(b.ctx);
    await googleAds().load(b.ctx);
    expect(dataLayer().slice(-2)).toEqual([
      ['config', G, { user_id: 'C-1042', send_page_view: false }],
      ['config', 'AW-123456789', { send_page_view: false }],
    ]);
  });

  it('still counts the page where the queue only holds a config without page view, or for another id', async () => {
    const w = window as any;
    w.dataLayer = [];
    w.gtag = function gtag() { w.dataLayer.push(arguments); };
    w.gtag('config', G, { send_page_view: false });
    w.gtag('config', 'G-OTHER12345');
    const b = bench();
    await ga4().load(b.ctx);
    expect(dataLayer().at(-1)).toEqual(['config', G]);
  });

  it('brings the consent up to date, marked as its own, over a tag an older build installed (its state has no set of own commands)', async () => {
    const w = window as any;
    w.dataLayer = [];
    w.gtag = function gtag() { w.dataLayer.push(arguments); };
    w.__measureplanGtag = { p: Promise.resolve(), c: 'an older build’s last update' };
    const b = bench({ status: { analytics: 'granted', ads: 'denied' } });
    const a = ga4();
    await a.load(b.ctx);
    a.consent!({ analytics: 'denied', ads: 'denied' }, b.ctx); // a withdrawal reaches Google
    expect(dataLayer().filter((c) => c[0] == 'consent')).toEqual([['consent', 'update', analyticsOnly], ['consent', 'update', denied]]);
    // and the consent reader (src/cmp/google.ts) can tell both from a banner's
    expect(w.dataLayer.every((c: ArrayLike<unknown>) => c[0] != 'consent' || w.__measureplanGtag.o.has(c[2]))).toBe(true);
  });
});
