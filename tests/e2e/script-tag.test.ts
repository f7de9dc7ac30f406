/**
 * The script tag in a real browser: the built dist/measureplan.iife.js on small pages. (The
 * storefront journey is in storefront.test.ts.)
 */
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { ROOT } from '../support/bundle.mjs';
// @ts-expect-error plain ESM helpers without types
import { startServer } from '../support/server.mjs';
// @ts-expect-error plain ESM helpers without types
import { installVendorFakes, tagsRan, vendorCommands } from '../support/vendor-fakes.mjs';

const out = join(ROOT, 'node_modules/.cache/measureplan-e2e-tag');
const STUB = readFileSync(join(ROOT, 'src/loader/stub.min.js'), 'utf8').trim();
const plan = JSON.parse(readFileSync(join(ROOT, 'examples/plans/webshop.json'), 'utf8'));
let server: any;
/** A conversion at the collector, not a journey signal (the plan measures page experience, sent when a page closes). */
const conversion = (r: any) => r.body.type === 'track' && r.body.context?.measureplan?.kind !== 'signal';
let browser: Browser;
/** /collect-late answers 503. */
let refusing = false;

const page = (name: string, body: string, head = '') => writeFileSync(join(out, name), `<!doctype html><html><head><title>${name}</title>${head}</head><body>${body}</body></html>`);
const tag = (attrs = 'data-plan="/plan.json"') => `<script>${STUB}</script><script async src="/measureplan.iife.js" ${attrs}></script>`;

