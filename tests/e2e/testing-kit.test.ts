/**
 * The test kit's Playwright helper (measureplan/testing/playwright) in a real browser, as a shop
 * would use it: small pages with the built script tag (dist/measureplan.iife.js), a journey over
 * three pages, and per vendor what its tag received across the navigations. Run with the source
 * and with the published build. Needs `npm run build` first.
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import * as source from '../../src/testing/playwright';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { ROOT } from '../support/bundle.mjs';
// @ts-expect-error plain ESM helpers without types
import { startServer } from '../support/server.mjs';
// @ts-expect-error plain ESM helpers without types
import { tagsRan } from '../support/vendor-fakes.mjs';

type Kit = typeof source;
const out = join(ROOT, 'node_modules/.cache/measureplan-e2e-kit');
const STUB = readFileSync(join(ROOT, 'src/loader/stub.min.js'), 'utf8').trim();
const local = (url: URL) => url.hostname === '127.0.0.1';
let server: any;
let browser: Browser;
let built: Kit;

const write = (name: string, body: string) => writeFileSync(join(out, name), `<!doctype html><html><head><title>${name}</title>
<script>${STUB}</script><script async src="/measureplan.iife.js" data-plan="/plan.json"></script>
<script>measureplan.consent({ analytics: 'granted', ads: 'granted' });</script></head><body>${body}</body></html>`);

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(join(ROOT, 'dist')).filter((n) => /^measureplan\.[\w.-]+\.js$/.test(n))) cpSync(join(ROOT, 'dist', f), join(out, f));
  writeFileSync(join(out, 'plan.json'), readFileSync(join(ROOT, 'examples/plans/webshop.json')));
  write('index.html', `<a href="tel:+4722334455" id="call">Call us</a> <a href="/pricing.html" id="pricing">Prices</a>`);
  write('pricing.html', `<a href="/done.html" id="buy">Buy</a>`);
  write('done.html', `<script>measureplan.track('purchase', { transaction_id: 'T-1001', value: 2499, items: [{ item_id: 'SKU-TENT-2', item_name: 'Tent', price: 2499, quantity: 1 }] });</script>`);
  // A page whose own code tells GA4 something as it is left (a pagehide handler), then follows a link.
  writeFileSync(join(out, 'leave.html'), `<!doctype html><html><head><title>leave</title>
<script>window.dataLayer = window.dataLayer || []; function gtag() { dataLayer.push(arguments); }
addEventListener('pagehide', function () { gtag('event', 'left_now', { n: 1 }); });</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-LEAVE0001"></script></head>
<body><a href="/pricing.html" id="away">Away</a></body></html>`);
  server = await startServer({ root: out });
  browser = await launch();
  built = await import(/* @vite-ignore */ pathToFileURL(join(ROOT, 'dist/testing/playwright.js')).href);
});
afterAll(async () => { await browser?.close(); await server?.close(); });

/** Waits until the page's fakes have recorded `n` conversions for `vendor` (before the journey moves on). */
const ready = (page: Page) => page.evaluate(() => (window as any).measureplan.ready);
const until = (kit: Kit, fakes: source.VendorFakes, page: Page, vendor: keyof source.VendorConversions, n: number) =>
  expect.poll(async () => kit.conversions(await fakes.commands(page))[vendor].length, { timeout: 10_000 }).toBe(n);

