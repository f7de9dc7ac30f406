/**
 * Exactly once, in real Chromium, on the storefront: its confirmation page tracks the purchase on
 * every load (as naive shops do); the plan's `"dedupe": "transaction_id"` keeps every vendor and
 * the collector at one purchase per order, across reloads, back/forward, and tabs opened at the
 * same moment. Vendor commands are counted across navigations and tabs (the fakes record per
 * page), the collector's messages on the wire as well as in its store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without types
import { startStorefront } from '../../scripts/storefront-server.mjs';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { installVendorFakes } from '../support/vendor-fakes.mjs';

type Vendor = 'gtag' | 'fbq' | 'lintrk' | 'uetq';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, ok: () => boolean, timeout = 10_000) {
  for (const start = Date.now(); !ok(); await sleep(50)) if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
}

let shop: any;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'mp-dedupe-'));
beforeAll(async () => {
  shop = await startStorefront({ dataFile: join(dir, 'events.ndjson'), log: () => undefined });
  browser = await launch();
});
afterAll(async () => { await browser?.close(); await shop?.close(); rmSync(dir, { recursive: true, force: true }); });

/**
 * A shopper's browser profile: vendor fakes, every vendor command mirrored to Node, the
 * collector's messages as sent, and what measureplan decided on each page load (`sent ID`,
 * `duplicate ID`, or `restored` for a page restored from the back/forward cache).
 */