beforeAll(async () => {
  mkdirSync(out, { recursive: true });
  // The files the tag loads on demand sit next to it, as docs/script-tag.md asks of a deployment.
  for (const f of readdirSync(join(ROOT, 'dist')).filter((n) => /^measureplan\.[\w.-]+\.js$/.test(n))) cpSync(join(ROOT, 'dist', f), join(out, f));
  writeFileSync(join(out, 'plan.json'), JSON.stringify(plan));
  const broken = structuredClone(plan);
  broken.version = 2;
  broken.conversions.phone_click.kind = 'mikro';
  writeFileSync(join(out, 'broken.json'), JSON.stringify(broken));
  page('index.html', `<a href="tel:+4722334455" id="call">Call us</a><button id="go">go</button>
    <script>
      measureplan.track('phone_click');
      measureplan.identify('user-1', {});
      measureplan.consent({ analytics: 'granted', ads: 'granted' });
      document.getElementById('go').addEventListener('click', () => { document.body.dataset.clicked = '1'; });
    </script>`, tag());
  page('spa.html', `<nav><a href="#" id="pricing">Pricing</a></nav><script>
      measureplan.consent({ analytics: 'granted', ads: 'granted' });
      document.getElementById('pricing').addEventListener('click', (e) => { e.preventDefault(); history.pushState({}, '', '/pricing/teams'); });
    </script>`, tag());
  page('broken.html', `<button id="go">go</button><script>document.getElementById('go').addEventListener('click', () => { document.body.dataset.clicked = '1'; }); measureplan.track('phone_click');</script>`, tag('data-plan="/broken.json"'));
  page('missing.html', `<p>no plan</p>`, tag('data-plan="/nope.json"'));
  page('inline.html', `<script type="application/json" data-measureplan-plan>${JSON.stringify({ ...plan, consent: { default: { analytics: 'granted', ads: 'granted' } } })}</script>`, `<script async src="/measureplan.iife.js"></script>`);
  // The tag without the stub, parser-blocking: calls right after it, and from a timer while it starts, before it is ready.
  page('startup.html', `<script>
      window.seen = [typeof measureplan, measureplan.loaded];
      measureplan.track('phone_click');
      measureplan.identify('user-2', {});
      setTimeout(() => { measureplan.consent({ analytics: 'granted', ads: 'granted' }); measureplan.track('phone_click'); }, 0);
      measureplan.ready.then((ok) => { window.readyOk = ok; });
    </script>`, `<script src="/measureplan.iife.js" data-plan="/plan.json"></script>`);
  page('trusted-types.html', `<p>tt</p>`, `<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-r4nd0m'; require-trusted-types-for 'script'"><script nonce="r4nd0m">${STUB}</script><script nonce="r4nd0m" async src="/measureplan.iife.js" data-plan="/plan.json"></script><script nonce="r4nd0m">measureplan.consent({ analytics: 'granted', ads: 'granted' });</script>`);
  page('csp.html', `<p>csp</p>`, `<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-r4nd0m'"><script nonce="r4nd0m">${STUB}</script><script nonce="r4nd0m" async src="/measureplan.iife.js" data-plan="/plan.json"></script><script nonce="r4nd0m">measureplan.consent({ analytics: 'granted', ads: 'granted' });</script>`);
  // A click that tracks more conversions than the dispatcher hands over at once, then leaves.
  page('leave.html', `<button id="go">go</button><script>
      measureplan.consent({ analytics: 'granted', ads: 'granted' });
      document.getElementById('go').addEventListener('click', () => {
        for (let i = 0; i < 100; i++) measureplan.track('phone_click');
        location.href = '/after.html';
      });
    </script>`, tag());
  // The shop's next page: what did not fit the keepalive budget when leaving waits in IndexedDB and goes from here.
  page('after.html', `<p>the next page</p><script>measureplan.consent({ analytics: 'granted', ads: 'granted' });</script>`, tag());
  // A site whose own pagehide handler tracks a burst (added once the tag is ready, so it runs after
  // the collector's): what the leaving beacon cannot carry must reach the next page. `late.json`
  // sends to /collect-late, which answers 503 while `refusing` (the collector then sends no beacon).
  writeFileSync(join(out, 'late.json'), JSON.stringify({ ...plan, destinations: { ...plan.destinations, collector: { ...plan.destinations.collector, url: '/collect-late' } } }));
  page('late.html', `<a href="/late-next.html" id="next">next</a><script>
      measureplan.consent({ analytics: 'granted', ads: 'granted' });
      measureplan.ready.then(() => addEventListener('pagehide', () => {
        for (let i = 0; i < 100; i++) measureplan.track('add_to_cart', { item_id: 'SKU-' + i, item_name: 'Tent ' + 'x'.repeat(600), value: 1 });
      }));
    </script>`, tag('data-plan="/late.json"'));
  page('late-next.html', `<p>next</p><script>measureplan.consent({ analytics: 'granted', ads: 'granted' });</script>`, tag('data-plan="/late.json"'));
  page('away.html', '<p>a page of the site without the tag</p>');
  // A landing page that tidies its address of the ad click and campaign at once, before the async tag's file has run.
  page('tidy.html', `<script>
      measureplan.consent({ analytics: 'granted', ads: 'granted' });
      history.replaceState(null, '', location.pathname);
    </script>`, tag());
  // The next page after index.html (where user-1 signed in): user-1 signs out, before the consent call.
  page('signout.html', `<script>
      measureplan.identify(null);
      measureplan.consent({ analytics: 'granted', ads: 'granted' });
      measureplan.track('phone_click');
    </script>`, tag());
  // A site that filled localStorage itself (to its quota) before the tag runs: its confirmation
  // page tracks the order on every load, and a phone click, so the visitor's id can be compared.
  page('full.html', `<script>
      measureplan.consent({ analytics: 'granted', ads: 'granted' });
      measureplan.on('event', (e) => { (window.sent = window.sent || []).push(e.event.name); });
      measureplan.on('duplicate', (d) => { (window.sent = window.sent || []).push('duplicate ' + d.key); });
      measureplan.track('purchase', { transaction_id: 'FS-FULL-1', value: 1299, items: [{ item_id: 'tind', price: 1299, quantity: 1 }] });
      measureplan.track('phone_click');
    </script>`, `<script>
      if (!localStorage.getItem('site_0')) {
        let n = 0;
        for (const size of [1 << 20, 1 << 14, 256, 8]) { const s = 'x'.repeat(size); try { for (;;) localStorage.setItem('site_' + n++, s); } catch {} }
      }
    </script>` + tag());
  server = await startServer({
    root: out,
    routes: {
      '/collect-late': (_req: unknown, res: any, body: string) => {
        if (refusing) return res.writeHead(503).end();
        for (const m of JSON.parse(body).batch) server.received.push({ id: m.messageId, at: Date.now(), body: m });
        res.writeHead(200).end('{}');
      },
    },
  });
  browser = await launch();
});
afterAll(async () => { await browser?.close(); await server?.close(); });