describe.each([['the source', () => source], ['the published build', () => built]])('installVendorFakes, from %s', (_name, kit) => {
  it('records what each vendor received across a journey of three pages', async () => {
    server.reset();
    const { installVendorFakes, conversions, pageViews, vendorCommands } = kit();
    const context = await browser.newContext();
    const fakes = await installVendorFakes(context, { allow: local });
    const page = await context.newPage();
    await page.goto(server.url + '/');
    await ready(page); // the click trigger is installed once the tag has its plan
    // A phone would start a call: keep the page, let the click reach the tag.
    await page.evaluate(() => window.addEventListener('click', (e) => { if ((e.target as Element).closest?.('a[href^="tel:"]')) e.preventDefault(); }));
    await page.click('#call');
    await until(kit(), fakes, page, 'microsoftAds', 1);
    // Each page is left only once every tag has run on it (flaky-test review: a late gtag.js lost view_pricing).
    const allIn = (n: number) => tagsRan(page, { read: (p: Page) => fakes.commands(p), n });
    await allIn(1);
    await Promise.all([page.waitForURL('**/pricing.html'), page.click('#pricing')]);
    await until(kit(), fakes, page, 'linkedin', 1);
    await allIn(2);
    await Promise.all([page.waitForURL('**/done.html'), page.click('#buy')]);
    await until(kit(), fakes, page, 'meta', 1);
    await until(kit(), fakes, page, 'microsoftAds', 2);
    await allIn(3);

    const commands = await fakes.commands(page);
    const sent = conversions(commands);
    expect(sent.ga4.map((c) => c.event)).toEqual(['phone_click', 'view_pricing', 'purchase']);
    expect(sent.ga4[2]!.params).toMatchObject({ transaction_id: 'T-1001', value: 2499, currency: 'NOK', send_to: 'G-F1X2Y3Z4W5' });
    expect(sent.googleAds).toEqual([
      { label: 'PhOnE123', params: { send_to: 'AW-123456789/PhOnE123' } },
      { label: 'AbC-D_efG1', params: { send_to: 'AW-123456789/AbC-D_efG1', value: 2499, currency: 'NOK', transaction_id: 'T-1001' } },
    ]);
    expect(sent.meta).toEqual([{ event: 'Purchase', method: 'track', eventID: 'purchase:T-1001', params: expect.objectContaining({ value: 2499, currency: 'NOK', content_ids: ['SKU-TENT-2'] }) }]);
    expect(sent.microsoftAds.map((c) => [c.action, c.params.event_id])).toEqual([['phone_call', expect.any(String)], ['purchase', 'purchase:T-1001']]);
    // The tags' own page views: one per page, for each tag.
    expect(pageViews(commands)).toEqual({ ga4: 3, meta: 3, microsoftAds: 3 });
    // Every vendor script once per page, from its official URL; nothing else reached a vendor.
    expect(fakes.requests.filter((u) => u.includes('fbevents.js'))).toHaveLength(3);
    expect(fakes.requests.every((u) => Object.keys(kit().FAKES).some((f) => u.startsWith('https://' + f)))).toBe(true);

    // The same ids at the collector: what the shop's server would send to the vendors' APIs.
    await page.evaluate(() => (window as any).measureplan.flush());
    // (Only this visitor's conversions: a page closed by an earlier test may still send its beacon,
    // and the pages left behind send their Core Web Vitals, journey signals that are no conversion.)
    const mine = () => {
      const visitor = server.received.find((r: any) => r.id === 'purchase:T-1001')?.body.anonymousId;
      return [...new Set(server.received.filter((r: any) => visitor && r.body.anonymousId === visitor && r.body.context?.measureplan?.kind !== 'signal').map((r: any) => r.id))];
    };
    await expect.poll(() => mine().length, { timeout: 5000 }).toBe(3);
    const ids = mine();
    expect(ids).toEqual(expect.arrayContaining([sent.linkedin[0]!.event_id, sent.microsoftAds[0]!.params.event_id, 'purchase:T-1001']));
    expect(sent.linkedin).toEqual([{ conversion_id: 22222, event_id: expect.any(String) }]);

    // The page itself only remembers its current document.
    const here = conversions(await vendorCommands(page));
    expect(here.ga4.map((c) => c.event)).toEqual(['purchase']);
    await context.close();
  });

  it('keeps a vendor call made while the page is being left, once (kit QA 2026-12-06: lost in 10 of 10 runs)', async () => {
    const { installVendorFakes } = kit();
    const context = await browser.newContext();
    const fakes = await installVendorFakes(context, { allow: local });
    const page = await context.newPage();
    for (let run = 0; run < 3; run++) {
      await page.goto(server.url + '/leave.html');
      await page.waitForFunction(() => (window as any).__measureplanVendorSent !== undefined || (window as any).dataLayer?.push !== Array.prototype.push);
      await Promise.all([page.waitForURL('**/pricing.html'), page.click('#away')]);
      await ready(page);
    }
    await expect.poll(async () => (await fakes.commands(page)).gtag.filter((c) => c[0] === 'event' && c[1] === 'left_now').length, { timeout: 10_000 }).toBe(3);
    await context.close();
  });

  it('keeps each page of a context apart, and reset() starts over', async () => {
    const { installVendorFakes, conversions } = kit();
    const context = await browser.newContext();
    const fakes = await installVendorFakes(context, { allow: local });
    const [a, b] = [await context.newPage(), await context.newPage()];
    await a.goto(server.url + '/done.html');
    await b.goto(server.url + '/pricing.html');
    // Every tag of both pages has had its say before reset(): a late UET queue counted after it (CI 2026-12-07).
    for (const v of ['ga4', 'googleAds', 'meta', 'microsoftAds'] as const) await until(kit(), fakes, a, v, 1);
    for (const v of ['ga4', 'linkedin'] as const) await until(kit(), fakes, b, v, 1);
    for (const p of [a, b]) await tagsRan(p, { read: (q: Page) => fakes.commands(q) });
    expect(conversions(await fakes.commands(a)).ga4.map((c) => c.event)).toEqual(['purchase']);
    expect(conversions(await fakes.commands(b)).ga4.map((c) => c.event)).toEqual(['view_pricing']);
    expect(conversions(await fakes.commands()).ga4.map((c) => c.event).sort()).toEqual(['purchase', 'view_pricing']);
    fakes.reset();
    expect(await fakes.commands(a)).toEqual({ gtag: [], fbq: [], lintrk: [], uetq: [] });
    expect(fakes.requests).toEqual([]);
    await b.evaluate(() => (window as any).measureplan.track('phone_click'));
    await until(kit(), fakes, b, 'googleAds', 1);
    expect(await fakes.commands(a)).toEqual({ gtag: [], fbq: [], lintrk: [], uetq: [] });
    await context.close();
  });

  it('lets other requests through unless `allow` says otherwise, and refuses every other vendor request', async () => {
    const { installVendorFakes } = kit();
    const other = server.url.replace('127.0.0.1', 'localhost') + '/pricing.html';
    const open = await browser.newContext();
    await installVendorFakes(open);
    const p = await open.newPage();
    await expect(p.goto(other)).resolves.toBeTruthy(); // not a vendor host: passes
    await open.close();

    const closed = await browser.newContext();
    const fakes = await installVendorFakes(closed, { allow: local });
    await expect((await closed.newPage()).goto(other)).rejects.toThrow(/ERR_FAILED/);
    const q = await closed.newPage();
    await q.goto(server.url + '/pricing.html');
    const pixel = await q.evaluate(() => new Promise((done) => { const i = new Image(); i.onload = () => done('loaded'); i.onerror = () => done('refused'); i.src = 'https://www.facebook.com/tr?id=123456789012345&ev=PageView'; }));
    expect(pixel).toBe('refused');
    expect(fakes.requests).toContain('https://www.facebook.com/tr?id=123456789012345&ev=PageView');
    await closed.close();
  });
});
