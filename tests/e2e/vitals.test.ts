/**
 * Page experience in a real browser: the script tag (dist/measureplan.iife.js, built by
 * `npm run build`) on a page with a slow hero image and a late banner, a plan with `vitals`, and
 * the collector receiving one `web_vital` per metric when the visitor leaves.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
// @ts-expect-error plain ESM helpers without types
import { launch, localContext } from '../support/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { ROOT } from '../support/bundle.mjs';
// @ts-expect-error plain ESM helpers without types
import { startServer } from '../support/server.mjs';

const out = join(ROOT, 'node_modules/.cache/measureplan-e2e-vitals');
/** The hero image arrives this late, so LCP is past the 2.5 s "good" limit. */
const HERO_DELAY_MS = 3000;
const NONCE = 'v1t4l5';
let server: any;
let browser: Browser;

/** web-vitals' thresholds: value ≤ good → good, ≤ poor → needs improvement, above → poor. */
const THRESHOLDS = { LCP: [2500, 4000], CLS: [0.1, 0.25] } as const;
const rating = (name: keyof typeof THRESHOLDS, v: number) => (v <= THRESHOLDS[name][0] ? 'good' : v <= THRESHOLDS[name][1] ? 'needs-improvement' : 'poor');

/**
 * A PNG of random pixels: Chromium ignores low-entropy images (a flat colour) as LCP candidates,
 * so the hero must carry enough bytes per displayed pixel.
 */
function noisePng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => { let c = n; for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1; return c >>> 0; });
  const crc = (b: Buffer) => { let c = 0xffffffff; for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4); len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const sum = Buffer.alloc(4); sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0); ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; ihdr[9] = 2; // 8-bit RGB
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let i = 0; i < raw.length; i++) raw[i] = i % (width * 3 + 1) === 0 ? 0 : (Math.random() * 256) | 0;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
}

const plan = (vitals?: object) => ({
  version: 1,
  name: 'Fjellsport page experience',
  destinations: { collector: { url: '/collect' } },
  consent: { default: { analytics: 'granted' } },
  conversions: { newsletter_signup: { kind: 'micro', description: 'Signed up to the newsletter', send: { collector: {} } } },
  ...(vitals ? { vitals } : {}),
});

/**
 * The hero (absolutely placed, so the banner does not move it) loads late; the banner pushes the
 * 760×400 #content block down by 360 px after 500 ms: CLS ≈ 0.59 impact × 0.28 distance ≈ 0.17.
 * (#content's padding keeps the h1's margin from collapsing into body's, or body would be what moved.)
 * The tag sits in /static/, and finds its page-experience file there, next to itself.
 */