async function open(path: string): Promise<{ page: Page; errors: string[]; requests: string[]; close: () => Promise<void> }> {
  const context = await browser.newContext();
  const { requests } = await installVendorFakes(context);
  const p = await context.newPage();
  const errors: string[] = [];
  p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await p.goto(server.url + path);
  await p.evaluate(() => (window as any).measureplan.ready);
  return { page: p, errors, requests, close: () => context.close() };
}

describe('the script tag', () => {
  it('replays calls made before it loaded, in order, and then tracks the plan\'s triggers', async () => {
    server.reset();
    const { page: p, close, errors } = await open('/');
    await p.click('#call', { noWaitAfter: true }).catch(() => undefined);
    await p.evaluate(() => (window as any).measureplan.flush());
    await expect.poll(() => server.received.filter(conversion).length).toBe(2);
    const tracks = server.received.filter(conversion);
    expect(tracks.map((r: any) => r.body.event)).toEqual(['phone_click', 'phone_click']);
    // Replayed in the page's order: the first track came before identify(), the click after it.
    expect(tracks.map((r: any) => r.body.userId)).toEqual([undefined, 'user-1']);
    const identify = server.received.find((r: any) => r.body.type === 'identify');
    expect(identify.body.userId).toBe('user-1');
    // Polled: the collector's answer says nothing of gtag.js, which may come later (flaky-test review).
    const ads = () => vendorCommands(p).then((c: any) => c.gtag.filter((x: any[]) => x[1] === 'conversion'));
    await expect.poll(ads, { timeout: 10_000 }).toEqual([['event', 'conversion', { send_to: 'AW-123456789/PhOnE123' }], ['event', 'conversion', { send_to: 'AW-123456789/PhOnE123' }]]);
    expect(errors).toEqual([]);
    await close();
  });

  it('fires a page_view trigger on a single-page-app route change', async () => {
    server.reset();
    const { page: p, close } = await open('/spa.html');
    await p.click('#pricing');
    await p.evaluate(() => (window as any).measureplan.flush());
    // Not the default second: the click may come before the plan is in, and is replayed then (CI under load).
    await expect.poll(() => server.received.map((r: any) => r.body.event), { timeout: 10_000 }).toContain('visited_pricing');
    // Polled: the collector's answer says nothing of the vendors' tags, which may come later (flaky-test review).
    await expect.poll(async () => (await vendorCommands(p)).lintrk, { timeout: 10_000 }).toEqual([['track', { conversion_id: 22222, event_id: expect.any(String) }]]);
    await tagsRan(p);
    const gtagEvents = (await vendorCommands(p)).gtag.filter((c: any[]) => c[0] === 'event').map((c: any[]) => c[1]);
    expect(gtagEvents).toEqual(['view_pricing']);
    await close();
  });

  it('a landing page that tidies ?gclid=…&utm_… away before the tag runs keeps the ad click and the campaign (stub QA 2026-12-07)', async () => {
    server.reset();
    const { page: p, close } = await open('/tidy.html?gclid=GCLID-TIDY&utm_source=google&utm_medium=cpc');
    expect(await p.evaluate(() => location.search)).toBe('');
    expect(await p.evaluate(() => (window as any).measureplan.clickIds())).toEqual({ gclid: 'GCLID-TIDY' });
    await p.evaluate(() => { (window as any).measureplan.track('phone_click'); return (window as any).measureplan.flush(); });
    const mine = (r: any) => r.body.context?.page?.path === '/tidy.html';
    await expect.poll(() => server.received.filter((r: any) => mine(r) && r.body.event === 'phone_click').length).toBe(1);
    const click = server.received.find((r: any) => mine(r) && r.body.event === 'phone_click').body;
    expect(click.context.campaign).toMatchObject({ source: 'google', medium: 'cpc' });
    expect(click.context.measureplan.click_ids).toEqual({ gclid: 'GCLID-TIDY' });
    await close();
  });

  it('a broken plan: one console error listing every problem, nothing sent, the page keeps working', async () => {
    server.reset();
    const { page: p, errors, requests, close } = await open('/broken.html');
    await p.click('#go');
    expect(await p.evaluate(() => document.body.dataset.clicked)).toBe('1');
    expect(await p.evaluate(() => (window as any).measureplan.ready)).toBe(false);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^measureplan: the plan at \/broken\.json has 2 problems/);
    expect(errors[0]).toContain('version');
    expect(errors[0]).toContain('conversions.phone_click.kind');
    expect(errors[0]).toContain('Did you mean "micro"?');
    expect(requests).toEqual([]);
    // (Pages of earlier tests send their Core Web Vitals when they close: only this page counts.)
    expect(server.received.filter((r: any) => r.body.context?.page?.path === '/broken.html')).toEqual([]);
    await close();
  });

  it('a broken plan whose explanations cannot be loaded still gets one console error with every path', async () => {
    const context = await browser.newContext();
    await installVendorFakes(context);
    await context.route('**/measureplan.explain.js', (r) => r.abort());
    const p = await context.newPage();
    const errors: string[] = [];
    p.on('console', (m) => { if (m.type() === 'error' && m.text().startsWith('measureplan:')) errors.push(m.text()); });
    await p.goto(server.url + '/broken.html');
    await p.evaluate(() => (window as any).measureplan.ready);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/has 2 problems[\s\S]*version: const[\s\S]*conversions\.phone_click\.kind: enum \("mikro"\)[\s\S]*npx measureplan validate/);
    await context.close();
  });

  it('shows the debug panel only with ?measureplan_debug=1, and never loads its file otherwise', async () => {
    const plain = await open('/');
    const loaded = await plain.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(loaded.some((n) => n.includes('measureplan.debug.js') || n.includes('measureplan.explain.js'))).toBe(false);
    expect(await plain.page.evaluate(() => !!document.querySelector('measureplan-debug'))).toBe(false);
    await plain.close();
    const debug = await open('/?measureplan_debug=1');
    await debug.page.waitForFunction(() => !!document.querySelector('measureplan-debug')?.shadowRoot);
    await debug.page.evaluate(() => (window as any).measureplan.track('phone_click'));
    await expect.poll(() => debug.page.evaluate(() => document.querySelector('measureplan-debug')!.shadowRoot!.textContent)).toContain('phone_click');
    const text = await debug.page.evaluate(() => document.querySelector('measureplan-debug')!.shadowRoot!.textContent);
    expect(text).toContain('googleAds');
    expect(text).toContain('sent');
    await debug.close();
  });

  it('an unreachable plan: one clear console error', async () => {
    const { errors, close } = await open('/missing.html');
    expect(errors.filter((e) => e.startsWith('measureplan:'))).toEqual([expect.stringMatching(/could not load the plan at \/nope\.json \(HTTP 404\)/)]);
    await close();
  });

  it('reads an inline plan', async () => {
    const { page: p, close } = await open('/inline.html');
    await p.waitForFunction(() => (window as any).__vendorCommands?.fbq?.length >= 3);
    expect((await vendorCommands(p)).fbq.slice(0, 3)).toEqual([['consent', 'grant'], ['init', '123456789012345'], ['track', 'PageView']]);
    await close();
  });

  it('is defined as soon as the tag has run; calls made while it starts (after the tag, from a timer) are applied in order once it is ready', async () => {
    server.reset();
    const { page: p, errors, close } = await open('/startup.html');
    expect(await p.evaluate(() => (window as any).seen)).toEqual(['object', true]);
    expect(await p.evaluate(() => (window as any).readyOk)).toBe(true);
    await p.evaluate(() => (window as any).measureplan.flush());
    await expect.poll(() => server.received.filter(conversion).length).toBe(2);
    // Held until the consent call (made later, from the timer), then sent: the first before identify(), the second after it.
    expect(server.received.filter(conversion).map((r: any) => r.body.userId)).toEqual([undefined, 'user-2']);
    expect(errors).toEqual([]);
    await close();
  });

  // What the beacons' 64 KiB cannot carry is written to IndexedDB as the page goes, and Chromium
  // sometimes ended the page before that write committed (about one run in five here, so this test
  // was retried); it is kept in localStorage as well now, which is written at once.
  it('a click that tracks 100 conversions and leaves for the next page: every one reaches the collector', async () => {
    const { page: p, errors, close } = await open('/leave.html');
    await p.waitForFunction(() => (window as any).__vendorCommands?.gtag?.length > 0); // the tags are in
    server.reset();
    await p.click('#go');
    await p.waitForURL('**/after.html');
    await expect.poll(() => new Set(server.received.filter(conversion).map((r: any) => r.id)).size, { timeout: 10_000 }).toBe(100);
    // A request in flight when the page is left is failed by the browser before `pagehide`, so
    // its events may come again in the beacon (docs/collector.md): each repeat is the same message,
    // which the collect server drops by messageId.
    const first = new Map<string, string>();
    for (const r of server.received.filter(conversion)) {
      const text = JSON.stringify({ ...r.body, sentAt: undefined });
      expect(first.get(r.id) ?? text).toBe(text);
      first.set(r.id, text);
    }
    expect(errors).toEqual([]);
    await close();
  });

  it('a burst tracked in the site\'s own pagehide handler: what the beacon cannot carry is sent by the next page, each once (diff read 2026-12-07: 21 of 100 lost)', async () => {
    for (const down of [false, true]) {
      const { page: p, errors, close } = await open('/late.html');
      if (down) {
        // The endpoint failed the page's last request: backing off, it sends no beacon, and every one of the 100 must wait.
        refusing = true;
        await p.evaluate(() => { (window as any).measureplan.track('phone_click'); return (window as any).measureplan.flush(); });
      }
      server.reset();
      await Promise.all([p.waitForURL('**/late-next.html'), p.click('#next')]);
      refusing = false;
      const carts = () => server.received.filter((r: any) => r.body.event === 'add_to_cart');
      await expect.poll(() => new Set(carts().map((r: any) => r.id)).size, { timeout: 10_000 }).toBe(100);
      await p.waitForTimeout(500);
      expect(carts()).toHaveLength(100); // and none twice
      expect(await p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('mp_ob_')))).toEqual([]);
      expect(errors.filter((e) => !(down && /status of 503/.test(e)))).toEqual([]); // Chromium logs the refused request itself
      await close();
    }
  });

  it('two other tabs of the shop open as a tab leaves its burst in localStorage: one tab takes it over with what it had stored in IndexedDB, each event arrives once (third read 2026-12-07: 200 arrivals for 100)', async () => {
    const context = await browser.newContext();
    await installVendorFakes(context);
    // A and C open first: they have seen nothing of B when B stores its phone click.
    const [a, c] = [await context.newPage(), await context.newPage()];
    for (const p of [a, c]) { await p.goto(server.url + '/late-next.html'); await p.evaluate(() => (window as any).measureplan.ready); }
    const b = await context.newPage();
    await b.goto(server.url + '/late.html');
    refusing = true;
    // B's endpoint failed its last request: it backs off and sends no beacon; all 100 go to localStorage.
    await b.evaluate(() => { (window as any).measureplan.track('phone_click'); return (window as any).measureplan.flush(); });
    await b.waitForTimeout(300); // the phone click is in IndexedDB
    server.reset();
    refusing = false;
    // A and C are told by the storage event; B goes on to a page without the tag, so one of them
    // must also send what B had stored in IndexedDB.
    await b.evaluate(() => { document.querySelector<HTMLAnchorElement>('#next')!.href = '/away.html'; });
    await Promise.all([b.waitForURL('**/away.html'), b.click('#next')]);
    for (const p of [a, c]) await p.evaluate(() => dispatchEvent(new Event('online'))); // any backoff ends
    const carts = () => server.received.filter((r: any) => r.body.event === 'add_to_cart');
    await expect.poll(() => new Set(carts().map((r: any) => r.id)).size).toBe(100);
    // And the phone click B had stored in IndexedDB: sent by whichever page took B over, not left
    // until that tab closes (fourth read 2026-12-07: the stash's taker held B's lock, not its records).
    const calls = () => server.received.filter((r: any) => r.body.event === 'phone_click');
    await expect.poll(() => calls().length).toBe(1);
    await b.waitForTimeout(1500);
    expect(carts()).toHaveLength(100);
    expect(calls()).toHaveLength(1);
    expect(await b.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('mp_ob_')))).toEqual([]);
    await context.close();
  });

  it('a site that filled localStorage: a reloaded confirmation page sends its order once, and the visitor keeps one id (the tab\'s sessionStorage holds it)', async () => {
    server.reset();
    const { page: p, errors, close } = await open('/full.html');
    const decisions: unknown[] = [];
    for (let load = 0; load < 3; load++) {
      if (load) { await p.reload(); await p.evaluate(() => (window as any).measureplan.ready); }
      await p.waitForFunction(() => (window as any).sent?.length >= 2);
      decisions.push(await p.evaluate(() => (window as any).sent.sort()));
      await p.evaluate(() => (window as any).measureplan.flush());
    }
    expect(decisions).toEqual([['phone_click', 'purchase'], ['duplicate FS-FULL-1', 'phone_click'], ['duplicate FS-FULL-1', 'phone_click']]);
    expect(await p.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('mp_')))).toEqual([]);
    const gtag = (await vendorCommands(p)).gtag.filter((c: any[]) => c[1] === 'purchase');
    expect(gtag).toHaveLength(0); // this document is the third load: the order went on the first
    // Counted by messageId, as the collect server stores them: a request in flight when the page
    // is reloaded may come again in the leaving beacon (docs/collector.md), the same message twice.
    const ids = (event: string) => new Set(server.received.filter((r: any) => conversion(r) && r.body.event === event).map((r: any) => r.id));
    await expect.poll(() => ids('phone_click').size).toBe(3);
    const tracks = server.received.filter(conversion);
    // The order itself: sent on the first load only (the decisions above), under its one event id.
    expect([...ids('purchase')]).toEqual(['purchase:FS-FULL-1']);
    expect(new Set(tracks.map((r: any) => r.body.anonymousId)).size).toBe(1);
    expect(errors).toEqual([]);
    await close();
  });

  it('a signed-in user signs out on the next page: what follows comes from a new visitor; a page after that keeps it', async () => {
    server.reset();
    const { page: p, errors, close } = await open('/');
    await p.evaluate(() => (window as any).measureplan.flush());
    await expect.poll(() => server.received.filter((r: any) => r.body.type === 'identify').length).toBe(1);
    const signedIn = server.received.find((r: any) => r.body.type === 'identify').body;
    expect(signedIn.userId).toBe('user-1');
    for (let load = 0; load < 2; load++) {
      await p.goto(server.url + '/signout.html');
      await p.evaluate(() => (window as any).measureplan.ready);
      await p.evaluate(() => (window as any).measureplan.flush());
    }
    // One message per page (a request cut by the navigation may come again in its beacon: same messageId).
    const tracks = () => [...new Map(server.received.filter((r: any) => conversion(r) && r.body.context?.page?.path === '/signout.html').map((r: any) => [r.body.messageId, r.body])).values()];
    await expect.poll(() => tracks().length).toBe(2);
    const [after, later] = tracks() as any[];
    expect(after.userId).toBeUndefined();
    expect(after.anonymousId).not.toBe(signedIn.anonymousId);
    expect(later.anonymousId).toBe(after.anonymousId);
    expect(errors).toEqual([]);
    await close();
  });

  it('loads the vendor scripts on a page that requires Trusted Types, through its own policy (deploy QA 2026-12-06)', async () => {
    const { page: p, errors, close } = await open('/trusted-types.html');
    await p.waitForFunction(() => (window as any).__vendorCommands?.fbq?.length >= 3);
    expect(await p.evaluate(() => [...document.scripts].filter((s) => /facebook|googletagmanager/.test(s.src)).length)).toBe(2);
    expect(errors.filter((e) => /TrustedScriptURL|Trusted Type|Refused/.test(e))).toEqual([]);
    await close();
  });

  it('works under a strict Content-Security-Policy with a nonce', async () => {
    const { page: p, errors, close } = await open('/csp.html');
    await p.waitForFunction(() => (window as any).__vendorCommands?.fbq?.length >= 3);
    expect(await p.evaluate(() => [...document.scripts].filter((s) => s.src.includes('facebook')).map((s) => s.nonce))).toEqual(['r4nd0m']);
    expect(errors.filter((e) => /Content Security Policy|Refused/.test(e))).toEqual([]);
    await close();
  });
});
