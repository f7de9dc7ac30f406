// The Playwright helper's findings of the kit QA of 2026-12-07, without a browser: `allow` and a
// vendor host's other services (finding 2), and the commands a page left for another origin parked
// there, read back through the context's storageState() (finding 1; the real-browser proof is
// tests/e2e/testing-kit-origins.test.ts).
import { describe, expect, it } from 'vitest';
import { installVendorFakes, type BrowserContextLike, type PageLike, type RouteLike } from '../../src/testing/playwright';

/** A stand-in for a Playwright BrowserContext: its route and binding, requests played through them, and a storage state to return. */
function fakeContext(storage?: { origin: string; localStorage: { name: string; value: string }[] }[]) {
  let matcher: (url: URL) => boolean = () => false;
  let handler: (route: RouteLike) => unknown = () => undefined;
  let binding: (source: { page: PageLike | null }, ...args: any[]) => unknown = () => undefined;
  let init = '';
  const context: BrowserContextLike = {
    route: async (m, h) => { matcher = m; handler = h; },
    exposeBinding: async (_name, fn) => { binding = fn; },
    ...(storage ? { addInitScript: async (s: string) => { init = s; }, storageState: async () => ({ origins: storage }) } : {}),
  };
  return {
    context,
    /** 'passes', 'fulfilled' or 'aborted'. */
    async request(href: string) {
      if (!matcher(new URL(href))) return 'passes';
      let outcome = '';
      await handler({ request: () => ({ url: () => href }), fulfill: async () => { outcome = 'fulfilled'; }, abort: async () => { outcome = 'aborted'; } });
      return outcome;
    },
    call: (p: PageLike, ...args: unknown[]) => binding({ page: p }, ...args),
    run: () => /__measureplanVendorRun = "(\w+)"/.exec(init)?.[1],
  };
}

describe('installVendorFakes: allow and a vendor host\'s other services (finding 2)', () => {
  const google = ['www.google.com', 'connect.facebook.net', 'www.bing.com', '127.0.0.1'];
  it('lets through what allow says yes to on a vendor host, unrecorded, but keeps every tag and tracking endpoint faked', async () => {
    const ctx = fakeContext();
    const fakes = await installVendorFakes(ctx.context, { allow: (u) => google.includes(u.hostname) });
    // reCAPTCHA, Facebook Login, Bing Maps: the vendor's other services.
    expect(await ctx.request('https://www.google.com/recaptcha/api.js')).toBe('passes');
    expect(await ctx.request('https://connect.facebook.net/en_US/sdk.js')).toBe('passes');
    expect(await ctx.request('https://www.bing.com/api/maps/mapcontrol?callback=init')).toBe('passes');
    expect(fakes.requests).toEqual([]);
    // Allowed hosts, but their tags and tracking endpoints: faked or refused, and recorded.
    expect(await ctx.request('https://connect.facebook.net/en_US/fbevents.js')).toBe('fulfilled');
    expect(await ctx.request('https://connect.facebook.net/signals/config/123456789012345')).toBe('aborted');
    expect(await ctx.request('https://www.google.com/pagead/1p-conversion/123456789/?label=AbC')).toBe('aborted');
    expect(await ctx.request('https://www.google.com/ccm/collect?en=purchase')).toBe('aborted');
    expect(await ctx.request('https://www.facebook.com/tr?id=1&ev=Purchase')).toBe('aborted');
    expect(await ctx.request('https://bat.bing.com/action/0?ti=1')).toBe('aborted');
    expect(fakes.requests).toHaveLength(6);
    // Hosts allow says no to: refused, the vendor's unrecorded.
    expect(await ctx.request('https://example.org/widget.js')).toBe('aborted');
    expect(await ctx.request('https://px.ads.linkedin.com/collect?pid=1')).toBe('aborted');
    expect(fakes.requests).toHaveLength(7);
  });

  it('without allow every vendor request is faked or refused, as before', async () => {
    const ctx = fakeContext();
    const fakes = await installVendorFakes(ctx.context);
    expect(await ctx.request('https://www.google.com/recaptcha/api.js')).toBe('aborted');
    expect(await ctx.request('https://connect.facebook.net/en_US/sdk.js')).toBe('aborted');
    expect(await ctx.request('https://shop.example/')).toBe('passes');
    expect(fakes.requests).toEqual(['https://www.google.com/recaptcha/api.js', 'https://connect.facebook.net/en_US/sdk.js']);
  });
});

describe('installVendorFakes: commands parked by a page left for another origin (finding 1)', () => {
  it('commands(page) reads them back from the old origin\'s storage once the page is elsewhere, each once', async () => {
    const storage: { origin: string; localStorage: { name: string; value: string }[] }[] = [];
    const ctx = fakeContext(storage);
    const fakes = await installVendorFakes(ctx.context);
    let here = { doc: 'thanks', n: 0, origin: 'https://www.shop.test' };
    const page: PageLike = { evaluate: async () => here as never };
    // The checkout document announced itself and sent one command; its purchase, made while it was left, never arrived.
    ctx.call(page, '', [], 'checkout', 0, 'https://checkout.shop.test');
    ctx.call(page, 'gtag', ['config', 'G-1'], 'checkout', 1, 'https://checkout.shop.test');
    ctx.call(page, '', [], 'thanks', 0, 'https://www.shop.test');
    const parked = [['gtag', ['config', 'G-1'], 'checkout', 1], ['gtag', ['event', 'purchase'], 'checkout', 2]];
    storage.push({ origin: 'https://checkout.shop.test', localStorage: [
      { name: 'shop_consent', value: '{}' },
      { name: `__measureplanVendorParked:${ctx.run()}:checkout`, value: JSON.stringify(parked) },
      { name: '__measureplanVendorParked:earlierrun:old', value: JSON.stringify([['gtag', ['event', 'stale'], 'old', 1]]) }, // a persistent profile's earlier test
    ] });
    expect((await fakes.commands(page)).gtag).toEqual([['config', 'G-1'], ['event', 'purchase']]);
    expect((await fakes.commands(page)).gtag).toHaveLength(2);
    expect((await fakes.commands()).gtag).toHaveLength(2);
    // Back on the checkout's origin, its next page sends them again: still once.
    here = { doc: 'back', n: 0, origin: 'https://checkout.shop.test' };
    ctx.call(page, 'gtag', ['event', 'purchase'], 'checkout', 2, 'https://checkout.shop.test');
    expect((await fakes.commands(page)).gtag).toEqual([['config', 'G-1'], ['event', 'purchase']]);
  });
});
