/**
 * The test kit's Playwright helper when a journey moves to another origin (kit QA 2026-12-07,
 * finding 1): a command made while a page on checkout.shop.test is left for www.shop.test (same
 * site, other origin) or for another site reaches `commands(page)`, once. The hosts are mapped to
 * 127.0.0.1 with Chromium's --host-resolver-rules. The kit comes from the source; the measureplan
 * page uses the built script tag (dist/measureplan.iife.js: `npm run build` first).
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { conversions, installVendorFakes, type VendorFakes } from '../../src/testing/playwright';
// @ts-expect-error plain ESM helpers without types
import { tagsRan } from '../support/vendor-fakes.mjs';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { ROOT } from '../support/bundle.mjs';

const STUB = readFileSync(join(ROOT, 'src/loader/stub.min.js'), 'utf8').trim();
const TAG = `<script>${STUB}</script><script async src="/measureplan.iife.js" data-plan="/plan.json"></script>`;
const PAGES: Record<string, (port: number) => string> = {
  // The site's own gtag: it tells GA4 something as the page is left, then the link is followed.
  '/left.html': (port) => `<!doctype html><title>left</title>
<script>window.dataLayer = window.dataLayer || []; function gtag() { dataLayer.push(arguments); }
addEventListener('pagehide', function () { gtag('event', 'left_now', { n: 1 }); });</script>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-LEAVE0001"></script>
<a id="away" href="http://www.shop.test:${port}/done.html">Thanks</a> <a id="pay" href="http://www.pay.test:${port}/done.html">Pay</a>`,
  // The reviewer's checkout: the purchase is tracked, and the thank-you page on www. follows at once.
  '/checkout.html': (port) => `<!doctype html><title>checkout</title>${TAG}
<script>measureplan.consent({ analytics: 'granted', ads: 'granted' });</script>
<button id="place" onclick="measureplan.track('purchase', { transaction_id: 'T-1001', value: 2499, items: [{ item_id: 'SKU-TENT-2', item_name: 'Tent', price: 2499, quantity: 1 }] }); location.href = 'http://www.shop.test:${port}/done.html';">Place order</button>`,
  // No consent asked on this origin yet: its tags report nothing.
  '/done.html': () => `<!doctype html><title>done</title>${TAG}<h1>Thanks</h1>`,
};

let server: Server;
let port = 0;
let browser: Browser;
/** `coop`: answers with Cross-Origin-Opener-Policy: same-origin, so that each origin gets a browsing context group (and process) of its own. */
let coop = false;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (coop) res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    if (path === '/measureplan.iife.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(readFileSync(join(ROOT, 'dist/measureplan.iife.js')));
    if (path === '/plan.json') return res.writeHead(200, { 'content-type': 'application/json' }).end(readFileSync(join(ROOT, 'examples/plans/webshop.json')));
    const page = PAGES[path];
    if (page) return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page(port));
    res.writeHead(404).end(); // the tag's chunks it may ask for (page experience): not needed here
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as { port: number }).port;
  browser = await launch({ args: ['--host-resolver-rules=MAP *.shop.test 127.0.0.1, MAP *.pay.test 127.0.0.1'] });
});
afterAll(async () => {
  await browser?.close();
  await new Promise((r) => { server?.closeAllConnections(); server?.close(r); });
});

const checkout = (path: string) => `http://checkout.shop.test:${port}${path}`;
const leftNow = async (fakes: VendorFakes, page: Page) => (await fakes.commands(page)).gtag.filter((c) => c[0] === 'event' && c[1] === 'left_now').length;

describe('installVendorFakes across origins', () => {
  it('a command made while a page is left for another origin of the site reaches commands(page), once', async () => {
    const context = await browser.newContext();
    const fakes = await installVendorFakes(context, { allow: (u) => u.port === String(port) });
    const page = await context.newPage();
    for (let run = 0; run < 2; run++) {
      await page.goto(checkout('/left.html'));
      await page.waitForFunction(() => (window as any).dataLayer?.push !== Array.prototype.push); // the fake gtag.js has taken over
      await Promise.all([page.waitForURL(`http://www.shop.test:${port}/done.html`), page.click('#away')]);
      await expect.poll(() => leftNow(fakes, page), { timeout: 5000 }).toBe(run + 1);
    }
    // Back on the first origin, its next page sends what it kept there again: still counted once.
    await page.goto(checkout('/done.html'));
    await page.waitForTimeout(300);
    expect(await leftNow(fakes, page)).toBe(2);
    await context.close();
  });

  it('reset() right after the hop forgets what the page left parked, unread until then (diff read 2026-12-06)', async () => {
    const context = await browser.newContext();
    const fakes = await installVendorFakes(context, { allow: (u) => u.port === String(port) });
    const page = await context.newPage();
    await page.goto(checkout('/left.html'));
    await page.waitForFunction(() => (window as any).dataLayer?.push !== Array.prototype.push);
    await Promise.all([page.waitForURL(`http://www.shop.test:${port}/done.html`), page.click('#away')]);
    await page.waitForTimeout(300);
    fakes.reset(); // no commands() call before it: the parked command is still only in checkout.shop.test's storage
    expect(await leftNow(fakes, page)).toBe(0);
    await page.goto(checkout('/left.html')); // and a hop after the reset counts
    await page.waitForFunction(() => (window as any).dataLayer?.push !== Array.prototype.push);
    await Promise.all([page.waitForURL(`http://www.shop.test:${port}/done.html`), page.click('#away')]);
    await expect.poll(() => leftNow(fakes, page), { timeout: 5000 }).toBe(1);
    await context.close();
  });

  it('the reviewer\'s checkout: a purchase, then the thank-you page on www., reaches every tag once', async () => {
    for (let run = 0; run < 3; run++) {
      const context = await browser.newContext();
      const fakes = await installVendorFakes(context, { allow: (u) => u.port === String(port) });
      const page = await context.newPage();
      await page.goto(checkout('/checkout.html'));
      await page.evaluate(() => (window as any).measureplan.ready);
      // Every tag is there (flaky-test review: Meta's alone was waited for, and a late bat.js lost the purchase with the page).
      await tagsRan(page, { read: (p: Page) => fakes.commands(p) });
      await Promise.all([page.waitForURL(`http://www.shop.test:${port}/done.html`), page.click('#place')]);
      await expect.poll(async () => conversions(await fakes.commands(page)).meta.map((c) => c.event), { timeout: 5000 }).toEqual(['Purchase']);
      const sent = conversions(await fakes.commands(page));
      expect(sent.ga4.map((c) => c.event)).toEqual(['purchase']);
      expect(sent.googleAds.map((c) => c.params.transaction_id)).toEqual(['T-1001']);
      expect(sent.microsoftAds.map((c) => c.action)).toEqual(['purchase']);
      await context.close();
    }
  });

  it('the same for another site and a browsing context group of its own per origin (COOP)', async () => {
    coop = true;
    try {
      const context = await browser.newContext();
      const fakes = await installVendorFakes(context, { allow: (u) => u.port === String(port) });
      const page = await context.newPage();
      await page.goto(checkout('/left.html'));
      await page.waitForFunction(() => (window as any).dataLayer?.push !== Array.prototype.push);
      await Promise.all([page.waitForURL(`http://www.pay.test:${port}/done.html`), page.click('#pay')]);
      await expect.poll(() => leftNow(fakes, page), { timeout: 5000 }).toBe(1);
      await context.close();
    } finally {
      coop = false;
    }
  });
});
