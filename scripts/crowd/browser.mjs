// The crowd in a real browser: each planned journey (scripts/crowd/journeys.mjs) walked through
// the running Fjellsport shop in headless Chromium, one fresh browser context per shopper (its own
// storage, so its own visitor), several at once. Everything the collector stores comes from the
// real script tag, the real plan and the shop's own script: the crowd only browses and clicks.
//
//   node scripts/crowd/browser.mjs [--shoppers 300] [--seed 1] [--concurrency 4] [--url http://127.0.0.1:PORT] [--keep]
//
// Without --url it starts its own storefront (dist/ must be built) with a temporary data file and
// prints what the collector stored beside what the crowd intended (--keep keeps the data file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM, launch } from '../../tests/support/browser.mjs';
import { installVendorFakes } from '../../tests/support/vendor-fakes.mjs';
import { PAGES, countSteps, decide, planCrowd, productBySku } from './journeys.mjs';

/** @typedef {import('./journeys.mjs').Journey} Journey */

/**
 * @typedef {object} ShopperResult
 * @property {number} index
 * @property {boolean} ok
 * @property {string} consent
 * @property {string | undefined} variant      the experiment variant the shopper was exposed to (none: saw the control)
 * @property {boolean} purchased               at the first visit or on the return
 * @property {string[]} orders                 order numbers shown on the confirmation page
 * @property {string[]} steps                  the conversions the shopper's actions should cause, in order
 * @property {string | undefined} anonymousId  the tag's visitor id (`mp_aid`), when analytics was granted
 * @property {number} storedKeys               the tag's `mp_` localStorage keys at the end (0 without consent)
 * @property {number} collectRequests          fetch requests to /collect seen (beacons are invisible to Playwright)
 * @property {number} vitalsMissed             pages left before the page-experience module had started
 * @property {string | undefined} returned     'yes', or why the return visit was skipped
 * @property {number} ms
 * @property {string} [error]
 */

/**
 * @typedef {object} CrowdSummary
 * @property {number} shoppers       shoppers run (finished or failed; not those skipped by an abort)
 * @property {number} failed
 * @property {boolean} aborted
 * @property {number} durationMs
 * @property {number} concurrency
 * @property {ReturnType<typeof countSteps>} intended   step counts as the crowd meant them (with the variants seen)
 * @property {ReturnType<typeof countSteps>} intendedWithConsent   the same for shoppers whose consent lets the collector hear them
 * @property {Record<string, number>} variants          exposed shoppers per variant
 * @property {{ index: number, error: string }[]} failures
 * @property {ShopperResult[]} results
 */

const EXPERIMENT = 'free_shipping_banner';
const SHOPPER_TIMEOUT_MS = 45_000;

/**
 * Chromium features a crowd does without: every new context opens a browser window, which
 * preloads the omnibox popup's WebUI into renderers of its own (two more processes per shopper).
 * Without them a shopper costs about a quarter less CPU and starts much sooner.
 */
const LEAN_FEATURES = ['WebUIOmniboxPopup', 'WebUIOmniboxAimPopup', 'WebUIOmniboxFullPopup', 'PreloadTopChromeWebUI'];
let leanArgs;

/**
 * The crowd's browser: tests/support/browser.mjs's, with LEAN_FEATURES disabled. Chromium keeps
 * only the last --disable-features switch, so ours must repeat Playwright's own list, read once
 * from the command line Playwright gives a probe browser. If that fails, the plain browser.
 */
async function launchLean() {
  if (!leanArgs) {
    leanArgs = [];
    try {
      const probe = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
      const theirs = probe.process().spawnargs.filter((a) => a.startsWith('--disable-features=')).pop()?.slice('--disable-features='.length).split(',').filter(Boolean) ?? [];
      await probe.close();
      leanArgs = [`--disable-features=${[...new Set([...theirs, ...LEAN_FEATURES])].join(',')}`];
    } catch { /* the plain browser then */ }
  }
  return launch({ args: leanArgs });
}

/**
 * Drives the crowd against a running storefront.
 * @param {{ url: string, shoppers?: number, seed?: number, concurrency?: number, journeys?: Journey[],
 *   onProgress?: (p: { done: number, failed: number, total: number, elapsedMs: number, result: ShopperResult }) => void,
 *   signal?: AbortSignal, timeoutMs?: number }} options
 *   `journeys` replaces the planned crowd (`shoppers` and `seed` are then ignored).
 * @returns {Promise<CrowdSummary>}
 */
