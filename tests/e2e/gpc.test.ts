/**
 * Global Privacy Control in real Chromium (docs/consent.md): the example storefront, wired only
 * through the script tag and its plan (no `consent.gpc`, so "deny-ads"), visited by a browser that
 * sends the signal. Chromium has no switch for it, so an init script gives `navigator` the
 * property as Firefox, Brave and DuckDuckGo do. The shopper accepts everything in the banner.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { conversions, installVendorFakes, pageViews } from '../../src/testing/playwright';
// @ts-expect-error plain ESM helpers without types
import { startStorefront } from '../../scripts/storefront-server.mjs';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';

const local = (url: URL) => url.hostname === '127.0.0.1';
const tagReady = async (page: Page) => {
  await page.waitForFunction(() => (window as any).measureplan?.loaded === true, null, { timeout: 10_000 });
  await page.evaluate(() => (window as any).measureplan.ready);
};
let shop: any;
const dir = mkdtempSync(join(tmpdir(), 'mp-gpc-'));
beforeAll(async () => { shop = await startStorefront({ dataFile: join(dir, 'events.ndjson'), log: () => undefined }); });
afterAll(async () => { await shop?.close(); rmSync(dir, { recursive: true, force: true }); });

describe('a browser that sends Global Privacy Control, on the storefront', () => {
  it('"Accept all" opens analytics only: no ad tag is requested or called, Google hears ads denied, no click id is kept or sent', async () => {
    const browser = await launch();
    const context = await browser.newContext();
    await context.addInitScript(() => Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true }));
    const fakes = await installVendorFakes(context, { allow: local });
    const page = await context.newPage();
    const before = shop.events().length;
    await page.goto(shop.url + '/?gclid=GPC-TEST-CLICK&fbclid=GPC-TEST-FB');
    await tagReady(page);
    await page.click('#consent-accept-all');
    await expect.poll(async () => pageViews(await fakes.commands(page)).ga4, { timeout: 10_000 }).toBe(1);
    await page.goto(shop.url + '/product/tind-shell-jacket');
    await tagReady(page);
    await page.click('main button.add-to-cart');
    await page.waitForFunction(() => document.querySelector('.cart-count')?.textContent === '1');
    await page.evaluate(() => (window as any).measureplan.flush());
    await expect.poll(() => shop.events().slice(before).some((m: any) => m.event === 'add_to_cart'), { timeout: 10_000 }).toBe(true);
    await page.waitForTimeout(500); // time for a late ad tag to show itself, if one were coming

    const commands = await fakes.commands(page);
    const sent = conversions(commands);
    // Analytics as the banner said.
    expect(sent.ga4.map((x) => x.event)).toContain('add_to_cart');
    // Ads: not one request to an ad vendor, and no ad tag on the page.
    expect(fakes.requests.filter((u) => !/googletagmanager\.com\/gtag\/js\?id=G-|google-analytics\.com/.test(u))).toEqual([]);
    expect({ fbq: commands.fbq, lintrk: commands.lintrk, uetq: commands.uetq, googleAds: sent.googleAds }).toEqual({ fbq: [], lintrk: [], uetq: [], googleAds: [] });
    const consentCalls = (commands.gtag ?? []).filter((c) => c[0] === 'consent').map((c) => c[2] as Record<string, string>);
    expect(consentCalls.at(-1)).toMatchObject({ analytics_storage: 'granted', ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied' });
    // The collector: analytics granted, ads denied, and neither the click ids nor a URL holding them.
    const mine = shop.events().slice(before);
    expect(mine.length).toBeGreaterThan(0);
    for (const m of mine) {
      expect(m.context.measureplan.consent).toEqual({ analytics: 'granted', ads: 'denied' });
      expect(JSON.stringify(m)).not.toMatch(/GPC-TEST/);
    }
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('mp_')).sort())).not.toContain('mp_clk');
    await browser.close();
  });
});
