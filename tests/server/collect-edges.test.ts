/**
 * Edge cases of `measureplan collect`: timestamps that are not real ISO-8601 date-times, the
 * quarantine key of a message without a usable messageId, the relay sending each event as the
 * store accepted it (id, batch context, corrected time), one hand-off per cart across the
 * webhook's lookback window, and the CORS headers the collector adapter needs to retry.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toOutcome } from '../../src/server/message';
import { startRelay } from '../../src/server/relay';
import { openStore, type Store } from '../../src/server/store';
import { startCollectServer } from '../../src/server/http';
import { readFileSync } from 'node:fs';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { startWebhook } from '../../src/server/webhook';
import { PLAN, post, readStore, startCollect, tempStore, useCollect, viewItem } from './helpers';

const SHOP = 'http://shop.test:4173';
const live = useCollect(['--allow-origin', SHOP, '--quiet']);
const count = live.count;

describe('collect: timestamps', () => {
  // V8's Date.parse reads '12' as 2001-12-01 and rolls 30 February over to 2 March.
  it.each(['12', 'Tuesday 5', 'March 7', '2026-02-30T00:00:00.000Z', '2026-01-01T24:00:00Z', 1790856000000])('a timestamp that is not an ISO-8601 date that exists (%j) is quarantined, not stored', async (bad) => {
    const m = viewItem({ timestamp: bad });
    const r = await post(`${live.server.url}/v1/batch`, { batch: [m] });
    expect(r.status).toBe(200);
    const row = readStore(live.store.db, (d) => d.prepare('SELECT timestamp FROM events WHERE id = ?').get(m.messageId)) as { timestamp: string } | undefined;
    expect(row?.timestamp).toBeUndefined();
    expect(r.body).toMatchObject({ stored: 0, quarantined: 1 });
    expect(count('SELECT count(*) FROM quarantine WHERE message_id = ? AND path = ?', m.messageId, 'timestamp')).toBe(1);
  });

  it('a date-time with an offset and more digits of a second is stored as the same instant, in UTC', async () => {
    const m = viewItem({ timestamp: '2026-10-01T14:00:00.123456+02:00' });
    expect((await post(`${live.server.url}/v1/batch`, { batch: [m] })).body).toMatchObject({ stored: 1 });
    expect(readStore(live.store.db, (d) => d.prepare('SELECT original_timestamp FROM events WHERE id = ?').pluck().get(m.messageId))).toBe('2026-10-01T12:00:00.123Z');
  });

  it('a sentAt that is not a date does not push the event decades into the future', async () => {
    const m = viewItem({ timestamp: new Date().toISOString() });
    const r = await post(`${live.server.url}/v1/batch`, { batch: [m], sentAt: '1' });
    expect(r.status).toBe(200);
    const row = readStore(live.store.db, (d) => d.prepare('SELECT timestamp, received_at FROM events WHERE id = ?').get(m.messageId)) as { timestamp: string; received_at: string };
    // A sentAt that cannot be read is ignored (no skew correction): the event happened about now.
    expect(Math.abs(Date.parse(row.timestamp) - Date.parse(row.received_at))).toBeLessThan(60_000);
  });
});

describe('collect: exactly once', () => {
  it('the same batch arriving twice at the same moment is stored once, and both get a 2xx', async () => {
    const batch = [viewItem(), viewItem(), viewItem()];
    const [a, b] = await Promise.all([post(`${live.server.url}/v1/batch`, { batch }), post(`${live.server.url}/v1/batch`, { batch })]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect((a.body.stored as number) + (b.body.stored as number)).toBe(3);
    expect((a.body.duplicates as number) + (b.body.duplicates as number)).toBe(3);
    for (const m of batch) expect(count('SELECT count(*) FROM events WHERE id = ?', m.messageId)).toBe(1);
  });
});

describe('collect: quarantine does not pile up on retries', () => {
  it.each([
    ['a messageId that is a number', () => viewItem({ messageId: 42, anonymousId: `q-${Math.random()}` })],
    ['a message that is not an object', () => `not-an-object-${Math.random()}`],
  ])('%s: the retried batch adds no second quarantine row', async (_, make) => {
    const bad = make();
    const batch = [bad];
    const before = count('SELECT count(*) FROM quarantine');
    expect((await post(`${live.server.url}/v1/batch`, { batch })).body).toMatchObject({ quarantined: 1 });
    expect((await post(`${live.server.url}/v1/batch`, { batch })).status).toBe(200); // the client's retry
    expect(count('SELECT count(*) FROM quarantine') - before).toBe(1);
  });
});

describe('relay: what goes on to Segment/RudderStack is the event as stored', () => {
  /** Runs the relay over `messages` (stored as the collect server stores a batch) and returns what the target received. */
  async function relayed(messages: Record<string, unknown>[], batch: { context?: unknown; sentAt?: unknown } = {}) {
    const dir = tempStore();
    const s = openStore(dir.db);
    const at = new Date().toISOString();
    s.write([messages.map((m, i) => toOutcome(m, batch, at, undefined, i))]);
    const stored = s.db.prepare('SELECT id, timestamp, context_library_name, context_page_path FROM events ORDER BY seq').all() as { id: string; timestamp: string; context_library_name: string | null; context_page_path: string | null }[];
    const received: Record<string, unknown>[] = [];
    const fetch = (async (_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as { batch: Record<string, unknown>[]; sentAt?: string };
      // What the target sees: each message with the batch's sentAt and the time it arrived.
      received.push(...body.batch.map((m) => ({ ...m, __batchSentAt: body.sentAt, __receivedAt: new Date().toISOString() })));
      return new Response('{"success":true}', { status: 200 });
    }) as typeof globalThis.fetch;
    const relay = startRelay({ store: s, url: 'http://segment.test', writeKey: 'wk', fetch, minDelay: 1, maxDelay: 5 });
    await relay.idle();
    await relay.stop();
    s.close();
    dir.remove();
    return { stored, received };
  }

  it('a message stored under a derived id (it came without messageId) is relayed with that id, so the target can drop a repeat', async () => {
    const m = viewItem();
    delete m.messageId;
    const { stored, received } = await relayed([m]);
    expect(stored).toHaveLength(1);
    expect(received).toHaveLength(1);
    // Without it, every relay retry (a lost 2xx, a crash before the position commit) is a new event downstream.
    expect(received[0]!.messageId).toBe(stored[0]!.id);
  });

  it('a batch-level context (merged into each message, as Segment does) is relayed with the message', async () => {
    const m = viewItem();
    delete m.context;
    const context = { library: { name: 'analytics-node', version: '2.0.0' }, page: { path: '/checkout' } };
    const { stored, received } = await relayed([m], { context });
    expect(stored[0]).toMatchObject({ context_library_name: 'analytics-node', context_page_path: '/checkout' });
    expect(received[0]!.context).toMatchObject(context);
  });

  it("the store's clock-skew correction survives the relay: the target computes the time the store holds", async () => {
    // A visitor whose clock is an hour fast: the store corrects it (received_at − (sentAt − timestamp)).
    const fast = Date.now() + 3_600_000;
    const m = viewItem({ timestamp: new Date(fast).toISOString() });
    const { stored, received } = await relayed([m], { sentAt: new Date(fast + 2000).toISOString() });
    const r = received[0]!;
    const sentAt = (r.sentAt as string | undefined) ?? (r.__batchSentAt as string);
    const original = (r.timestamp as string | undefined) ?? (r.originalTimestamp as string);
    // Segment's and RudderStack's rule (reference §8.1): timestamp = receivedAt − (sentAt − originalTimestamp).
    const targetTime = Date.parse(r.__receivedAt as string) - (Date.parse(sentAt) - Date.parse(original));
    expect(Math.abs(targetTime - Date.parse(stored[0]!.timestamp))).toBeLessThan(60_000);
  });
});