export async function runCrowd({ url, shoppers = 300, seed = 1, concurrency = 4, journeys, onProgress, signal, timeoutMs = SHOPPER_TIMEOUT_MS }) {
  const base = String(url).replace(/\/+$/, '');
  const plan = journeys ?? planCrowd({ shoppers, seed });
  const started = Date.now();
  /** @type {ShopperResult[]} */
  const results = [];
  let failed = 0;
  let next = 0;

  // One browser for the crowd; a crash takes only the shoppers in flight with it.
  let browser;
  let launching;
  const getBrowser = async () => {
    if (browser?.isConnected()) return browser;
    launching ??= launchLean().then((b) => { browser = b; launching = undefined; return b; }, (e) => { launching = undefined; throw e; });
    return launching;
  };
  const onAbort = () => { void browser?.close().catch(() => undefined); };
  signal?.addEventListener('abort', onAbort, { once: true });

  const worker = async () => {
    while (next < plan.length && !signal?.aborted) {
      const j = plan[next++];
      const result = await runShopper(await getBrowser(), base, j, timeoutMs);
      if (signal?.aborted && !result.ok) break; // stopped by the abort, not a failure of its own
      if (!result.ok) failed++;
      results.push(result);
      onProgress?.({ done: results.length, failed, total: plan.length, elapsedMs: Date.now() - started, result });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, plan.length)) }, worker));
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await browser?.close().catch(() => undefined);
  }

  results.sort((a, b) => a.index - b.index);
  const byIndex = new Map(results.map((r) => [r.index, r]));
  const ran = plan.filter((j) => byIndex.has(j.index));
  const seen = (j) => byIndex.get(j.index)?.variant;
  const variants = {};
  for (const r of results) if (r.variant) variants[r.variant] = (variants[r.variant] ?? 0) + 1;
  return {
    shoppers: results.length,
    failed,
    aborted: !!signal?.aborted,
    durationMs: Date.now() - started,
    concurrency,
    intended: countSteps(ran, seen),
    intendedWithConsent: countSteps(ran.filter((j) => j.consent !== 'none'), seen),
    variants,
    failures: results.filter((r) => !r.ok).map((r) => ({ index: r.index, error: r.error ?? 'unknown' })),
    results,
  };
}

/**
 * One shopper in a fresh context; never throws (a failure is in the result).
 * @param {import('playwright-core').Browser} browser
 * @param {string} base
 * @param {Journey} j
 * @param {number} timeoutMs
 * @returns {Promise<ShopperResult>}
 */
async function runShopper(browser, base, j, timeoutMs) {
  const t0 = Date.now();
  /** @type {ShopperResult} */
  const result = { index: j.index, ok: false, consent: j.consent, variant: undefined, purchased: false, orders: [], steps: [], anonymousId: undefined, storedKeys: 0, collectRequests: 0, vitalsMissed: 0, returned: undefined, ms: 0 };
  let context;
  let timer;
  try {
    context = await browser.newContext({ locale: j.locale, viewport: j.mobile ? { width: 390, height: 844 } : { width: 1280, height: 900 } });
    const ctx = context;
    const timeout = new Promise((_, fail) => { timer = setTimeout(() => { fail(new Error(`timed out after ${timeoutMs} ms`)); void ctx.close().catch(() => undefined); }, timeoutMs); });
    await Promise.race([walk(context, base, j, result), timeout]);
    result.ok = true;
  } catch (e) {
    result.error = String(e?.message ?? e).split('\n')[0];
  } finally {
    clearTimeout(timer);
    await context?.close().catch(() => undefined);
    result.ms = Date.now() - t0;
  }
  return result;
}