async function profile({ withoutWebLocks = false } = {}) {
  const context: BrowserContext = await browser.newContext();
  await installVendorFakes(context);
  const commands: Record<Vendor, unknown[][]> = { gtag: [], fbq: [], lintrk: [], uetq: [] };
  const outcomes: string[] = [];
  const wire: { messageId: string; timestamp: string }[] = [];
  const crashes: string[] = [];
  await context.exposeFunction('__e2eCommand', (vendor: Vendor, command: unknown[]) => { commands[vendor]?.push(command); });
  await context.exposeFunction('__e2eOutcome', (what: string) => { outcomes.push(what); });
  context.on('request', (r) => {
    if (!r.url().endsWith('/collect') || r.method() !== 'POST') return;
    try { for (const m of JSON.parse(r.postData() ?? '{}').batch ?? []) if (m.type === 'track') wire.push({ messageId: m.messageId, timestamp: m.timestamp }); } catch { /* not ours */ }
  });
  context.on('page', (p) => { p.on('pageerror', (e) => crashes.push(`${p.url()}: ${e.message}`)); });
  // "At the same moment", made sharp: while armed, the plan is answered to both tabs together,
  // so that both trackers start, and claim their order, within the same few milliseconds.
  let held: { continue(): Promise<void> }[] | undefined;
  await context.route('**/plans/webshop.json', (route) => {
    if (!held) return route.continue();
    held.push(route);
    if (held.length === 2) { for (const r of held) void r.continue(); held = undefined; }
  });
  const together = () => { held = []; };
  await context.addInitScript((noLocks: boolean) => {
    const w = window as any;
    if (noLocks) Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined, configurable: true });
    const lists: Record<string, unknown[]> = { gtag: [], fbq: [], lintrk: [], uetq: [] };
    for (const vendor of Object.keys(lists)) {
      lists[vendor]!.push = function (...items: unknown[]) {
        for (const item of items) w.__e2eCommand(vendor, item);
        return Array.prototype.push.apply(this, items);
      };
    }
    w.__vendorCommands = lists;
    // Listen to measureplan through the stub's queue, before the page's own calls.
    let mp: any;
    Object.defineProperty(w, 'measureplan', {
      configurable: true,
      get: () => mp,
      set(v) {
        mp = v;
        if (v && Array.isArray(v.q) && !v.loaded) {
          v.q.push(['on', ['event', ({ event }: any) => { if (event.name === 'purchase') w.__e2eOutcome(`sent ${event.properties.transaction_id}`); }]]);
          v.q.push(['on', ['duplicate', ({ key }: any) => w.__e2eOutcome(`duplicate ${key}`)]]);
        }
      },
    });
    addEventListener('pageshow', (e) => { if (e.persisted) w.__e2eOutcome('restored'); });
  }, withoutWebLocks);

  /** How often each destination received the purchase of order `id`. */
  const received = (id: string) => ({
    ga4: commands.gtag.filter((c: any) => c[0] === 'event' && c[1] === 'purchase' && c[2]?.transaction_id === id).length,
    googleAds: commands.gtag.filter((c: any) => c[0] === 'event' && c[1] === 'conversion' && c[2]?.send_to === 'AW-123456789/AbC-D_efG1' && c[2]?.transaction_id === id).length,
    meta: commands.fbq.filter((c: any) => c[0] === 'track' && c[1] === 'Purchase' && c[3]?.eventID === `purchase:${id}`).length,
    // UET calls made before bat.js loaded arrive one argument per entry: count the parameters.
    microsoftAds: commands.uetq.flat(2).filter((x: any) => x && typeof x === 'object' && x.event_id === `purchase:${id}`).length,
    // Tracked and forwarded (a resend of the same message by the outbox has the same timestamp).
    collectorSent: new Set(wire.filter((m) => m.messageId === `purchase:${id}`).map((m) => m.timestamp)).size,
    collectorStored: shop.events().filter((m: any) => m.type === 'track' && m.event === 'purchase' && m.properties?.transaction_id === id).length,
  });
  const once = { ga4: 1, googleAds: 1, meta: 1, microsoftAds: 1, collectorSent: 1, collectorStored: 1 };
  const arrived = (id: string) => Object.values(received(id)).every((n) => n >= 1);

  /** Runs a navigation and waits for measureplan's decision on the page(s) it loads. */
  const decided = async (count: number, navigate: () => Promise<unknown>) => {
    const before = outcomes.length;
    await navigate();
    await until(`${count} page decision(s) after ${before}`, () => outcomes.length >= before + count);
    return outcomes.slice(before);
  };

  const ready = (page: Page) => page.waitForFunction(() => (window as any).measureplan?.loaded === true);

  /** Accepts the banner, puts the jacket in the cart and places the order; returns its id. */
  async function placeOrder(page: Page): Promise<string> {
    await page.goto(shop.url + '/product/tind-shell-jacket');
    if (await page.locator('#consent-accept-all').count()) await page.click('#consent-accept-all');
    await ready(page);
    await page.click('main button.add-to-cart');
    await page.waitForFunction(() => document.querySelector('.cart-count')?.textContent === '1');
    await page.goto(shop.url + '/checkout');
    await page.fill('#email', 'kari.nordmann@example.no');
    await page.fill('#name', 'Kari Nordmann');
    await page.fill('#address', 'Storgata 1');
    await page.fill('#postcode', '2609');
    await page.fill('#city', 'Lillehammer');
    const [decision] = await decided(1, () => Promise.all([page.waitForURL(/\/checkout\/done\?order=/), page.click('[data-place-order]')]));
    const id = new URL(page.url()).searchParams.get('order')!;
    expect(decision).toBe(`sent ${id}`);
    await until(`order ${id} at every vendor and the collector`, () => arrived(id));
    return id;
  }

  /** A quiet moment: nothing more reaches a vendor fake or the collector for `quiet` ms. */
  const settle = async (quiet = 1500) => {
    let last = -1;
    for (let still = 0; still < quiet; still += 100) {
      const now = Object.values(commands).reduce((n, l) => n + l.length, 0) + wire.length + shop.events().length;
      if (now !== last) { last = now; still = 0; }
      await sleep(100);
    }
  };

  return { context, commands, outcomes, crashes, received, once, decided, placeOrder, ready, settle, together };
}

