/**
 * A page Chromium prerenders ahead of a click (speculation rules), with the script tag: nothing is
 * sent before the visitor sees it, and nothing at all if they never do (prerender QA 2026-12-07:
 * a product page never shown sent its page view and view_item). Chromium refuses to prerender
 * for a page a DevTools session is attached to, as playwright-core attaches to every page, so
 * this test starts Chromium itself and opens the landing page with a browser-level CDP command
 * only; the pages tell the server what happens in them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error ws ships no types (and @types/ws is not worth a dependency for one test)
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without types
import { CHROMIUM } from '../support/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { ROOT } from '../support/bundle.mjs';

const STUB = readFileSync(join(ROOT, 'src/loader/stub.min.js'), 'utf8').trim();
const plan = JSON.parse(readFileSync(join(ROOT, 'examples/plans/webshop.json'), 'utf8'));
plan.destinations.collector.pages = true;
const html = (body: string, head = '') => `<!doctype html><html><head><title>t</title>${head}</head><body>${body}</body></html>`;
const tag = `<script>${STUB}</script><script async src="/measureplan.iife.js" data-plan="/plan.json"></script><script>measureplan.consent({ analytics: 'granted', ads: 'granted' });</script>`;
/** The landing page prerenders the product page and goes where the test says (`/go`), by itself: an activation. */
const landing = html(`<script>setInterval(() => fetch('/go').then((r) => r.text()).then((u) => { if (u) location.href = u; }), 100);</script>`,
  '<script type="speculationrules">{"prerender":[{"source":"list","urls":["/product/tind.html"],"eagerness":"immediate"}]}</script>');
/**
 * The product page says when the tag has read its plan and then had its turn: `Response#text` is
 * the tag's read of /plan.json, and a background-priority task runs after the tag's own tasks
 * (scheduler.postTask, user-visible) that check the plan and, were the tag to start in the
 * prerender, start it and settle `measureplan.ready`. So `checked&ready=pending` means: the plan
 * was read and checked, and the tag waits for the page to be shown.
 */
const checked = `<script>const text = Response.prototype.text; Response.prototype.text = function () {
  const read = text.call(this);
  if (this.url.endsWith('/plan.json')) read.then(() => scheduler.postTask(() => Promise.race([measureplan.ready, 'pending']).then((r) => fetch('/log?checked&ready=' + r)), { priority: 'background' }));
  return read;
};</script>`;
const product = html(`<main data-sku="TIND-1" data-name="Tind" data-category="Shells" data-price="2499"><h1>Tind</h1></main>
  <script>fetch('/log?prerendering=' + document.prerendering); document.addEventListener('prerenderingchange', () => fetch('/log?shown'));</script>`, checked + tag);

let server: Server;
let base = '';
let go = '';
const log: string[] = [];
const collected: { type: string; event?: string; path: string; at: number }[] = [];
let chrome: ChildProcess | undefined;
let profile = '';

beforeAll(async () => {
  const files: Record<string, [string, string]> = {
    '/': [landing, 'text/html'], '/product/tind.html': [product, 'text/html'], '/away.html': [html('<p>away</p>'), 'text/html'],
    '/plan.json': [JSON.stringify(plan), 'application/json'], '/measureplan.iife.js': [readFileSync(join(ROOT, 'dist/measureplan.iife.js'), 'utf8'), 'text/javascript'],
  };
  server = createServer(async (req, res) => {
    const u = new URL(req.url!, 'http://x');
    let body = '';
    for await (const c of req) body += c;
    if (u.pathname === '/go') return res.end(go);
    if (u.pathname === '/log') { log.push(u.search.slice(1)); return res.writeHead(204).end(); }
    if (u.pathname === '/collect') {
      for (const m of JSON.parse(body).batch ?? []) collected.push({ type: m.type, event: m.event, path: m.context?.page?.path, at: Date.now() });
      return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    }
    const f = files[u.pathname];
    if (!f) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f[1] }).end(f[0]);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterEach(async () => {
  const c = chrome;
  chrome = undefined;
  // The whole process group: Chromium's helpers may still write to the profile after the browser has gone.
  if (c && c.exitCode === null) { const gone = new Promise((r) => c.once('exit', r)); try { process.kill(-c.pid!, 'SIGKILL'); } catch { c.kill('SIGKILL'); } await gone; }
  // A temporary profile left behind is no failure of the test (CI 2026-12-07: ENOTEMPTY once).
  if (profile) try { rmSync(profile, { recursive: true, force: true, maxRetries: 20, retryDelay: 100 }); } catch { /* left in the temp folder */ }
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

/** Chromium with only a browser-level DevTools connection; the landing page opened in a new tab. */
async function openLanding(): Promise<void> {
  profile = mkdtempSync(join(tmpdir(), 'mp-prerender-'));
  chrome = spawn(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
    '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const url = await new Promise<string>((resolve) => { let err = ''; chrome!.stderr!.on('data', (d) => { err += d; const m = /DevTools listening on (ws:\S+)/.exec(err); if (m) resolve(m[1]!); }); });
  const ws = new WebSocket(url);
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ id: 1, method: 'Target.createTarget', params: { url: `${base}/` } }));
}
/** Waits for `what`, failing with `why` after 20 s (Chromium declining to prerender shows here, by name). */
const until = async (what: () => boolean, why: string) => {
  for (const end = Date.now() + 20_000; !what();) {
    if (Date.now() > end) throw new Error(`${why}; the pages said: ${log.join(', ') || 'nothing'}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};
const fromProduct = () => collected.filter((m) => m.path === '/product/tind.html');
/** Waits until the prerendered page has read and checked its plan, and expects the tag not started. */
const planChecked = async () => {
  await until(() => log.some((l) => l.startsWith('checked')), 'the prerendered page did not read its plan');
  expect(log.find((l) => l.startsWith('checked'))).toBe('checked&ready=pending');
};

it('a product page prerendered and never shown sends nothing', async () => {
  log.length = 0; collected.length = 0; go = '';
  await openLanding();
  await until(() => log.includes('prerendering=true'), 'Chromium did not prerender the product page'); // the prerender runs the page's scripts
  await planChecked();
  go = '/away.html';
  await new Promise((r) => setTimeout(r, 1500));
  expect(log).not.toContain('shown');
  expect(fromProduct()).toEqual([]);
}, 30_000);

it('once shown, its page view and view_item are sent once, after the visitor came', async () => {
  log.length = 0; collected.length = 0; go = '';
  await openLanding();
  await until(() => log.includes('prerendering=true'), 'Chromium did not prerender the product page');
  await planChecked();
  expect(fromProduct()).toEqual([]);
  const shownAt = Date.now();
  go = '/product/tind.html';
  await until(() => log.includes('shown'), 'the prerendered page was not shown');
  await until(() => fromProduct().some((m) => m.event === 'view_item'), 'no view_item after the page was shown');
  await new Promise((r) => setTimeout(r, 1000));
  expect(fromProduct().map((m) => m.event ?? m.type)).toEqual(['page', 'view_item']);
  for (const m of fromProduct()) expect(m.at).toBeGreaterThan(shownAt);
}, 30_000);
