/** Pinned by the mutation review of 2026-12-06: relay behaviour no existing test pins (413 halving, Retry-After, originalTimestamp as stored). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toOutcome } from '../../src/server/message';
import { startRelay } from '../../src/server/relay';
import { type Store } from '../../src/server/store';
import { openedStore, viewItem } from './helpers';

type Msg = Record<string, unknown>;
const cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

async function endpoint(answer: (batch: Msg[], n: number) => [number, Record<string, string>?]) {
  const calls: { at: number; status: number; batch: Msg[] }[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const batch = (JSON.parse(body) as { batch: Msg[] }).batch;
      const [status, headers = {}] = answer(batch, n++);
      calls.push({ at: Date.now(), status, batch });
      res.writeHead(status, headers).end(status === 200 ? '{"success":true}' : '{"msg":"no"}');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  cleanups.push(() => { server.closeAllConnections(); return new Promise((ok) => server.close(ok)); });
  return { calls, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/batch` };
}

function fill(store: Store, messages: Msg[]): string[] {
  const at = new Date().toISOString();
  store.write([messages.map((m, i) => toOutcome(m, {}, at, undefined, i))]);
  return messages.map((m) => m.messageId as string);
}

describe('relay', () => {
  it('a batch the target refuses as too large (413) is halved until it goes through; every event is delivered', async () => {
    const store = openedStore(cleanups);
    const ids = fill(store, Array.from({ length: 8 }, () => viewItem()));
    const seg = await endpoint((batch) => [batch.length > 2 ? 413 : 200]);
    const relay = startRelay({ store, url: seg.url, writeKey: 'k', batchSize: 8, minDelay: 10, maxDelay: 50 });
    const until = Date.now() + 4000;
    while (relay.stats().waiting > 0 && Date.now() < until) await new Promise((ok) => setTimeout(ok, 20));
    const stats = relay.stats();
    await relay.stop(200);
    expect(stats).toMatchObject({ waiting: 0, rejected: 0 });
    expect(new Set(seg.calls.filter((c) => c.status === 200).flatMap((c) => c.batch.map((m) => m.messageId)))).toEqual(new Set(ids));
  }, 15_000);

  it('honours Retry-After on a 429 (waits the seconds the target asks for, not only its own short backoff)', async () => {
    const store = openedStore(cleanups);
    fill(store, [viewItem()]);
    const seg = await endpoint((_b, n) => (n === 0 ? [429, { 'Retry-After': '1' }] : [200]));
    const relay = startRelay({ store, url: seg.url, writeKey: 'k', minDelay: 10, maxDelay: 50 });
    const until = Date.now() + 5000;
    while (seg.calls.length < 2 && Date.now() < until) await new Promise((ok) => setTimeout(ok, 20));
    await relay.stop(200);
    expect(seg.calls.length).toBe(2);
    expect(seg.calls[1]!.at - seg.calls[0]!.at).toBeGreaterThanOrEqual(900);
  }, 15_000);

  it('a message that came with originalTimestamp (RudderStack SDKs) is relayed with the corrected time there too', async () => {
    const store = openedStore(cleanups);
    // The browser clock is an hour ahead: sentAt and originalTimestamp both an hour in the future.
    const ahead = (ms: number) => new Date(Date.now() + 3_600_000 + ms).toISOString();
    const m = viewItem();
    delete m.timestamp;
    m.originalTimestamp = ahead(-1000);
    m.sentAt = ahead(0);
    fill(store, [m]);
    const stored = (store.db.prepare('SELECT timestamp FROM events').pluck().get() as string);
    const seg = await endpoint(() => [200]);
    const relay = startRelay({ store, url: seg.url, writeKey: 'k', minDelay: 10, maxDelay: 50 });
    await relay.idle();
    await relay.stop(200);
    const sent = seg.calls[0]!.batch[0]!;
    expect(Date.parse(stored)).toBeLessThan(Date.now()); // the store corrected the skew
    // The target's rule timestamp = receivedAt − (sentAt − originalTimestamp) must give the stored time back.
    expect(sent.originalTimestamp).toBe(stored);
    expect(sent.timestamp).toBe(stored);
  }, 15_000);
});

it('a batch is cut at 450 KB of UTF-8 bytes, not characters (docs/collect.md)', async () => {
  const store = openedStore(cleanups);
  // 30 events of 10,000 two-byte characters: 300,000 characters, about 600 KB.
  const ids = fill(store, Array.from({ length: 30 }, () => viewItem({ properties: { item_id: 'p', note: 'ø'.repeat(10_000) } })));
  const sizes: number[] = [];
  const seg = await endpoint((batch) => { sizes.push(Buffer.byteLength(JSON.stringify({ batch }))); return [200]; });
  const relay = startRelay({ store, url: seg.url, writeKey: 'k', batchSize: 200, minDelay: 10, maxDelay: 50 });
  await relay.idle();
  await relay.stop(200);
  expect(new Set(seg.calls.flatMap((c) => c.batch.map((m) => m.messageId)))).toEqual(new Set(ids));
  expect(Math.max(...sizes)).toBeLessThanOrEqual(460 * 1024);
}, 15_000);
