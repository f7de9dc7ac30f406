// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { microsoftAds } from '../../adapters/microsoft-ads';
import { example } from '../plan/fixtures';
import { bench, eventFor, resetWindow } from './harness';

const BAT = 'https://bat.bing.com/bat.js';
const w = () => window as any;
const BEFORE_TAG = ['consent', 'default', { ad_storage: 'denied' }, 'consent', 'update', { ad_storage: 'granted' }];

/** Stands in for bat.js's UET: records its options and what is pushed to it. */
class FakeUET {
  static made: FakeUET[] = [];
  pushed: unknown[][] = [];
  constructor(public options: Record<string, unknown>) { FakeUET.made.push(this); }
  push(...args: unknown[]) { this.pushed.push(args); }
}

const webshop = (edit: (p: any) => void) => {
  const p = example('webshop');
  edit(p);
  return p;
};

beforeEach(() => {
  resetWindow();
  FakeUET.made = [];
});

describe('microsoftAds adapter: loading', () => {
  it('is an ads destination named microsoftAds', () => {
    const a = microsoftAds();
    expect([a.name, a.category]).toEqual(['microsoftAds', 'ads']);
  });

  it('queues the plan default, then the grant, before loading bat.js', async () => {
    const b = bench();
    await microsoftAds().load(b.ctx);
    expect(w().uetq).toEqual(BEFORE_TAG);
    expect(b.scripts).toEqual([BAT]);
    expect(b.warnings).toEqual([]);
  });

  it('uses the plan default for ads as the UET default', async () => {
    await microsoftAds().load(bench({ plan: webshop((p) => { p.consent.default.ads = 'granted'; }) }).ctx);
    expect(w().uetq.slice(0, 3)).toEqual(['consent', 'default', { ad_storage: 'granted' }]);
  });

  it('once bat.js has run, replaces the queue with new UET({ ti, enableAutoSpaTracking, q }) and pushes pageLoad', async () => {
    w().UET = FakeUET;
    const b = bench();
    const a = microsoftAds();
    await a.load(b.ctx);
    expect(FakeUET.made).toHaveLength(1);
    const uet = FakeUET.made[0]!;
    expect(w().uetq).toBe(uet);
    expect(uet.options).toEqual({ ti: '12345678', enableAutoSpaTracking: true, q: BEFORE_TAG });
    expect(uet.pushed).toEqual([['pageLoad']]);
    a.send(eventFor(b, 'phone_click'), b.ctx);
    a.consent!({ analytics: 'granted', ads: 'denied' }, b.ctx);
    expect(uet.pushed).toEqual([
      ['pageLoad'],
      ['event', 'phone_call', { event_id: 'evt-phone_click-0001' }],
      ['consent', 'update', { ad_storage: 'denied' }],
    ]);
  });

  it('pushes no pageLoad when ads was withdrawn while bat.js was downloading (consent QA 2026-12-06)', async () => {
    w().UET = FakeUET;
    const b = bench();
    const a = microsoftAds();
    const loading = a.load(b.ctx);
    a.consent!({ analytics: 'granted', ads: 'denied' }, b.ctx); // before bat.js has run
    await loading;
    const uet = FakeUET.made[0]!;
    expect(uet.options.q).toEqual([...BEFORE_TAG, 'consent', 'update', { ad_storage: 'denied' }]);
    expect(uet.pushed).toEqual([]);
  });

  it('a page with a UET tag of its own, already running: ours gets its own queue and tag, bat.js is not requested again (vendors QA 2026-12-06)', async () => {
    w().UET = FakeUET;
    const site = new FakeUET({ ti: '99999999' });
    w().uetq = site;
    const b = bench();
    const a = microsoftAds();
    await a.load(b.ctx);
    expect(b.scripts).toEqual([]);
    expect(w().uetq).toBe(site);
    const ours = FakeUET.made[1]!;
    expect(w().measureplanUetq).toBe(ours);
    expect(ours.options).toEqual({ ti: '12345678', enableAutoSpaTracking: true, q: BEFORE_TAG });
    expect(ours.pushed).toEqual([['pageLoad']]);
    a.send(eventFor(b, 'phone_click'), b.ctx);
    expect(ours.pushed[1]).toEqual(['event', 'phone_call', { event_id: 'evt-phone_click-0001' }]);
    expect(site.pushed).toEqual([]);
  });

  it("a page whose own UET snippet is still loading bat.js: ours queues apart and never into the site's array", async () => {
    const el = document.createElement('script');
    el.src = BAT;
    document.head.appendChild(el);
    delete w().UET; // bat.js has not run yet
    const siteQueue: unknown[] = [];
    w().uetq = siteQueue;
    try {
      const b = bench();
      await microsoftAds().load(b.ctx);
      expect(siteQueue).toEqual([]);
      expect(w().measureplanUetq).toEqual(BEFORE_TAG);
      expect(b.scripts).toEqual([BAT]);
    } finally { el.remove(); }
  });

  it('a tracker re-created on the page (after shutdown(), React StrictMode) goes on with its own running tag: no second tag, no second pageLoad (diff review 2026-12-06)', async () => {
    w().UET = FakeUET;
    await microsoftAds().load(bench().ctx);
    const a = microsoftAds();
    const b = bench();
    await a.load(b.ctx);
    expect(FakeUET.made).toHaveLength(1);
    expect(FakeUET.made[0]!.pushed.filter((p) => p[0] === 'pageLoad')).toHaveLength(1);
    expect('measureplanUetq' in window).toBe(false);
    a.send(eventFor(b, 'phone_click'), b.ctx);
    expect(FakeUET.made[0]!.pushed.at(-1)).toEqual(['event', 'phone_call', { event_id: 'evt-phone_click-0001' }]);
  });

  it('requests bat.js once and queues consent once when load is called twice', async () => {
    w().UET = FakeUET;
    const b = bench();
    const a = microsoftAds();
    await Promise.all([a.load(b.ctx), a.load(b.ctx)]);
    expect(b.scripts).toEqual([BAT]);
    expect(FakeUET.made).toHaveLength(1);
    expect(FakeUET.made[0]!.options.q).toEqual(BEFORE_TAG);
  });

  it('warns and does not throw when bat.js is blocked; the queue stays an array', async () => {
    const b = bench({ blockScripts: true });
    const a = microsoftAds();
    await expect(a.load(b.ctx)).resolves.toBeUndefined();
    expect(b.warnings.map((x) => x.message)).toEqual([`Microsoft Ads: ${BAT} was blocked, nothing reaches Microsoft Ads on this page`]);
    expect(Array.isArray(w().uetq)).toBe(true);
  });
});