/** The journey itself: pages, banner, clicks, forms; then delivery of what the tag still holds. */
async function walk(context, base, j, result) {
  await installVendorFakes(context, { count: true });
  context.on('request', (r) => { if (r.url().endsWith('/collect')) result.collectRequests++; });
  const page = await context.newPage();
  const consented = j.consent !== 'none';
  let variant;

  const visit = async (path, referer = page.url()) => {
    await page.goto(base + path, { waitUntil: 'domcontentloaded', ...(referer.startsWith('http') && { referer }) });
    await settle();
  };
  /** The tag has read its plan and installed its triggers; with consent, the page-experience module runs too. */
  const settle = async () => {
    await tagReady(page);
    if (consented) await dwell();
  };
  // A visitor reads for a while: long enough for the page-experience module, loaded when the page
  // is idle after its load, to start (else this page reports no Core Web Vitals).
  const dwell = () => page.waitForFunction(() => window.measureplanVitals !== undefined, null, { timeout: 2500, polling: 50 }).catch(() => { result.vitalsMissed++; });
  const here = () => new URL(page.url()).pathname;
  /** Clicks something that navigates, and waits for the page it leads to. */
  const clickTo = async (selector, path) => {
    await Promise.all([page.waitForURL((u) => u.pathname === path, { waitUntil: 'domcontentloaded' }), click(page, selector)]);
    await settle();
  };
  const readVariant = async () => {
    // On a product page the shop's script already asked (and the tag recorded the exposure): the same answer.
    const v = await page.evaluate((name) => window.measureplan.variant?.(name), EXPERIMENT).catch(() => undefined);
    if (typeof v === 'string') variant = v;
  };

  // Landing, with the ad's UTM parameters and click id, from the ad platform's page.
  await page.goto(base + j.landing.url, { waitUntil: 'domcontentloaded', ...(j.landing.referrer && { referer: j.landing.referrer }) });
  await tagReady(page);
  if (j.landing.page === 'pricing') result.steps.push('visited_pricing');
  if (j.landing.page === 'product') result.steps.push('view_item');
  await answerBanner(page, j.consent);
  if (consented) await dwell();
  const addToCart = async () => {
    await click(page, 'main button.add-to-cart');
    result.steps.push('add_to_cart');
  };
  // A product the visitor landed on goes into the cart there and then.
  if (j.landing.page === 'product' && j.cart.includes(j.views[0])) await addToCart();

  if (j.newsletter) {
    if (here() !== '/') await visit(PAGES.home.path);
    await page.fill('form.newsletter input[name=email]', j.email);
    // The form posts to /newsletter, which answers with the home page again (?subscribed=1).
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/' && u.search === '?subscribed=1', { waitUntil: 'domcontentloaded' }),
      click(page, 'form.newsletter button[type=submit]'),
    ]);
    await settle();
    result.steps.push('newsletter_signup');
  }
  if (j.pricing && j.landing.page !== 'pricing') {
    await visit(PAGES.pricing.path);
    result.steps.push('visited_pricing');
  }

  for (const [k, sku] of j.views.entries()) {
    if (k === 0 && j.landing.page === 'product') continue; // viewed (and added) on landing
    await visit(productBySku(sku).path);
    result.steps.push('view_item');
    if (consented) await readVariant();
    if (j.cart.includes(sku)) await addToCart();
  }

  if (j.phone) {
    // A real phone would start a call: the tel: navigation is cancelled after the click has
    // reached the page and the tag's trigger (a window listener runs after the document's).
    await page.evaluate(() => window.addEventListener('click', (e) => { if (e.target.closest?.('a[href^="tel:"]')) e.preventDefault(); }));
    await click(page, 'footer a[href^="tel:"]');
    result.steps.push('phone_click');
  }

  if (j.remove || j.checkout) {
    await visit(PAGES.cart.path);
    if (j.remove) {
      await click(page, `tr[data-line="${j.remove}"] button[data-remove]`);
      result.steps.push('remove_from_cart');
    }
  }
  const outcome = decide(j, variant);
  if (j.checkout) {
    await clickTo('#go-to-checkout', PAGES.checkout.path);
    result.steps.push('begin_checkout');
    if (outcome.purchased) await placeOrder(page, j, result, clickTo);
  }

  if (outcome.returned) {
    // More than an hour later: the tag's clock has to move on (Playwright's fake clock, installed
    // now and running from the new time), so that the left cart is reported when the visitor is back.
    await page.goto('about:blank'); // pagehide: this visit's last events leave with a beacon
    try {
      await context.clock.install({ time: Date.now() + j.comeBackAfterMin * 60_000 });
      result.returned = 'yes';
    } catch (e) {
      result.returned = `skipped: the fake clock could not be installed (${String(e?.message ?? e).split('\n')[0]})`;
    }
    if (result.returned === 'yes') {
      await visit(PAGES.cart.path, '');
      result.steps.push('cart_abandoned');
      if (outcome.recovered) {
        await clickTo('#go-to-checkout', PAGES.checkout.path);
        result.steps.push('begin_checkout');
        await placeOrder(page, j, result, clickTo);
      }
    }
  }
  result.variant = variant;

  if (consented) {
    await deliver(page);
    result.anonymousId = await page.evaluate(() => { try { return JSON.parse(localStorage.getItem('mp_aid') ?? 'null') ?? undefined; } catch { return undefined; } });
  }
  result.storedKeys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('mp_')).length).catch(() => 0);
}

/** Waits until the script tag has read the plan and installed its triggers (one round trip). */
async function tagReady(page) {
  const ok = await page.evaluate(() => new Promise((resolve, reject) => {
    const until = Date.now() + 10_000;
    const poll = () => {
      const mp = window.measureplan;
      if (mp && mp.loaded === true) return Promise.resolve(mp.ready ?? true).then(resolve, reject);
      if (Date.now() > until) return reject(new Error(`the measureplan tag did not start on ${location.pathname} (is dist/ built?)`));
      setTimeout(poll, 10);
    };
    poll();
  }));
  if (ok === false) throw new Error(`measureplan could not use its plan on ${new URL(page.url()).pathname}`);
}