describe('webhook: one reminder per cart', () => {
  it('a cart already handed over is not posted again when its first add leaves the 30-day lookback', async () => {
    const plan = (parsePlan(readFileSync(PLAN, 'utf8')) as { plan: Plan }).plan;
    const H = 3_600_000;
    const D = 24 * H;
    const T0 = Date.UTC(2026, 9, 1, 12);
    let k = 0;
    const add = (at: number, sku: string) => ({
      type: 'track', event: 'add_to_cart', anonymousId: 'rv-a', messageId: `rv-w${++k}`, timestamp: new Date(at).toISOString(),
      properties: { item_id: sku, item_name: sku, value: 100, currency: 'NOK' },
      context: { page: { url: `https://shop.example/product/${sku}`, path: '/' }, measureplan: { kind: 'micro', consent: { analytics: 'granted', ads: 'denied' } } },
    });
    const identify = (at: number) => ({ type: 'identify', anonymousId: 'rv-a', userId: 'u-rv-a', messageId: `rv-i${++k}`, timestamp: new Date(at).toISOString(), traits: { email: 'kari@example.no' } });
    const dir = tempStore();
    const s = openStore(dir.db);
    const write = (ms: Record<string, unknown>[]) => s.write([ms.map((m) => toOutcome(m, {}, new Date().toISOString(), plan))]);
    const posts: Record<string, unknown>[] = [];
    const fetch = (async (_u: string, init: RequestInit) => { posts.push(JSON.parse(String(init.body)) as Record<string, unknown>); return new Response('ok'); }) as typeof globalThis.fetch;
    let clock = T0 + 2 * H;
    write([identify(T0 - H), add(T0, 'tind-shell-jacket')]);
    const w = startWebhook({ store: s, plan, url: 'http://hook.test/x', everyMs: 10, fetch, now: () => clock });
    // Checks the store now and waits until whatever that queued has been posted.
    const settle = async () => {
      w.detect();
      const end = Date.now() + 5000;
      while (w.stats().pending > 0 && Date.now() < end) await new Promise((ok) => setTimeout(ok, 10));
    };
    try {
      await settle();
      expect(posts).toHaveLength(1); // the reminder for the cart started at T0
      // The visitor comes back 20 days later and adds to the same (still open) cart.
      write([identify(T0 + 20 * D), add(T0 + 20 * D, 'fjell-boots')]);
      clock = T0 + 20 * D + 2 * H;
      await settle();
      expect(posts).toHaveLength(1); // the same cart (same start) is not queued twice
      // 31 days after the first add it leaves the lookback window: the cart is the same cart.
      clock = T0 + 31 * D;
      await settle();
    } finally {
      await w.stop();
      s.close();
      dir.remove();
    }
    expect(posts.map((p) => p.id)).toEqual([`cart:rv-a:${T0}`]);
  });
});