describe('microsoftAds adapter: conversions of the webshop plan', () => {
  const sent = async (names: [string, Record<string, unknown>?][], plan?: Record<string, any>) => {
    const b = bench(plan ? { plan } : {});
    const a = microsoftAds();
    await a.load(b.ctx);
    for (const [n, props] of names) a.send(eventFor(b, n, props), b.ctx);
    return { pushed: w().uetq.slice(BEFORE_TAG.length), warnings: b.warnings.map((x) => x.message) };
  };

  it('purchase, add_to_cart and phone_click → event pushes with category, revenue and event value, currency and event_id', async () => {
    const { pushed, warnings } = await sent([
      ['purchase', { transaction_id: 'T-1001', value: 2898, items: [] }],
      ['add_to_cart', { item_id: 'SKU-1', value: 499 }],
      ['phone_click'],
      ['view_item', { item_id: 'SKU-1' }],
    ]);
    expect(pushed).toEqual([
      'event', 'purchase', { event_category: 'checkout', revenue_value: 2898, event_value: 2898, currency: 'NOK', event_id: 'purchase:T-1001' },
      'event', 'add_to_cart', { revenue_value: 499, event_value: 499, currency: 'NOK', event_id: 'evt-add_to_cart-0001' },
      'event', 'phone_call', { event_id: 'evt-phone_click-0001' },
    ]);
    expect(warnings).toEqual([]);
  });

  it('passes the send entry label as event_label', async () => {
    const plan = webshop((p) => { p.conversions.phone_click.send.microsoftAds = { event: 'phone_call', category: 'contact', label: 'header' }; });
    expect((await sent([['phone_click']], plan)).pushed)
      .toEqual(['event', 'phone_call', { event_category: 'contact', event_label: 'header', event_id: 'evt-phone_click-0001' }]);
  });

  it('sends the value of a micro conversion with a constant value as revenue_value and event_value alike', async () => {
    const plan = webshop((p) => { p.conversions.newsletter_signup.send.microsoftAds = { event: 'signup', category: 'newsletter', label: 'footer' }; });
    const { pushed, warnings } = await sent([['newsletter_signup']], plan);
    expect(pushed).toEqual(['event', 'signup', {
      event_category: 'newsletter', event_label: 'footer', revenue_value: 15, event_value: 15, currency: 'NOK', event_id: 'evt-newsletter_signup-0001',
    }]);
    expect(warnings).toEqual([]);
  });

  it('sends no event_value (nor revenue_value) for a conversion without a value', async () => {
    expect((await sent([['phone_click']])).pushed).toEqual(['event', 'phone_call', { event_id: 'evt-phone_click-0001' }]);
  });

  it('sends a value of 0 as revenue_value and event_value 0 (not left out)', async () => {
    expect((await sent([['add_to_cart', { item_id: 'SKU-1', value: 0 }]])).pushed)
      .toEqual(['event', 'add_to_cart', { revenue_value: 0, event_value: 0, currency: 'NOK', event_id: 'evt-add_to_cart-0001' }]);
  });

  it('leadgen plan: no conversion sends to microsoftAds', () => {
    expect(Object.values(bench({ plan: 'leadgen' }).plan.conversions).filter((c) => c.send.microsoftAds)).toEqual([]);
  });
});

