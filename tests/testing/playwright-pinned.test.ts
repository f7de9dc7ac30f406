/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): the Playwright kit's readers (src/testing/playwright.ts). Kills K15 (a Core Web
 * Vital sent to GA4 counted as a GA4 conversion), K17 (a whole UET call of two arguments, an event
 * without parameters, cut to its command), K20 (GA4's hits to www.google.com/g/collect let through
 * when `allow` lets www.google.com's other services through) and K24 (a gtag event sent to a
 * Google Ads id, `send_to: 'AW-…/label'`, taken for GA4).
 */
import { describe, expect, it } from 'vitest';
import { conversions, installVendorFakes, uetCalls, type BrowserContextLike, type RouteLike, type VendorCommands } from '../../src/testing/playwright';

const cmds = (over: Partial<VendorCommands>): VendorCommands => ({ gtag: [], fbq: [], lintrk: [], uetq: [], ...over });

describe('conversions() and uetCalls()', () => {
  it('leaves out a Core Web Vital sent to GA4 (metric_id)', () => {
    const c = conversions(cmds({ gtag: [['event', 'LCP', { value: 1200, metric_id: 'v5-1', metric_value: 1200, metric_rating: 'good' }], ['event', 'purchase', { value: 1 }]] }));
    expect(c.ga4.map((e) => e.event)).toEqual(['purchase']);
  });

  it('a gtag event sent to a Google Ads id is a Google Ads conversion, whatever its name', () => {
    const c = conversions(cmds({ gtag: [['event', 'purchase', { send_to: 'AW-123456789/AbC-D_efG1', value: 10 }]] }));
    expect(c.ga4).toEqual([]);
    expect(c.googleAds.map((e) => e.label)).toEqual(['AbC-D_efG1']);
  });

  it('keeps a whole UET call of two arguments', () => {
    expect(uetCalls([['event', 'signup']])).toEqual([['event', 'signup']]);
    expect(conversions(cmds({ uetq: [['event', 'signup']] })).microsoftAds).toEqual([{ action: 'signup', params: {} }]);
  });
});

it("refuses GA4's hits to www.google.com/g/collect even when allow lets www.google.com through", async () => {
  let matcher: (url: URL) => boolean = () => false;
  let handler: (route: RouteLike) => unknown = () => undefined;
  const context: BrowserContextLike = { route: async (m, h) => { matcher = m; handler = h; }, exposeBinding: async () => undefined };
  await installVendorFakes(context, { allow: (u) => u.hostname === 'localhost' || u.hostname === 'www.google.com' });
  const request = async (href: string) => {
    if (!matcher(new URL(href))) return 'passes';
    let outcome = '';
    await handler({ request: () => ({ url: () => href }), fulfill: async () => { outcome = 'fulfilled'; }, abort: async () => { outcome = 'aborted'; } });
    return outcome;
  };
  expect(await request('https://www.google.com/recaptcha/api.js')).toBe('passes');
  expect(await request('https://www.google.com/g/collect?v=2&tid=G-1&en=purchase')).toBe('aborted');
});