describe('a purchase reaches every destination once per order', () => {
  it('the confirmation page reloaded 3 times, reopened through back/forward, opened in two tabs at once; then new orders go through', async () => {
    const p = await profile();
    const page = await p.context.newPage();
    const first = await p.placeOrder(page);
    const done = page.url();

    for (let i = 0; i < 3; i++) expect(await p.decided(1, () => page.reload())).toEqual([`duplicate ${first}`]);

    await page.goBack();
    await p.ready(page);
    const forward = await p.decided(1, () => page.goForward());
    expect([[`duplicate ${first}`], ['restored']]).toContainEqual(forward); // a reload, or the back/forward cache
    expect(await page.locator('[data-order-id]').textContent()).toBe(first);

    // The same confirmation URL in two more tabs of this profile, at the same moment.
    const [a, b] = await Promise.all([p.context.newPage(), p.context.newPage()]);
    p.together();
    expect((await p.decided(2, () => Promise.all([a.goto(done), b.goto(done)]))).sort()).toEqual([`duplicate ${first}`, `duplicate ${first}`]);
    await a.close();
    await b.close();

    // A second order, with a new transaction id, goes through.
    const second = await p.placeOrder(page);
    expect(second).not.toBe(first);
    expect(await p.decided(1, () => page.reload())).toEqual([`duplicate ${second}`]);

    await p.settle();
    expect(p.received(first)).toEqual(p.once);
    expect(p.received(second)).toEqual(p.once);
    expect(p.crashes).toEqual([]);
    await p.context.close();
  });

  for (const withoutWebLocks of [false, true]) {
    // Without Web Locks the claim is write-then-verify, a best effort by design (docs/deduplication.md):
    // it holds while a write reaches the other tab within 200 ms, which a loaded 2-core CI machine
    // missed once in the seventh session's runs (both tabs sent). One retry; a broken path still fails.
    it(`a new order whose confirmation opens in two tabs at the same moment is sent by one of them (${withoutWebLocks ? 'without Web Locks: write-then-verify' : 'Web Locks'})`, { retry: withoutWebLocks ? 1 : 0 }, async () => {
      const p = await profile({ withoutWebLocks });
      const page = await p.context.newPage();
      await p.placeOrder(page); // consent given, vendors known
      const ids: string[] = [];
      for (let round = 0; round < 4; round++) {
        // The cart is filled, and two tabs open the confirmation of the same new order at once
        // (a double submit): both find the cart, both keep the order and both track it.
        await page.goto(shop.url + '/product/vidde-45-backpack');
        await p.ready(page);
        await page.click('main button.add-to-cart');
        const id = `FS-${Date.now()}${round}`;
        ids.push(id);
        const [a, b] = await Promise.all([p.context.newPage(), p.context.newPage()]);
        const url = `${shop.url}/checkout/done?order=${id}`;
        p.together();
        expect((await p.decided(2, () => Promise.all([a.goto(url), b.goto(url)]))).sort()).toEqual([`duplicate ${id}`, `sent ${id}`]);
        await until(`order ${id} at every vendor and the collector`, () => Object.values(p.received(id)).every((n) => n >= 1));
        await a.close();
        await b.close();
      }
      await p.settle();
      for (const id of ids) expect(p.received(id), id).toEqual(p.once);
      expect(p.crashes).toEqual([]);
      await p.context.close();
    });
  }
});

describe('a left cart is reported abandoned once', () => {
  it('by one of two tabs opened at the same moment an hour later (Meta and the collector once each, not once per tab)', async () => {
    const p = await profile();
    const page = await p.context.newPage();
    await page.goto(shop.url + '/product/tind-shell-jacket');
    if (await page.locator('#consent-accept-all').count()) await page.click('#consent-accept-all');
    await p.ready(page);
    await page.click('main button.add-to-cart');
    await page.waitForFunction(() => document.querySelector('.cart-count')?.textContent === '1');
    await page.close(); // leaving writes the cart
    // Two hours pass: the stored cart is moved back, from a page of the shop without the tag.
    await p.context.route('**/__blank', (r) => r.fulfill({ contentType: 'text/html', body: '<!doctype html><title>blank</title>' }));
    const blank = await p.context.newPage();
    await blank.goto(shop.url + '/__blank');
    expect(await blank.evaluate((h) => {
      const cart = JSON.parse(localStorage.getItem('mp_cart')!);
      cart.since -= h; cart.updated -= h;
      localStorage.setItem('mp_cart', JSON.stringify(cart));
      return cart.items.length;
    }, 2 * 3_600_000)).toBe(1);
    await blank.close();
    const abandoned = () => ({
      meta: p.commands.fbq.filter((c: any) => c[0] === 'trackCustom' && c[1] === 'AbandonedCart').length,
      collector: shop.events().filter((m: any) => m.type === 'track' && m.event === 'cart_abandoned').length,
    });
    const [a, b] = await Promise.all([p.context.newPage(), p.context.newPage()]);
    p.together(); // the plan answered to both at once: both trackers find the cart in the same moment
    await Promise.all([a.goto(shop.url + '/'), b.goto(shop.url + '/')]);
    await Promise.all([p.ready(a), p.ready(b)]);
    await until('the abandoned cart at Meta and the collector', () => abandoned().meta >= 1 && abandoned().collector >= 1);
    await Promise.all([a.evaluate(() => (window as any).measureplan.flush()), b.evaluate(() => (window as any).measureplan.flush())]);
    await p.settle();
    expect(abandoned()).toEqual({ meta: 1, collector: 1 });
    expect(p.crashes).toEqual([]);
    await p.context.close();
  });
});