const html = (p: object, csp: boolean) => {
  const n = csp ? ` nonce="${NONCE}"` : '';
  return `<!doctype html><html><head><title>Fjellsport</title>
${csp ? `<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-${NONCE}'">` : ''}
<style>body{margin:0;font:16px sans-serif} #hero{position:absolute;top:0;right:0;width:480px;height:360px} #content{box-sizing:border-box;width:760px;height:400px;padding:16px;background:#e4e4e4} #banner{width:760px;height:360px;background:#fc3}</style>
<script${n} async src="/static/measureplan.iife.js"></script>
</head><body>
<script type="application/json" data-measureplan-plan>${JSON.stringify(p)}</script>
<main><div id="content"><h1>Fjellsport</h1><p>Jackets, boots and packs for the mountains.</p></div></main>
<img id="hero" src="/slow-hero.png" width="480" height="360" alt="">
<script${n}>setTimeout(() => { const b = document.createElement('div'); b.id = 'banner'; b.textContent = 'Winter sale'; document.querySelector('main').prepend(b); }, 500);</script>
</body></html>`;
};

beforeAll(async () => {
  mkdirSync(join(out, 'static'), { recursive: true });
  for (const f of ['measureplan.iife.js', 'measureplan.vitals.js', 'measureplan.vitals-attribution.js', 'measureplan.explain.js']) cpSync(join(ROOT, 'dist', f), join(out, 'static', f));
  writeFileSync(join(out, 'standard.html'), html(plan({ send: { collector: {} } }), false));
  writeFileSync(join(out, 'attribution.html'), html(plan({ send: { collector: {} }, attribution: true }), true));
  writeFileSync(join(out, 'none.html'), html(plan(), false));
  // A host that answers every missing file with its own HTML page; the tag sits in /spa/, where no vitals file was deployed.
  mkdirSync(join(out, 'spa'), { recursive: true });
  cpSync(join(ROOT, 'dist', 'measureplan.iife.js'), join(out, 'spa', 'measureplan.iife.js'));
  writeFileSync(join(out, 'spa.html'), html(plan({ send: { collector: {} } }), false)
    .replace('/static/measureplan.iife.js', '/spa/measureplan.iife.js')
    .replace('<head>', '<head><script>window.seen = []; window.onerror = (m) => { seen.push(String(m)); }; addEventListener("error", (e) => seen.push("listener: " + e.message));</script>'));
  const png = noisePng(480, 360);
  server = await startServer({
    root: out,
    routes: {
      '/spa/measureplan.vitals.js': (_req: unknown, res: any) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><html><body>Page not found</body></html>'),
      '/slow-hero.png': (_req: unknown, res: any) => setTimeout(() => res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' }).end(png), HERO_DELAY_MS),
    },
  });
  browser = await launch();
});
afterAll(async () => { await browser?.close(); await server?.close(); });

async function open(path: string): Promise<{ page: Page; errors: string[]; warnings: string[]; requests: string[]; close: () => Promise<void> }> {
  const context = await localContext(browser);
  const page: Page = await context.newPage();
  const errors: string[] = [];
  // From the first moment: the vitals file is requested once the page is idle, which can come
  // before the caller gets the page back.
  const warnings: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); else if (m.type() === 'warning') warnings.push(m.text()); });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url + path, { waitUntil: 'load' });
  expect(await page.evaluate(() => (window as any).measureplan.ready), `the plan was not accepted: ${errors.join('\n')}`).toBe(true);
  return { page, errors, warnings, requests, close: () => context.close() };
}

const vitalsSent = () => server.received.filter((r: any) => r.body.type === 'track' && r.body.event === 'web_vital').map((r: any) => r.body.properties);

describe('page experience (Core Web Vitals) through the script tag', () => {
  it.each([
    ['standard', '/standard.html', 'measureplan.vitals.js', 'measureplanVitals'],
    ['attribution', '/attribution.html', 'measureplan.vitals-attribution.js', 'measureplanVitalsAttribution'],
  ])('%s build: the collector receives LCP and CLS once each, at their final values, when the page is left', async (build, path, file, global) => {
    server.reset();
    const { page, errors, requests, close } = await open(path);
    // Loaded after the page's load event, when idle, from next to the tag (/static/).
    await page.waitForFunction((g) => !!(window as any)[g], global, { timeout: 10_000 });
    expect(requests.filter((u) => u.includes('measureplan.vitals'))).toEqual([`${server.url}/static/${file}`]);
    // Give web-vitals a moment to read the buffered entries; a conversion then carries the values known so far.
    await page.waitForTimeout(500);
    await page.evaluate(() => (window as any).measureplan.track('newsletter_signup'));

    await page.goto('about:blank'); // pagehide + visibilitychange → hidden: the final values go out with the beacon
    await expect.poll(() => vitalsSent().map((p: any) => p.metric_name).sort(), { timeout: 10_000 }).toEqual(expect.arrayContaining(['CLS', 'LCP']));

    const sent = vitalsSent();
    const lcp = sent.filter((p: any) => p.metric_name === 'LCP');
    const cls = sent.filter((p: any) => p.metric_name === 'CLS');
    expect(lcp).toHaveLength(1);
    expect(cls).toHaveLength(1);
    for (const p of [lcp[0], cls[0]]) {
      expect(p).toMatchObject({ metric_value: expect.any(Number), metric_id: expect.stringMatching(/^v6-/), navigation_type: 'navigate' });
    }
    expect(lcp[0].metric_value).toBeGreaterThan(2500);
    expect(lcp[0].metric_rating).toBe(rating('LCP', lcp[0].metric_value));
    expect(cls[0].metric_value).toBeGreaterThan(0.1);
    expect(cls[0].metric_rating).toBe(rating('CLS', cls[0].metric_value));
    // Each metric instance once: no duplicates of any id.
    expect(new Set(sent.map((p: any) => p.metric_id)).size).toBe(sent.length);
    if (build === 'attribution') {
      expect(lcp[0].debug_target).toBe('#hero');
      expect(cls[0].debug_target).toBe('#content');
    } else {
      expect(lcp[0]).not.toHaveProperty('debug_target');
    }

    // The conversion tracked on the page carried the vitals known by then.
    const signup = server.received.find((r: any) => r.body.event === 'newsletter_signup');
    expect(signup?.body.context.measureplan.vitals.LCP).toMatchObject({ value: lcp[0].metric_value, rating: lcp[0].metric_rating });

    expect(errors.filter((e) => /measureplan|Content Security Policy|Refused/.test(e))).toEqual([]);
    await close();
  });

  it('a vitals file answered by the host\'s HTML page: said in the console, never seen by the page\'s error handlers', async () => {
    server.reset();
    const { page, errors, warnings, requests, close } = await open('/spa.html');
    await expect.poll(() => warnings.join('\n'), { timeout: 10_000 }).toContain('measureplan.vitals.js could not be loaded');
    expect(requests).toContain(`${server.url}/spa/measureplan.vitals.js`);
    expect(await page.evaluate(() => (window as any).seen)).toEqual([]);
    // The page's own handler is back in place once the file has settled.
    expect(await page.evaluate(() => String(window.onerror))).toContain('seen.push');
    expect(errors.filter((e) => /SyntaxError|Unexpected token|pageerror/.test(e))).toEqual([]);
    // The rest of the plan goes on.
    await page.evaluate(() => (window as any).measureplan.track('newsletter_signup'));
    await page.goto('about:blank');
    await expect.poll(() => server.received.filter((r: any) => r.body.event === 'newsletter_signup').length).toBe(1);
    await close();
  });

  it('a plan without vitals never requests the page-experience files', async () => {
    server.reset();
    const { page, requests, close } = await open('/none.html');
    await page.evaluate(() => new Promise((r) => requestIdleCallback(() => setTimeout(r, 1500))));
    expect(requests.filter((u) => u.includes('measureplan.vitals'))).toEqual([]);
    expect(await page.evaluate(() => 'measureplanVitals' in window || 'measureplanVitalsAttribution' in window)).toBe(false);
    await page.evaluate(() => (window as any).measureplan.track('newsletter_signup'));
    await page.goto('about:blank');
    await expect.poll(() => server.received.filter((r: any) => r.body.event === 'newsletter_signup').length).toBe(1);
    expect(vitalsSent()).toEqual([]);
    await close();
  });
});
