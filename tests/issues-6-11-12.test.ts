/**
 * Audit of issues 6 (CLI), 11 (collect server and store) and 12 (reports): points that did not
 * hold on the code as it was, each proved by a test that failed before its fix.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parsePlan } from '../src/plan/parse';
import type { Plan } from '../src/plan/types';
import { toOutcome } from '../src/server/message';
import { openStore } from '../src/server/store';
import { startWebhook } from '../src/server/webhook';
import { PLAN, readStore, tempStore } from './server/helpers';
import { ensureBuilt, run, tempDir } from './cli/helpers';

beforeAll(() => ensureBuilt(), 120_000);

describe('issue 12: report --from/--to read only real days and ISO-8601 times', () => {
  it.each([
    ['--from', '2026-13-01'], // month 13 used to be read as January of the next year
    ['--to', '2026-02-30'], // 30 February used to be read as 2 March
    ['--from', '1'], // a bare number used to be read as the year 2001
    ['--from', 'December 1'], // no year: read as 2001
    ['--to', '2026-02-30T00:00:00Z'], // an ISO time on a day that does not exist
  ])('%s %s → exit 2, "is not a date"', (flag, value) => {
    const r = run(['report', '--plan', 'x.json', flag, value]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`--${flag.slice(2)} "${value}" is not a date`));
  });
});

describe('issue 11: collect --host that cannot be bound is an answer, not a crash', () => {
  it.each([
    ['999.1.1.1', /no such host/], // not an address at all
    ['192.0.2.1', /not an address of this machine/], // TEST-NET-1: an address, but not ours
  ])('--host %s → exit 1 with what to use instead', (host, reason) => {
    const dir = tempDir();
    try {
      const r = run(['collect', '--db', join(dir.dir, 's.db'), '--port', '0', '--host', host, '--quiet'], { timeoutMs: 20_000 });
      expect(r.stderr).not.toMatch(/unexpected failure/);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(reason);
      expect(r.stderr).toMatch(/0\.0\.0\.0/);
    } finally {
      dir.remove();
    }
  });
});

describe('issue 12: the webhook\'s quiet period is per person, however the address was typed', () => {
  it('a second cart of " Kari@Example.NO " within the quiet period is suppressed, and the post carries the trimmed address', async () => {
    const plan = (parsePlan(readFileSync(PLAN, 'utf8')) as { plan: Plan }).plan;
    const H = 3_600_000;
    const T = Date.UTC(2026, 11, 1, 12);
    let n = 0;
    const add = (v: string, at: number) => ({
      type: 'track', event: 'add_to_cart', anonymousId: v, messageId: `k${++n}`, timestamp: new Date(at).toISOString(),
      properties: { item_id: 'tind-shell-jacket', item_name: 'Tind', value: 2499, currency: 'NOK' },
      context: { page: { url: 'https://shop.example/product/tind-shell-jacket', path: '/' }, measureplan: { kind: 'micro', consent: { analytics: 'granted', ads: 'denied' } } },
    });
    const identify = (v: string, email: string, at: number) => ({ type: 'identify', anonymousId: v, userId: `u-${v}`, messageId: `k${++n}`, timestamp: new Date(at).toISOString(), traits: { email } });
    const dir = tempStore();
    const store = openStore(dir.db);
    const posts: Record<string, unknown>[] = [];
    const server: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => { posts.push(JSON.parse(body) as Record<string, unknown>); res.writeHead(200).end('ok'); });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const at = new Date(T).toISOString();
      store.write([[
        identify('a', 'kari@example.no', T - 5 * H), add('a', T - 3 * H),
        identify('d', ' Kari@Example.NO ', T - 5 * H), add('d', T - 2 * H), // the same person, typed differently
      ].map((m) => toOutcome(m, {}, at, plan))]);
      const w = startWebhook({ store, plan, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, everyMs: 30, now: () => T });
      const end = Date.now() + 10_000;
      while (posts.length < 1 && Date.now() < end) await new Promise((ok) => setTimeout(ok, 20));
      await new Promise((ok) => setTimeout(ok, 200));
      await w.stop();
      expect(posts.map((p) => [p.visitor, p.email])).toEqual([['a', 'kari@example.no']]);
      expect(readStore(dir.db, (d) => d.prepare('SELECT visitor, status FROM webhook_outbox ORDER BY visitor').all())).toEqual([
        { visitor: 'a', status: 'delivered' },
        { visitor: 'd', status: 'suppressed' },
      ]);
    } finally {
      store.close();
      server.closeAllConnections();
      await new Promise((ok) => server.close(ok));
      dir.remove();
    }
  });
});