describe('microsoftAds adapter: bat.js rules', () => {
  const one = async (extra: Record<string, unknown>) => {
    const b = bench();
    const a = microsoftAds();
    await a.load(b.ctx);
    a.send(eventFor(b, 'add_to_cart', { item_id: 'SKU-1', value: 1 }, extra), b.ctx);
    return { params: w().uetq.at(-1), warnings: b.warnings.map((x) => x.message) };
  };

  it('accepts up to 3 decimals and up to 999999999999, as revenue_value and event_value', async () => {
    for (const value of [19.999, 999999999999]) {
      expect(await one({ value })).toEqual({
        params: { revenue_value: value, event_value: value, currency: 'NOK', event_id: 'evt-add_to_cart-0001' },
        warnings: [],
      });
    }
  });

  it('rounds a value with more decimals to 3 (5 × 22.99 is 114.94999999999999 in floating point), without a warning', async () => {
    for (const [value, sent] of [[5 * 22.99, 114.95], [0.1 + 0.2, 0.3], [12.3456, 12.346]]) {
      expect(await one({ value })).toEqual({
        params: { revenue_value: sent, event_value: sent, currency: 'NOK', event_id: 'evt-add_to_cart-0001' },
        warnings: [],
      });
    }
  });

  it('leaves out revenue_value and event_value above 999999999999 or below 0, with a warning', async () => {
    for (const value of [1_000_000_000_000, 999999999999.5, -5]) {
      const r = await one({ value });
      expect(r.params).toEqual({ currency: 'NOK', event_id: 'evt-add_to_cart-0001' });
      expect(r.warnings).toEqual([`Microsoft Ads: value ${value} of add_to_cart left out (UET takes 0 to 999999999999, 3 decimals at most)`]);
    }
  });

  it('relies on the plan check for the currency: a plan whose currency is not 3 capital letters is refused', () => {
    for (const currency of ['EURO', 'eur', 'N0K']) {
      expect(() => bench({ plan: webshop((p) => { p.currency = currency; }) })).toThrow(/currency/);
    }
  });
});

describe('microsoftAds adapter: consent', () => {
  it('pushes a consent update for each change of ads consent', async () => {
    const b = bench();
    const a = microsoftAds();
    await a.load(b.ctx);
    a.consent!({ analytics: 'denied', ads: 'granted' }, b.ctx);
    a.consent!({ analytics: 'denied', ads: 'denied' }, b.ctx);
    a.consent!({ analytics: 'granted', ads: 'denied' }, b.ctx);
    a.consent!({ analytics: 'granted', ads: 'granted' }, b.ctx);
    expect(w().uetq.slice(BEFORE_TAG.length)).toEqual([
      'consent', 'update', { ad_storage: 'denied' },
      'consent', 'update', { ad_storage: 'granted' },
    ]);
  });
});