describe('collect: CORS lets the collector adapter on the shop read what it needs to retry', () => {
  it('a 503 to an allowed origin exposes Retry-After (not a CORS-safelisted header), so the adapter can wait as told', async () => {
    // A store whose commit fails (a full disk): the server answers 503 with Retry-After.
    const failing = { db: undefined, file: ':failing:', write: () => { throw new Error('disk I/O error'); }, counts: () => ({ events: 0, quarantined: 0 }), close: () => {} } as unknown as Store;
    const srv = await startCollectServer({ store: failing, port: 0, allowOrigins: [SHOP] });
    try {
      const r = await post(`${srv.url}/v1/batch`, { batch: [viewItem()] }, { headers: { Origin: SHOP } });
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toBe('2');
      expect(r.headers.get('access-control-allow-origin')).toBe(SHOP);
      // A browser hides every response header not listed here from fetch(): res.headers.get('retry-after') is null.
      expect(r.headers.get('access-control-expose-headers') ?? '').toMatch(/retry-after/i);
    } finally {
      await srv.close();
    }
  });
});

describe('collect: a store it cannot write is said, at start and on /health (server QA 2026-12-06)', () => {
  it('/health answers 503 with the reason after a failed commit, and 200 again once the store takes a write', async () => {
    // It said ok while every post got 503 (a full disk, a read-only file, a lock held elsewhere).
    let broken = true;
    const fault = () => { if (broken) throw new Error('database or disk is full'); };
    const store = { db: undefined, file: ':flaky:', write: (g: unknown[]) => { fault(); return g.map(() => ({ stored: 1, duplicates: 0, quarantined: 0 })); }, counts: () => ({ events: 0, quarantined: 0 }), probe: fault, close: () => {} } as unknown as Store;
    const refused: string[] = [];
    const srv = await startCollectServer({ store, port: 0, onReject: (status, reason) => refused.push(`${status} ${reason}`) });
    try {
      expect((await fetch(`${srv.url}/health`)).status).toBe(200);
      expect((await post(`${srv.url}/v1/batch`, { batch: [viewItem()] })).status).toBe(503);
      const sick = await fetch(`${srv.url}/health`);
      expect([sick.status, await sick.json()]).toEqual([503, { ok: false, reason: 'the store cannot be written: database or disk is full', events: 0, quarantined: 0 }]);
      // The server's log says why the load balancer was told no (it printed "503" and nothing else).
      expect(refused.at(-1)).toBe('503 the store cannot be written: database or disk is full');
      broken = false; // space freed
      expect((await fetch(`${srv.url}/health`)).status).toBe(200);
    } finally {
      await srv.close();
    }
  });

  it('/health stays 503 on a full disk where a one-page write still fits but a batch does not (security QA 2026-12-06)', async () => {
    const dir = tempStore();
    const c = await startCollect(['--db', dir.db, '--quiet'], {}, 300);
    try {
      const batch = (r: number) => ({ batch: Array.from({ length: 500 }, (_, i) => viewItem({ messageId: `full-${r}-${i}`, context: { page: { url: 'https://shop.example/' + 'x'.repeat(300) } } })) });
      let refused = 0;
      for (let r = 0; r < 30 && refused < 3; r++) if ((await post(`${c.url}/v1/batch`, batch(r))).status === 503) refused++;
      expect(refused).toBe(3);
      const health = await fetch(`${c.url}/health`);
      expect(health.status).toBe(503);
      expect(((await health.json()) as { reason: string }).reason).toMatch(/^the store cannot be written: /);
      expect((await fetch(`${c.url}/health`)).status).toBe(503); // asked again: still the truth
    } finally {
      await c.stop();
      dir.remove();
    }
  });

  it("/health retries the failed batch on its own: small posts beside it are not refused with it, nor do they make /health say ok (diff read 2026-12-06)", async () => {
    // A disk with room for up to 5 rows per commit: a batch of 20 never fits, single events do.
    const groups: number[][] = [];
    const write = (g: unknown[][]) => {
      groups.push(g.map((x) => x.length));
      if (g.reduce((n, x) => n + x.length, 0) > 5) throw new Error('database or disk is full');
      return g.map((x) => ({ stored: x.length, duplicates: 0, quarantined: 0 }));
    };
    const store = { db: undefined, file: ':small-disk:', write, counts: () => ({ events: 0, quarantined: 0 }), probe: () => {}, close: () => {} } as unknown as Store;
    const srv = await startCollectServer({ store, port: 0 });
    try {
      const big = () => post(`${srv.url}/v1/batch`, { batch: Array.from({ length: 20 }, () => viewItem()) });
      expect((await big()).status).toBe(503);
      const small: number[] = [];
      const health: number[] = [];
      for (let round = 0; round < 10; round++) {
        const [h, s] = await Promise.all([fetch(`${srv.url}/health`), post(`${srv.url}/v1/batch`, { batch: [viewItem()] })]);
        health.push(h.status);
        small.push(s.status);
      }
      expect(small.every((s) => s === 200)).toBe(true);
      expect(health.every((s) => s === 503)).toBe(true);
      expect(groups.filter((g) => g.includes(20) && g.length > 1)).toEqual([]); // the retry never shared a commit
    } finally {
      await srv.close();
    }
  });

  it.runIf(process.getuid?.() === 0)('refuses to start on a store file this user cannot write, with the way out', async () => {
    const { execFileSync, spawnSync } = await import('node:child_process');
    const { chmodSync, chownSync, mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = mkdtempSync('/tmp/mp-readonly-');
    try {
      const db = join(dir, 'shop.db');
      openStore(db).close();
      const nobody = Number(execFileSync('id', ['-u', 'nobody']).toString());
      chownSync(dir, nobody, nobody);
      chmodSync(db, 0o444); // a backup restored as another user
      const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, 'bin/measureplan.js', 'collect', '--db', db, '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/cannot be written by this user: attempt to write a readonly database/);
      expect(r.stderr).toMatch(/writable by the user that runs measureplan collect/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('collect: a store on a read-only volume (ops QA 2026-12-06)', () => {
  // Root only: a tmpfs remounted read-only, as a container's read-only root or a ro volume is.
  it.runIf(process.getuid?.() === 0)('says the file system is read-only, not that the user lacks a permission', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const dir = mkdtempSync('/tmp/mp-rofs-');
    const mount = (...args: string[]) => spawnSync('mount', args, { encoding: 'utf8' }).status === 0;
    if (!mount('-t', 'tmpfs', 'tmpfs', dir)) { rmSync(dir, { recursive: true }); return; } // no mounts in this sandbox
    try {
      const db = join(dir, 'shop.db');
      openStore(db).close();
      expect(mount('-o', 'remount,ro', dir)).toBe(true);
      const r = spawnSync(process.execPath, ['bin/measureplan.js', 'collect', '--db', db, '--port', '0'], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/is on a read-only file system/);
      expect(r.stderr).toMatch(/writable volume/);
      expect(r.stderr).not.toMatch(/by this user/);
    } finally {
      spawnSync('umount', [dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('collect: a same-origin reverse proxy (server QA 2026-12-06)', () => {
  it("takes the shop's own origin from X-Forwarded-Host when the proxy sets Host to its upstream (nginx's default)", async () => {
    // Every post from the shop's pages got 403, and the collector drops a 403 as final.
    const s = await startCollectServer({ store: openStore(':memory:'), port: 0 });
    try {
      const shop = 'https://shop.example';
      expect((await post(`${s.url}/v1/batch`, { batch: [viewItem()] }, { headers: { Origin: shop } })).status).toBe(403);
      expect((await post(`${s.url}/v1/batch`, { batch: [viewItem()] }, { headers: { Origin: shop, 'X-Forwarded-Host': 'shop.example' } })).status).toBe(200);
      expect((await post(`${s.url}/v1/batch`, { batch: [viewItem()] }, { headers: { Origin: 'https://evil.example', 'X-Forwarded-Host': 'shop.example' } })).status).toBe(403);
    } finally {
      await s.close();
    }
  });
});