/** The cookie banner: "Accept all", "Let me choose" with statistics only, or "Only necessary". */
async function answerBanner(page, choice) {
  if (choice === 'all') return click(page, '#consent-accept-all');
  if (choice === 'none') return click(page, '#consent-necessary');
  await click(page, '#consent-choose');
  await click(page, '#consent-banner input[name=analytics]');
  await click(page, '#consent-save');
}

/**
 * A real (trusted) mouse click, without Playwright's actionability waits: the shop's elements are
 * in place once its DOMContentLoaded handlers have run, and the waits (two animation frames for
 * "stable", among others) cost a few hundred ms per click on a busy 2-core machine.
 */
const click = (page, selector) => page.click(selector, { force: true });

/** Fills the checkout form and places the order; the confirmation page tracks the purchase. */
async function placeOrder(page, j, result, clickTo) {
  // The fields in one round trip (nothing tracks the typing); the shipping choice is a real click,
  // the shop's summary follows it.
  await page.evaluate((fields) => {
    for (const [id, value] of Object.entries(fields)) document.getElementById(id).value = value;
  }, { email: j.email, name: `Shopper ${j.index}`, address: `Storgata ${1 + (j.index % 120)}`, postcode: String(1000 + (j.seed % 9000)), city: 'Lillehammer' });
  if (j.shipping !== 'standard') await click(page, `input[name=shipping][value=${j.shipping}]`);
  await clickTo('[data-place-order]', PAGES.done.path);
  const order = await page.locator('[data-order-id]').textContent({ timeout: 5_000 });
  if (!order) throw new Error('the confirmation page showed no order number');
  result.orders.push(order);
  result.purchased = true;
  result.steps.push('purchase');
}

/**
 * Delivers everything the tag still holds before the context closes. A page's last events leave
 * with a beacon when it is hidden; Playwright sees no beacon (nor any request sent while a page
 * unloads), so the end cannot be awaited that way. Instead the last page is hidden in place: the
 * tag's own hide path runs (final Core Web Vitals, then the collector's outbox), with the beacon
 * replaced by the collector's fallback, a keepalive fetch, which `flush()` awaits.
 */
async function deliver(page) {
  await page.evaluate(async () => {
    const mp = window.measureplan;
    const within = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(r, ms))]);
    await within(mp.flush(), 5000);
    navigator.sendBeacon = () => false;
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }));
    await within(mp.flush(), 5000);
  });
}

// `node scripts/crowd/browser.mjs`: a crowd against its own storefront (or --url), with a summary.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { shoppers: { type: 'string', default: '300' }, seed: { type: 'string', default: '1' }, concurrency: { type: 'string', default: '4' }, url: { type: 'string' }, keep: { type: 'boolean', default: false } } });
  let shop;
  let dir;
  if (!values.url) {
    const { startStorefront } = await import('../storefront-server.mjs');
    dir = mkdtempSync(join(tmpdir(), 'mp-crowd-'));
    shop = await startStorefront({ port: 0, dataFile: join(dir, 'events.ndjson') });
  }
  const url = values.url ?? shop.url;
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  console.error(`crowd: ${values.shoppers} shoppers, seed ${values.seed}, ${values.concurrency} at once, against ${url}`);
  const summary = await runCrowd({
    url, shoppers: Number(values.shoppers), seed: Number(values.seed), concurrency: Number(values.concurrency), signal: controller.signal,
    onProgress: ({ done, failed, total, elapsedMs }) => { if (done % 25 === 0 || done === total) console.error(`  ${done}/${total} shoppers, ${failed} failed, ${(elapsedMs / 1000).toFixed(1)} s`); },
  });
  const { results, ...rest } = summary;
  console.log(JSON.stringify({ ...rest, msPerShopper: Math.round(results.reduce((a, r) => a + r.ms, 0) / Math.max(1, results.length)), vitalsMissed: results.reduce((a, r) => a + r.vitalsMissed, 0) }, null, 2));
  if (shop) {
    // Give the last beacons a moment, then count what the collector stored.
    await new Promise((r) => setTimeout(r, 300));
    const stored = {};
    for (const m of shop.events()) if (m.type === 'track') stored[m.event] = (stored[m.event] ?? 0) + 1;
    console.log('collector stored:', JSON.stringify(stored), `(${shop.events().length} messages in ${shop.dataFile})`);
    await shop.close();
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
  }
}
