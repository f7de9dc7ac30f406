// The Playwright helper without a browser: the fakes run in a bare VM context, the browser
// context is a stand-in. The real-browser proof is tests/e2e/testing-kit.test.ts.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import {
  conversions, COUNTING_FAKES, FAKES, installVendorFakes, isVendorHost, pageViews, uetCalls,
  type BrowserContextLike, type PageLike, type RouteLike, type VendorCommands,
} from '../../src/testing/playwright';
// @ts-expect-error plain ESM helpers without types
import * as legacy from '../support/vendor-fakes.mjs';

/** A page's globals, with the vendors' queues as their official snippets leave them. */
function page(binding?: (...args: unknown[]) => void) {
  const w: Record<string, any> = { JSON, Math, Date, Array };
  w.window = w;
  w.dataLayer = [];
  w.gtag = function () { w.dataLayer.push(arguments); };
  const fbq: any = function () { if (fbq.callMethod) fbq.callMethod.apply(fbq, arguments); else fbq.queue.push(arguments); };
  fbq.queue = [];
  w.fbq = fbq;
  const lintrk: any = (a: unknown, b: unknown) => lintrk.q.push([a, b]);
  lintrk.q = [];
  w.lintrk = lintrk;
  w.uetq = [];
  if (binding) w.__measureplanVendorCommand = binding;
  return w;
}
const run = (w: Record<string, any>, script: string) => runInNewContext(script, w);

describe('the recording fakes', () => {
  it('take over each vendor queue as the real tag does, and record every command, before and after loading', () => {
    const sent: unknown[][] = [];
    const w = page((...args) => sent.push(args));
    w.gtag('consent', 'default', { ad_storage: 'denied' });
    w.fbq('init', '1');
    w.lintrk('track', { conversion_id: 1 });
    w.uetq.push('event', 'purchase', { revenue_value: 1 });
    for (const script of Object.values(FAKES)) run(w, script);
    w.gtag('event', 'purchase', { value: 1 });
    w.fbq('track', 'Purchase', { value: 1 }, { eventID: 'e1' });
    w.lintrk('track', { conversion_id: 2 });
    w.uetq = new w.UET({ ti: '5', enableAutoSpaTracking: true, q: w.uetq });
    w.uetq.push('pageLoad');
    expect(JSON.parse(JSON.stringify(w.__vendorCommands))).toEqual({
      gtag: [['consent', 'default', { ad_storage: 'denied' }], ['event', 'purchase', { value: 1 }]],
      fbq: [['init', '1'], ['track', 'Purchase', { value: 1 }, { eventID: 'e1' }]],
      lintrk: [['track', { conversion_id: 1 }], ['track', { conversion_id: 2 }]],
      uetq: [['new UET', { ti: '5', enableAutoSpaTracking: true }], ['event'], ['purchase'], [{ revenue_value: 1 }], ['pageLoad']],
    });
    // Each command also went to Node, numbered within its document.
    expect(sent.map((s) => [s[0], s[3]])).toEqual([['gtag', 1], ['fbq', 2], ['lintrk', 3], ['gtag', 4], ['fbq', 5], ['lintrk', 6], ['uetq', 7], ['uetq', 8], ['uetq', 9], ['uetq', 10], ['uetq', 11]]);
    expect(new Set(sent.map((s) => s[2])).size).toBe(1);
  });

  it('the counting fakes only count', () => {
    const w = page(() => { throw new Error('counting fakes report nothing'); });
    for (const script of Object.values(COUNTING_FAKES)) run(w, script);
    w.gtag('event', 'x');
    w.fbq('track', 'Lead');
    expect(w.__vendorCounts).toEqual({ gtag: 1, fbq: 1, lintrk: 0, uetq: 0 });
    expect(w.__vendorCommands).toBeUndefined();
  });

  it('know the vendors\' hosts and their subdomains, and nothing else', () => {
    expect(['www.googletagmanager.com', 'connect.facebook.net', 'px.ads.linkedin.com', 'bat.bing.com', 'region1.google-analytics.com'].every(isVendorHost)).toBe(true);
    expect(['127.0.0.1', 'shop.example', 'notfacebook.net', 'bing.com.evil.example'].some(isVendorHost)).toBe(false);
  });
});

