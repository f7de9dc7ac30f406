/**
 * The cross-origin linker in real Chromium: a shop on one origin, its checkout on another (two
 * ports of 127.0.0.1, two origins with storage of their own), both with the script tag and a
 * plan whose `linker.domains` lists them. A visitor who lands with an ad click and goes to the
 * checkout by a link, by a form or by the site's own script (linkUrl), orders there as the same visitor, in the same session, with
 * the landing's campaign and ad click (docs/origins.md).
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { ROOT } from '../support/bundle.mjs';
// @ts-expect-error plain ESM helpers without types
import { startServer } from '../support/server.mjs';
// @ts-expect-error plain ESM helpers without types
import { installVendorFakes, vendorCommands } from '../support/vendor-fakes.mjs';

const out = join(ROOT, 'node_modules/.cache/measureplan-e2e-linker');
const STUB = readFileSync(join(ROOT, 'src/loader/stub.min.js'), 'utf8').trim();
const plan = { ...JSON.parse(readFileSync(join(ROOT, 'examples/plans/webshop.json'), 'utf8')), linker: { domains: ['127.0.0.1'] } };
let shop: any;
let checkout: any;
let browser: Browser;

const page = (name: string, body: string) => writeFileSync(join(out, name), `<!doctype html><html><head><title>${name}</title>
  <script>${STUB}</script><script async src="/measureplan.iife.js" data-plan="/plan.json"></script>
  <script>measureplan.consent({ analytics: 'granted', ads: 'granted' });</script></head><body>${body}</body></html>`);
const tracks = (server: any, event: string) => server.received.filter((r: any) => r.body.type === 'track' && r.body.event === event).map((r: any) => r.body);

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(join(ROOT, 'dist')).filter((n) => /^measureplan\.[\w.-]+\.js$/.test(n))) cpSync(join(ROOT, 'dist', f), join(out, f));
  writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
  // Both origins serve the same folder: the pages name the other origin by a query parameter.
  shop = await startServer({ root: out });
  checkout = await startServer({ root: out });
  page('shop.html', `<a id="pay">To the checkout</a>
    <form id="payform" method="post"><button id="send">Pay</button></form>
    <script>
      const to = new URLSearchParams(location.search).get('to');
      document.getElementById('pay').href = to + '/checkout.html?cart=7';
      document.getElementById('payform').action = to + '/checkout.html?via=form';
      measureplan.track('phone_click');
    </script>`);
  page('checkout.html', `<script>
      measureplan.ready.then(() => {
        window.linkedAddress = location.href;
        measureplan.track('purchase', { transaction_id: 'LINK-' + Math.random().toString(36).slice(2), value: 1299, items: [{ item_id: 'tind', price: 1299, quantity: 1 }] });
        measureplan.flush();
      });
    </script>`);
  browser = await launch();
});
afterAll(async () => { await browser?.close(); await shop?.close(); await checkout?.close(); });

/**
 * A visitor landing on the shop from an ad, in a fresh browser context with the vendors' fakes,
 * once the shop has sent its first conversion and the linker's file has loaded (a click in the
 * moment before goes undecorated, as docs/origins.md says).
 */
async function land() {
  shop.reset(); checkout.reset();
  const context = await browser.newContext();
  await installVendorFakes(context);
  const p = await context.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(e.message));
  await p.goto(`${shop.url}/shop.html?to=${encodeURIComponent(checkout.url)}&gclid=GC-E2E&utm_source=google&utm_medium=cpc`);
  await p.evaluate(() => (window as any).measureplan.ready);
  await p.evaluate(() => (window as any).measureplan.flush());
  await expect.poll(() => tracks(shop, 'phone_click').length, { timeout: 10_000 }).toBeGreaterThan(0);
  await expect.poll(() => p.evaluate(() => !!(window as any).measureplanLinker), { timeout: 10_000 }).toBe(true);
  return { context, p, errors, visitor: tracks(shop, 'phone_click').at(-1) };
}

describe('the linker', () => {
  it('a link to the checkout origin: the order there has the shop\'s visitor, session, campaign and ad click, and the address is tidied', async () => {
    const { context, p, errors, visitor } = await land();
    // Google's own linker is set up for the same domains.
    expect((await vendorCommands(p)).gtag).toContainEqual(['set', 'linker', { domains: ['127.0.0.1'], decorate_forms: true }]);
    await Promise.all([p.waitForURL(/checkout\.html/), p.click('#pay')]);
    await expect.poll(() => tracks(checkout, 'purchase').length, { timeout: 15_000 }).toBe(1);
    const order = tracks(checkout, 'purchase')[0];
    expect(order.anonymousId).toBe(visitor.anonymousId);
    expect(order.context.measureplan.session_id).toBe(visitor.context.measureplan.session_id);
    expect(order.context.campaign).toMatchObject({ source: 'google', medium: 'cpc' });
    expect(order.context.measureplan.click_ids).toEqual({ gclid: 'GC-E2E' });
    // The parameter is gone from the address bar and from every page URL sent.
    expect(await p.evaluate(() => (window as any).linkedAddress)).toBe(`${checkout.url}/checkout.html?cart=7`);
    expect(JSON.stringify(checkout.received)).not.toContain('_mpl');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the site\'s own script going to the checkout with linkUrl() carries the visitor too', async () => {
    const { context, p, visitor } = await land();
    await Promise.all([p.waitForURL(/checkout\.html/), p.evaluate((to) => { location.href = (window as any).measureplan.linkUrl(to + '/checkout.html?via=script'); }, checkout.url)]);
    await expect.poll(() => tracks(checkout, 'purchase').length, { timeout: 15_000 }).toBe(1);
    const order = tracks(checkout, 'purchase')[0];
    expect(order.anonymousId).toBe(visitor.anonymousId);
    expect(order.context.measureplan.click_ids).toEqual({ gclid: 'GC-E2E' });
    expect(await p.evaluate(() => (window as any).linkedAddress)).toBe(`${checkout.url}/checkout.html?via=script`);
    await context.close();
  });

  it('a form posted to the checkout origin carries the visitor too', async () => {
    const { context, p, visitor } = await land();
    // The static server answers a POST to a page with the page.
    await Promise.all([p.waitForURL(/checkout\.html/), p.click('#send')]);
    await expect.poll(() => tracks(checkout, 'purchase').length, { timeout: 15_000 }).toBe(1);
    expect(tracks(checkout, 'purchase')[0].anonymousId).toBe(visitor.anonymousId);
    await context.close();
  });

  it('a decorated address opened in another browser is another visitor', async () => {
    const { context, p, visitor } = await land();
    // The visitor opens the link's context menu (its href is decorated then) and copies the address.
    await p.click('#pay', { button: 'right' });
    const copied = await p.evaluate(() => (document.getElementById('pay') as HTMLAnchorElement).href);
    expect(copied).toContain('_mpl=');
    const other = await browser.newContext({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AnotherBrowser/1.0' });
    await installVendorFakes(other);
    const q = await other.newPage();
    await q.goto(copied);
    await expect.poll(() => tracks(checkout, 'purchase').length, { timeout: 15_000 }).toBe(1);
    const order = tracks(checkout, 'purchase')[0];
    expect(order.anonymousId).not.toBe(visitor.anonymousId);
    expect(order.context.measureplan.click_ids ?? {}).toEqual({});
    await other.close();
    await context.close();
  });
});
