/**
 * The second read of `init --from`: a marketer's real pages, pathological pages, and the CLI's
 * promises (no stack traces, nothing written on failure, a draft that validates).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { draft } from '../../src/cli/tags/draft';
import { recognise } from '../../src/cli/tags/recognise';
import { bin, ensureBuilt, runAsync, tempDir, type Run } from './helpers';

const tmp = tempDir();
beforeAll(ensureBuilt);
afterAll(() => tmp.remove());

let n = 0;
const folder = () => { const dir = join(tmp.dir, `review-${++n}`); mkdirSync(dir); return dir; };
const CONFIG = `<script>gtag('config', 'G-F1X2Y3Z4W5'); gtag('config', 'AW-123456789');</script>`;
const PURCHASE = `<script>gtag('event', 'purchase', { transaction_id: order.id, value: order.total, currency: 'EUR' });</script>`;

/** Runs init --from on one page written to a fresh folder; a hang is killed (code null) after `timeoutMs`. */
function initOn(html: string, timeoutMs = 120_000): { r: Run; dir: string } {
  const dir = folder();
  writeFileSync(join(dir, 'page.html'), html);
  // A pathological page makes a long table of findings: room for it, so only a hang or a crash fails.
  const r = spawnSync(process.execPath, [bin, 'init', '--from', 'page.html'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' }, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 512 * 1024 * 1024 });
  return { r: { code: r.status, stdout: r.stdout, stderr: r.stderr }, dir };
}

describe('a marketer\'s pages', () => {
  it('a GA4 event with send_to naming GA4 and an Ads label also goes to Google Ads under that label', () => {
    const html = `${CONFIG}<script>gtag('event', 'purchase', { send_to: ['G-F1X2Y3Z4W5', 'AW-123456789/XyZ_label1'], transaction_id: order.id, value: order.total, currency: 'EUR' });</script>`;
    const plan = draft(recognise('p.html', html), 'x').plan!;
    expect(plan.conversions.purchase!.send).toEqual({ ga4: { event: 'purchase' }, googleAds: { label: 'XyZ_label1' } });
  });

  it('takes the currency set once for the page with gtag(\'set\', { currency }) instead of guessing EUR', () => {
    const html = `<script>gtag('config', 'G-F1X2Y3Z4W5'); gtag('set', { currency: 'SEK' });
gtag('event', 'purchase', { transaction_id: order.id, value: order.total });</script>`;
    const d = draft(recognise('p.html', html), 'x');
    expect(d.plan!.currency).toBe('SEK');
    expect(d.currency).toEqual({ code: 'SEK', guessed: false });
  });
});

describe('pathological pages: no hang, no stack trace', () => {
  // Each page takes minutes with a scan that restarts from every script or token; well under a second read once.
  it('a page with very many inline scripts (a long product list) is read in one pass', () => {
    const { r } = initOn(CONFIG + PURCHASE + '<script>var a = 1;</script>'.repeat(200_000), 60_000);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('many server-template openers and regular expressions that never close ({{, <?, /[) are read in one pass', () => {
    const { r } = initOn(`${CONFIG}<script>gtag('event', 'purchase', { transaction_id: order.id, value: order.total, currency: 'EUR' }); ${'{{ <? (/[ '.repeat(500_000)}</script>`, 60_000);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('very many different GTM-like words in the text are deduplicated in one pass', () => {
    const words = Array.from({ length: 200_000 }, (_, i) => `GTM-${(100_000 + i).toString(36).toUpperCase()}`).join(' ');
    const { r } = initOn(`${CONFIG}${PURCHASE}<p>${words}</p>`, 60_000);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  it('deeply nested arrays and objects in a tag call: a draft, not a crash (exit 3)', () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000);
    const { r, dir } = initOn(`${CONFIG}<script>gtag('event', 'purchase', { transaction_id: order.id, value: 5, currency: 'EUR', items: ${deep}, x: ${'{a:'.repeat(20_000)}1${'}'.repeat(20_000)} });</script>`);
    expect(r.stderr).not.toMatch(/unexpected failure|RangeError/);
    expect(r.code).toBe(0);
    expect(parsePlan(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'))).ok).toBe(true);
  });
});

describe('fetching a page', () => {
  it('a connection dropped in the middle of the page: a one-line usage error (exit 2), nothing written', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': '100000' });
      res.write(CONFIG);
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/takk`;
    const dir = folder();
    try {
      const r = await runAsync(['init', '--from', url], dir);
      expect(r.stderr).not.toMatch(/unexpected failure|\bat .*:\d+/);
      expect(r.stderr).toMatch(new RegExp(`^measureplan: cannot fetch ${url.replace(/[.]/g, '\\.')}: `));
      expect(r.code).toBe(2);
      expect(existsSync(join(dir, 'plan.json'))).toBe(false);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
