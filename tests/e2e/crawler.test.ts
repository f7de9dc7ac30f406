/**
 * Declared crawlers in real Chromium (docs/data-protection.md "Crawlers"): the example storefront,
 * wired only through the script tag and its plan (no `bots`, so "skip"), rendered by a browser
 * whose user agent is Googlebot smartphone's. Even when it accepts every cookie (a crawler does
 * not, but the page must not depend on it) nothing reaches the collector or a vendor, nothing of
 * measureplan's is stored, only the tag itself is fetched, and the shop works: its cart, and the
 * experiment's control. The same visit with Chromium's own (headless) user agent is measured.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { installVendorFakes } from '../../src/testing/playwright';
// @ts-expect-error plain ESM helpers without types
import { startStorefront } from '../../scripts/storefront-server.mjs';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';

const GOOGLEBOT_SMARTPHONE = 'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.108 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const local = (url: URL) => url.hostname === '127.0.0.1';
let shop: any;
const dir = mkdtempSync(join(tmpdir(), 'mp-crawler-'));
beforeAll(async () => { shop = await startStorefront({ dataFile: join(dir, 'events.ndjson'), log: () => undefined }); });
afterAll(async () => { await shop?.close(); rmSync(dir, { recursive: true, force: true }); });

/** Home (with an ad click), "Accept all", a product page, "Add to cart": what the page shows and fetched. */
async function visit(context: BrowserContext) {
  const fakes = await installVendorFakes(context, { allow: local });
  const page = await context.newPage();
  const own: string[] = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname.startsWith('/measureplan/') || r.url().includes('/collect')) own.push(new URL(r.url()).pathname); });
  const ready = (p: Page) => p.waitForFunction(() => (window as any).measureplan?.loaded === true, null, { timeout: 10_000 }).then(() => p.evaluate(() => (window as any).measureplan.ready));
  await page.goto(shop.url + '/?gclid=CRAWLER-TEST-CLICK');
  expect(await ready(page)).toBe(true);
  await page.click('#consent-accept-all');
  await page.goto(shop.url + '/product/tind-shell-jacket');
  expect(await ready(page)).toBe(true);
  await page.click('main button.add-to-cart');
  await page.waitForFunction(() => document.querySelector('.cart-count')?.textContent === '1');
  await page.evaluate(() => (window as any).measureplan.flush());
  return {
    page, fakes, own,
    variant: await page.evaluate(() => (window as any).measureplan.variant('free_shipping_banner')),
    offer: await page.evaluate(() => document.querySelector('.usp-bar')!.classList.contains('usp-bar--offer')),
    stored: await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)].filter((k) => k.startsWith('mp_'))),
    databases: await page.evaluate(async () => (await indexedDB.databases()).map((d) => d.name)),
  };
}

describe('Googlebot smartphone on the storefront (the plan has no "bots": "skip")', () => {
  it('sends nothing to the collector or any vendor, stores nothing, fetches only the tag; the shop works and shows the control', async () => {
    const browser = await launch();
    const context = await browser.newContext({ userAgent: GOOGLEBOT_SMARTPHONE, viewport: { width: 412, height: 823 }, isMobile: true });
    const before = shop.events().length;
    const { page, fakes, own, variant, offer, stored, databases } = await visit(context);
    await page.waitForTimeout(1500); // time for a collector batch, a late tag or the page-experience file, were one coming

    expect(await page.evaluate(() => navigator.userAgent)).toBe(GOOGLEBOT_SMARTPHONE);
    expect(shop.events().length).toBe(before);
    expect(own).toEqual(['/measureplan/measureplan.iife.js', '/measureplan/measureplan.iife.js']); // one tag per page, nothing else of ours
    expect(fakes.requests).toEqual([]);
    const commands = await fakes.commands(page);
    expect(Object.values(commands).flat()).toEqual([]);
    expect(stored).toEqual([]);
    expect(databases).not.toContain('measureplan');
    expect({ variant, offer }).toEqual({ variant: 'control', offer: false });
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('fjellsport_cart') ?? '[]').length)).toBe(1); // the shop's own cart
    await browser.close();
  });

  it('in debug mode says why in the console, once, and the debug panel still opens; no page error', async () => {
    const browser = await launch();
    const context = await browser.newContext({ userAgent: GOOGLEBOT_SMARTPHONE });
    await installVendorFakes(context, { allow: local });
    const page = await context.newPage();
    const said: string[] = [];
    const errors: string[] = [];
    page.on('console', (m: ConsoleMessage) => { if (m.text().startsWith('measureplan:')) said.push(`${m.type()} ${m.text()}`); });
    page.on('pageerror', (e: Error) => errors.push(e.message));
    await page.goto(shop.url + '/product/tind-shell-jacket?measureplan_debug=1');
    await page.waitForFunction(() => (window as any).measureplan?.loaded === true);
    expect(await page.evaluate(() => (window as any).measureplan.ready)).toBe(true);
    await page.waitForSelector('measureplan-debug', { state: 'attached', timeout: 10_000 });
    await page.click('main button.add-to-cart');
    await page.waitForTimeout(300);
    expect(said).toEqual(['warning measureplan: this browser says it is a crawler (Googlebot); nothing is stored or sent. "bots": "measure" in the plan measures crawlers.']);
    expect(errors).toEqual([]);
    await browser.close();
  });

  it('the same visit in Chromium\'s own headless user agent is measured, as before', async () => {
    const browser = await launch();
    const context = await browser.newContext();
    const before = shop.events().length;
    const { page, fakes, own } = await visit(context);
    expect(await page.evaluate(() => navigator.userAgent)).toMatch(/HeadlessChrome/);
    await expect.poll(() => shop.events().slice(before).map((m: any) => m.event)).toEqual(expect.arrayContaining(['add_to_cart']));
    expect(own).toContain('/collect');
    expect(fakes.requests.length).toBeGreaterThan(0); // the granted vendors' tags
    await browser.close();
  });
});