/** A stand-in for a Playwright BrowserContext: one route, one binding, requests played through them. */
function fakeContext() {
  let matcher: (url: URL) => boolean = () => false;
  let handler: (route: RouteLike) => unknown = () => undefined;
  let binding: (source: { page: PageLike | null }, ...args: any[]) => unknown = () => undefined;
  const context: BrowserContextLike = {
    route: async (m, h) => { matcher = m; handler = h; },
    exposeBinding: async (_name, fn) => { binding = fn; },
  };
  return {
    context,
    /** What happens to a request: 'passes', 'fulfilled' (with the body) or 'aborted'. */
    async request(href: string) {
      if (!matcher(new URL(href))) return 'passes';
      let outcome = '';
      await handler({ request: () => ({ url: () => href }), fulfill: async (r) => { outcome = `fulfilled ${r.body?.slice(0, 12)}`; }, abort: async () => { outcome = 'aborted'; } });
      return outcome;
    },
    call: (p: PageLike, ...args: unknown[]) => binding({ page: p }, ...args),
  };
}
const pageState = (state: { doc: string; n: number } | null): PageLike => ({ evaluate: async () => state as never });

describe('installVendorFakes', () => {
  it('answers the vendor scripts, refuses other vendor requests and records them; others pass unless not allowed', async () => {
    const open = fakeContext();
    const fakes = await installVendorFakes(open.context);
    expect(await open.request('https://www.googletagmanager.com/gtag/js?id=G-1')).toBe('fulfilled (function(){');
    expect(await open.request('https://www.facebook.com/tr?id=1&ev=PageView')).toBe('aborted');
    expect(await open.request('https://shop.example/checkout')).toBe('passes');
    expect(fakes.requests).toEqual(['https://www.googletagmanager.com/gtag/js?id=G-1', 'https://www.facebook.com/tr?id=1&ev=PageView']);

    const offline = fakeContext();
    await installVendorFakes(offline.context, { allow: (u) => u.hostname === 'localhost' });
    expect(await offline.request('http://localhost:3000/')).toBe('passes');
    expect(await offline.request('https://fonts.example/a.woff2')).toBe('aborted');
    expect(await offline.request('https://bat.bing.com/bat.js')).toBe('fulfilled (function(){');
  });

  it('collects commands per page, across documents, in each document\'s order, and waits for the current one', async () => {
    const ctx = fakeContext();
    const fakes = await installVendorFakes(ctx.context);
    const a = pageState({ doc: 'second', n: 2 });
    const b = pageState(null);
    ctx.call(a, 'gtag', ['config', 'G-1'], 'first', 1);
    ctx.call(a, 'fbq', ['track', 'Lead'], 'first', 3);
    ctx.call(a, 'fbq', ['init', '1'], 'first', 2);
    ctx.call(b, 'lintrk', ['track', { conversion_id: 9 }], 'other', 1);
    ctx.call(a, 'gtag', ['event', 'sign_up'], 'second', 1);
    setTimeout(() => ctx.call(a, 'uetq', ['pageLoad'], 'second', 2), 30); // still on its way when asked
    expect(await fakes.commands(a)).toEqual({ gtag: [['config', 'G-1'], ['event', 'sign_up']], fbq: [['init', '1'], ['track', 'Lead']], lintrk: [], uetq: [['pageLoad']] });
    expect((await fakes.commands()).lintrk).toEqual([['track', { conversion_id: 9 }]]);
    fakes.reset();
    expect(await fakes.commands(a)).toEqual({ gtag: [], fbq: [], lintrk: [], uetq: [] });
    ctx.call(a, 'gtag', ['event', 'purchase'], 'second', 3);
    expect((await fakes.commands(a)).gtag).toEqual([['event', 'purchase']]);
    expect(fakes.requests).toEqual([]);
  });

  it('the legacy test helper keeps its names and refuses everything outside 127.0.0.1', async () => {
    expect(legacy.FAKES).toEqual(FAKES);
    expect(legacy.COUNTING_FAKES).toEqual(COUNTING_FAKES);
    expect(typeof legacy.vendorCommands).toBe('function');
    expect(legacy.isVendorHost('connect.facebook.net')).toBe(true);
    const ctx = fakeContext();
    await legacy.installVendorFakes(ctx.context);
    expect(await ctx.request('http://127.0.0.1:4000/')).toBe('passes');
    expect(await ctx.request('https://cdn.example/x.js')).toBe('aborted');
  });
});

