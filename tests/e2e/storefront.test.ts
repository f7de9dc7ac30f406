/**
 * The example storefront, wired only through the script tag and examples/plans/webshop.json,
 * in headless Chromium with recording fakes of the vendors' tags.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without types
import { startStorefront } from '../../scripts/storefront-server.mjs';
// @ts-expect-error plain ESM helpers without types
import { runShopper } from '../../scripts/shopper.mjs';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { installVendorFakes } from '../support/vendor-fakes.mjs';

let shop: any;
beforeAll(async () => { shop = await startStorefront({ dataFile: join(mkdtempSync(join(tmpdir(), 'mp-shop-')), 'events.ndjson'), log: () => undefined }); });
afterAll(async () => { await shop?.close(); });

describe('the storefront', () => {
  it('with "Only necessary", no request reaches any vendor host and nothing reaches the collector', async () => {
    const browser = await launch();
    const context = await browser.newContext();
    const { requests } = await installVendorFakes(context);
    const page = await context.newPage();
    const before = shop.events().length;
    await page.goto(shop.url + '/');
    await page.click('#consent-necessary');
    for (const path of ['/pricing', '/products', '/product/tind-shell-jacket']) {
      await page.goto(shop.url + path);
      await page.evaluate(() => (window as any).measureplan.ready);
    }
    await page.click('main button.add-to-cart');
    await page.evaluate(() => (window as any).measureplan.flush());
    await page.waitForTimeout(1000);
    expect(requests).toEqual([]);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('mp_')))).toEqual([]);
    expect(shop.events().length).toBe(before);
    await browser.close();
  });

  it('a shopper who accepts: every conversion reaches the vendors as the plan says, and the collector once each', async () => {
    const { ok, events, vendorCommands: c, problems } = await runShopper(shop, { print: () => undefined });
    expect(problems).toEqual([]);
    expect(ok).toBe(true);
    const tracks = events.filter((m: any) => m.type === 'track');
    expect(tracks.map((m: any) => m.event).sort()).toEqual(['add_to_cart', 'begin_checkout', 'newsletter_signup', 'phone_click', 'purchase', 'view_item', 'visited_pricing']);
    expect(new Set(tracks.map((m: any) => m.messageId)).size).toBe(tracks.length);
    const purchase = tracks.find((m: any) => m.event === 'purchase');
    expect(purchase.messageId).toBe(`purchase:${purchase.properties.transaction_id}`);
    expect(purchase.properties).toMatchObject({ value: 2499, currency: 'NOK', items: [expect.objectContaining({ quantity: 1, price: 2499 })] });

    const gtagEvents = c.gtag.filter((x: any[]) => x[0] === 'event').map((x: any[]) => (x[1] === 'conversion' ? `conversion ${x[2].send_to}` : x[1]));
    expect(gtagEvents).toEqual(['view_pricing', 'sign_up', 'view_item', 'add_to_cart', 'phone_click', 'conversion AW-123456789/PhOnE123', 'begin_checkout', 'purchase', 'conversion AW-123456789/AbC-D_efG1']);
    const metaEvents = c.fbq.filter((x: any[]) => x[0] === 'track' || x[0] === 'trackCustom').map((x: any[]) => x[1]).filter((n: string) => n !== 'PageView');
    expect(metaEvents).toEqual(['Subscribe', 'ViewContent', 'AddToCart', 'InitiateCheckout', 'Purchase']);
    const metaPurchase = c.fbq.find((x: any[]) => x[1] === 'Purchase');
    expect(metaPurchase[3]).toEqual({ eventID: purchase.messageId });
    expect(c.lintrk).toEqual([['track', { conversion_id: 22222, event_id: tracks.find((m: any) => m.event === 'visited_pricing').messageId }]]);
    const uet = c.uetq.flat(2);
    expect(uet.filter((x: unknown) => x === 'event').length).toBe(3); // add_to_cart, phone_call, purchase
    expect(uet).toEqual(expect.arrayContaining(['add_to_cart', 'phone_call', 'purchase', expect.objectContaining({ event_id: purchase.messageId, revenue_value: 2499, currency: 'NOK' })]));
  });
});
