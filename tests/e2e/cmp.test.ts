/**
 * The consent-platform readers in a real browser (Chromium): src/cmp bundled into a page next to
 * the jsdom suite's fakes of IAB TCF `__tcfapi`, Cookiebot and Shopify's Customer Privacy API,
 * each loading the way sites load them (the TCF stub in the head and the CMP later; Cookiebot's
 * uc.js as an async script after measureplan has started; Shopify's API when the theme asks). The decisions are recorded on `window` and read back.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
// @ts-expect-error plain ESM helpers without types
import { launch, localContext } from '../support/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { ROOT } from '../support/bundle.mjs';
// @ts-expect-error plain ESM helpers without types
import { startServer } from '../support/server.mjs';

const out = join(ROOT, 'node_modules/.cache/measureplan-e2e-cmp');
let server: any;
let browser: Browser;
const contexts: BrowserContext[] = [];

const GRANTED = { analytics: 'granted', ads: 'granted' };
const DENIED = { analytics: 'denied', ads: 'denied' };
const ANALYTICS_ONLY = { analytics: 'granted', ads: 'denied' };
const ALL = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

/** Records what measureplan's reader reports, the way the tracker will receive it. */
const follow = (name: string, timeout: number) => `
  window.decisions = []; window.warnings = [];
  window.stop = CMP.followConsentPlatform('${name}', {
    onDecision: (d) => decisions.push(d), warn: (m) => warnings.push(m), timeout: ${timeout},
  });`;

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'entry.ts'), `export { followConsentPlatform } from '${ROOT}/src/cmp/index.ts';\nexport * from '${ROOT}/tests/cmp/fakes.ts';\n`);
  await build({ entryPoints: [join(out, 'entry.ts')], bundle: true, minify: true, format: 'iife', globalName: 'CMP', outfile: join(out, 'cmp.js'), logLevel: 'error' });
  // Cookiebot's uc.js stand-in: defines window.Cookiebot when it runs (reading its cookie).
  writeFileSync(join(out, 'uc.js'), 'window.cookiebot = CMP.fakeCookiebot(window); cookiebot.load();');
  writeFileSync(join(out, 'tcf.html'), `<!doctype html><title>TCF</title>
<script src="/cmp.js"></script>
<script>window.cmp = CMP.fakeTcf(window); cmp.stub(); // the IAB stub, first in the head</script>
<script>${follow('tcf', 1500)}
  if (!location.search.includes('never')) setTimeout(() => cmp.load(), 300); // the CMP's script, later
</script>`);
  writeFileSync(join(out, 'cookiebot.html'), `<!doctype html><title>Cookiebot</title>
<script src="/cmp.js"></script>
<script>${follow('cookiebot', 1500)}
  setTimeout(() => { const s = document.createElement('script'); s.async = true; s.src = '/uc.js'; document.head.append(s); }, 300);
</script>`);
  // A Shopify storefront whose theme loads the Customer Privacy API after measureplan started.
  writeFileSync(join(out, 'shopify.html'), `<!doctype html><title>Shopify</title>
<script src="/cmp.js"></script>
<script>window.shop = CMP.fakeShopify(window); shop.storefront();</script>
<script>${follow('shopify', 1500)}
  setTimeout(() => Shopify.loadFeatures([{ name: 'consent-tracking-api', version: '0.1' }], () => {}), 300);
</script>`);
  server = await startServer({ root: out });
  browser = await launch();
});
afterAll(async () => { for (const c of contexts) await c.close(); await browser?.close(); await server?.close(); });

async function open(path: string, context?: BrowserContext): Promise<{ page: Page; context: BrowserContext }> {
  if (!context) { context = await localContext(browser); contexts.push(context!); }
  const page = await context!.newPage();
  await page.goto(server.url + path);
  return { page, context: context! };
}
const decisions = (page: Page) => page.evaluate(() => (window as any).decisions);
const warnings = (page: Page) => page.evaluate(() => (window as any).warnings);

describe('consent platforms in Chromium', () => {
  it('TCF: nothing while the UI waits, then accept, legitimate interest only, and stop', async () => {
    const { page } = await open('/tcf.html');
    await page.waitForFunction(() => (window as any).cmp.listeners() === 1);
    await page.waitForTimeout(200);
    expect(await decisions(page)).toEqual([]);

    await page.evaluate((all) => (window as any).cmp.choose({ consents: all }), ALL);
    expect(await decisions(page)).toEqual([GRANTED]);

    await page.evaluate(() => (window as any).cmp.reopen());
    await page.evaluate((all) => (window as any).cmp.choose({ consents: [], legitimateInterests: all }), ALL);
    expect(await decisions(page)).toEqual([GRANTED, DENIED]);

    await page.evaluate(() => (window as any).stop());
    expect(await page.evaluate(() => (window as any).cmp.listeners())).toBe(0);
    await page.evaluate((all) => (window as any).cmp.choose({ consents: all }), ALL);
    expect(await decisions(page)).toEqual([GRANTED, DENIED]);
    expect(await warnings(page)).toEqual([]);
  });

  it('TCF: a CMP that never loads (only its stub) gives one warning and no decision', async () => {
    const { page } = await open('/tcf.html?never');
    await page.waitForFunction(() => (window as any).warnings.length > 0, undefined, { timeout: 5_000 });
    await page.waitForTimeout(600);
    expect(await warnings(page)).toEqual(["tcf has not loaded after 1.5 s; the plan's default consent stays in force"]);
    expect(await decisions(page)).toEqual([]);
  });

  it('Cookiebot: loads after measureplan; a choice, the same choice on the next page, a withdrawal', async () => {
    const { page, context } = await open('/cookiebot.html');
    await page.waitForFunction(() => (window as any).Cookiebot);
    await page.waitForTimeout(300);
    expect(await decisions(page)).toEqual([]);

    await page.evaluate(() => (window as any).cookiebot.submit({ statistics: true }));
    expect(await decisions(page)).toEqual([ANALYTICS_ONLY]);

    // The next page: uc.js finds its CookieConsent cookie; hasResponse is true from the start.
    const { page: next } = await open('/cookiebot.html', context);
    await next.waitForFunction(() => (window as any).decisions.length > 0);
    expect(await decisions(next)).toEqual([ANALYTICS_ONLY]);

    await next.evaluate(() => (window as any).cookiebot.renew({}));
    expect(await decisions(next)).toEqual([ANALYTICS_ONLY, DENIED]);
    await next.waitForTimeout(1_700);
    expect(await warnings(next)).toEqual([]);
  });

  it("Shopify: the API loads after measureplan; the banner's choice at once, the same on the next page, then \"do not sell or share\"", async () => {
    const { page, context } = await open('/shopify.html');
    await page.waitForFunction(() => (window as any).Shopify.customerPrivacy);
    await page.waitForTimeout(300);
    expect(await decisions(page)).toEqual([]);
    await page.evaluate(() => (window as any).Shopify.customerPrivacy.setTrackingConsent({ analytics: true, marketing: true, preferences: true, sale_of_data: true }, () => {}));
    expect(await decisions(page)).toEqual([GRANTED]); // heard from the document's event

    const { page: next } = await open('/shopify.html', context);
    await next.waitForFunction(() => (window as any).decisions.length > 0);
    expect(await decisions(next)).toEqual([GRANTED]);
    await next.evaluate(() => (window as any).shop.choose({ sale_of_data: false }));
    expect(await decisions(next)).toEqual([GRANTED, ANALYTICS_ONLY]);
    expect(await warnings(next)).toEqual([]);
  });
});