describe('conversions() and pageViews()', () => {
  const commands: VendorCommands = {
    gtag: [
      ['consent', 'default', { ad_storage: 'denied' }], ['js', '2025-01-01T00:00:00.000Z'], ['config', 'G-F1X2Y3Z4W5'], ['config', 'AW-123456789'],
      ['event', 'purchase', { value: 2499, send_to: 'G-F1X2Y3Z4W5' }],
      ['event', 'conversion', { send_to: 'AW-123456789/AbC-D_efG1', value: 2499 }],
      ['config', 'G-F1X2Y3Z4W5', { user_id: 'u1', send_page_view: false }],
    ],
    fbq: [['consent', 'grant'], ['init', '1'], ['track', 'PageView'], ['track', 'Purchase', { value: 2499 }, { eventID: 'purchase:T-1' }], ['trackCustom', 'Quiz', {}, { eventID: 'q1' }]],
    lintrk: [['track', { conversion_id: 22222, event_id: 'v1' }]],
    uetq: [['new UET', { ti: '1' }], ['consent'], ['default'], [{ ad_storage: 'denied' }], ['event'], ['add_to_cart'], [{ revenue_value: 5, event_id: 'a1' }], ['pageLoad'], ['event', 'purchase', { event_id: 'purchase:T-1' }]],
  };

  it('picks each destination\'s conversions out of the vendor commands', () => {
    expect(conversions(commands)).toEqual({
      ga4: [{ event: 'purchase', params: { value: 2499, send_to: 'G-F1X2Y3Z4W5' } }],
      googleAds: [{ label: 'AbC-D_efG1', params: { send_to: 'AW-123456789/AbC-D_efG1', value: 2499 } }],
      meta: [{ event: 'Purchase', params: { value: 2499 }, eventID: 'purchase:T-1', method: 'track' }, { event: 'Quiz', params: {}, eventID: 'q1', method: 'trackCustom' }],
      linkedin: [{ conversion_id: 22222, event_id: 'v1' }],
      microsoftAds: [{ action: 'add_to_cart', params: { revenue_value: 5, event_id: 'a1' } }, { action: 'purchase', params: { event_id: 'purchase:T-1' } }],
    });
    expect(conversions({ gtag: [], fbq: [], lintrk: [], uetq: [] })).toEqual({ ga4: [], googleAds: [], meta: [], linkedin: [], microsoftAds: [] });
  });

  it('reads the one-pixel calls measureplan makes on a page with its own pixel (trackSingle), with the pixel named', () => {
    const fbq = [['init', '9'], ['track', 'PageView'], ['init', '1'], ['trackSingle', '1', 'PageView'], ['trackSingle', '1', 'Purchase', { value: 2499 }, { eventID: 'purchase:T-1' }], ['trackSingleCustom', '1', 'Quiz', {}, { eventID: 'q1' }], ['track', 'Lead', {}]];
    expect(conversions({ gtag: [], fbq, lintrk: [], uetq: [] }).meta).toEqual([
      { event: 'Purchase', params: { value: 2499 }, eventID: 'purchase:T-1', method: 'trackSingle', pixelId: '1' },
      { event: 'Quiz', params: {}, eventID: 'q1', method: 'trackSingleCustom', pixelId: '1' },
      { event: 'Lead', params: {}, method: 'track' },
    ]);
    expect(pageViews({ gtag: [], fbq, lintrk: [], uetq: [] }).meta).toBe(2);
  });

  it('puts UET\'s queued calls back together', () => {
    expect(uetCalls(commands.uetq)).toEqual([['consent', 'default', { ad_storage: 'denied' }], ['event', 'add_to_cart', { revenue_value: 5, event_id: 'a1' }], ['pageLoad'], ['event', 'purchase', { event_id: 'purchase:T-1' }]]);
  });

  it('counts the page views the tags sent themselves', () => {
    expect(pageViews(commands)).toEqual({ ga4: 1, meta: 1, microsoftAds: 1 });
  });
});
