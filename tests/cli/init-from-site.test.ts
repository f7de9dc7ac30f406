import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPage } from '../../src/cli/tags/page';
import { ensureBuilt, run, runAsync, tempDir } from './helpers';

const tmp = tempDir();
beforeAll(ensureBuilt);
afterAll(() => tmp.remove());

let n = 0;
const folder = () => { const dir = join(tmp.dir, `site-${++n}`); mkdirSync(dir); return dir; };
const BASE = `<script>gtag('config', 'G-F1X2Y3Z4W5'); fbq('init', '283859598862258'); _linkedin_partner_id = "1234567";</script>`;

/** A server for one test: `handle` answers, `asked` lists what it was asked for. */
async function serve(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ base: string; asked: string[]; close(): Promise<void> }> {
  const asked: string[] = [];
  const server: Server = createServer((req, res) => { asked.push(req.url ?? ''); handle(req, res); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    asked,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe('the site\'s own script files: what is not a script file', () => {
  it('a saved page\'s src naming a FIFO (or a device) is said to be unread instead of waiting for ever', () => {
    const dir = folder();
    execFileSync('mkfifo', [join(dir, 'pipe.js')]);
    writeFileSync(join(dir, 'index.html'), `${BASE}<script>gtag('event', 'purchase', { value: 1 });</script><script src="pipe.js"></script>`);
    const r = run(['init', '--from', 'index.html'], { cwd: dir, timeoutMs: 15_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('pipe.js: not a regular file');
  });

  it('a same-origin script that redirects to another host: that host is never asked, the file is said to be unread', async () => {
    const other = await serve((_req, res) => res.end("gtag('event', 'from_another_host');"));
    const site = await serve((req, res) => {
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(`${BASE}<script>gtag('event', 'purchase', { value: 1 });</script><script src="/js/lib.js"></script>`);
      else res.writeHead(302, { location: `${other.base}/lib.js` }).end();
    });
    try {
      const dir = folder();
      const r = await runAsync(['init', '--from', `${site.base}/`], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(other.asked).toEqual([]);
      expect(r.stdout).not.toContain('from_another_host');
      expect(r.stdout).toContain(`/js/lib.js: moved to another host (${other.base}/lib.js)`);
    } finally { await site.close(); await other.close(); }
  });

  it('a server that answers a missing .js with its page (a single-page app) is not read as a script: no second LinkedIn conversion', async () => {
    const PAGE = `<!doctype html><html><head>${BASE}
<script>document.querySelector('form').addEventListener('submit', function () { gtag('event', 'sign_up'); lintrk('track', { conversion_id: 4444 }); });</script>
<script>gtag('event', 'purchase', { value: 1 });</script>
<script src="/js/gone.js"></script></head></html>`;
    const site = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE));
    try {
      const dir = folder();
      const r = await runAsync(['init', '--from', `${site.base}/`], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('/js/gone.js: the server answered with a page (HTML), not a script');
      expect(r.stdout).toContain('a draft from 1 page (2 conversions');
      expect(r.stdout).not.toContain('linkedin_conversion_4444');
    } finally { await site.close(); }
  });

  it('a body that goes on past 2 MB is given up at 2 MB, not buffered until the timeout', async () => {
    const site = await serve((req, res) => {
      if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(`${BASE}<script>gtag('event', 'purchase', { value: 1 });</script><script src="/js/endless.js"></script>`);
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.write(Buffer.alloc(3_000_000, 0x20)); // and never ends
    });
    try {
      const r = await runAsync(['init', '--from', `${site.base}/`], folder());
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('/js/endless.js: larger than 2 MB');
    } finally { await site.close(); }
  });

  it('one file under two query strings is read once and named by its file name', async () => {
    const site = await serve((req, res) => {
      if (req.url === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(`${BASE}<script>gtag('event', 'purchase', { value: 1 });</script><script src="/js/app.js?v=1"></script><script src="/js/app.js?v=2"></script>`);
      res.writeHead(200, { 'content-type': 'text/javascript' }).end("fbq('track', 'AddToCart');");
    });
    try {
      const r = await runAsync(['init', '--from', `${site.base}/`], folder());
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/\n {2}app\.js:1 +Meta +fbq\('track', 'AddToCart'\) +→ add_to_cart\n/);
      expect(r.stdout).not.toContain('more page');
    } finally { await site.close(); }
  });
});

describe('the src of a page\'s script', () => {
  it('is read as the browser reads it, spaces around it dropped; an empty or blank one is none', () => {
    const srcs = (html: string) => readPage(html).sources.map((s) => s.src);
    expect(srcs('<script src=" js/tracking.js "></script><script src="\njs/a.js"></script>')).toEqual(['js/tracking.js', 'js/a.js']);
    expect(srcs('<script src=""></script><script src="  " async></script>')).toEqual([]);
  });
});
