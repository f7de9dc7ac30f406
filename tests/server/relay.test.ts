/**
 * The relay to a Segment-compatible endpoint: every stored event delivered, as stored, to
 * a fake endpoint that fails now and then and is restarted in between; the relay itself restarted
 * too; a refused event isolated and recorded, never dropped silently; a wrong key never skips.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { toOutcome } from '../../src/server/message';
import { exportPerson, forget } from '../../src/server/forget';
import { identify, page, store as kitStore } from './forget-kit';
import { batchUrl, startRelay } from '../../src/server/relay';
import { openStore, type Store } from '../../src/server/store';
import { openedStore, post, readStore, startCollect, tempStore, viewItem } from './helpers';

interface Received { auth: string | undefined; batch: Record<string, unknown>[] }

/** A Segment-like endpoint on a fixed port that can be stopped and started again. */
async function fakeSegment(answer: (batch: Record<string, unknown>[], n: number) => number | 'reset') {
  const received: Received[] = [];
  let server: Server | undefined;
  let port = 0;
  let n = 0;
  const start = async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        const batch = (JSON.parse(body) as { batch: Record<string, unknown>[] }).batch;
        const status = answer(batch, n++);
        if (status === 'reset') { req.socket.destroy(); return; }
        if (status === 200) received.push({ auth: req.headers.authorization, batch });
        res.writeHead(status, status === 429 ? { 'Retry-After': '0' } : {}).end(status === 200 ? '{"success":true}' : '{"msg":"no"}');
      });
    });
    await new Promise<void>((ok) => server!.listen(port, '127.0.0.1', ok));
    port = (server!.address() as AddressInfo).port;
  };
  await start();
  return {
    received,
    url: () => `http://127.0.0.1:${port}`,
    async restart(downMs: number) {
      server!.closeAllConnections();
      await new Promise((ok) => server!.close(ok));
      await new Promise((ok) => setTimeout(ok, downMs));
      await start();
    },
    close: () => { server!.closeAllConnections(); return new Promise((ok) => server!.close(ok)); },
  };
}

function fill(store: Store, n: number): string[] {
  const at = new Date().toISOString();
  const messages = Array.from({ length: n }, () => viewItem());
  store.write([messages.map((m, i) => toOutcome(m, {}, at, undefined, i))]);
  return messages.map((m) => m.messageId as string);
}

const until = async (what: () => boolean, ms = 20_000) => {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((ok) => setTimeout(ok, 20));
  }
};

const cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

describe('the relay (in process)', () => {
  it('delivers every stored event as stored through failures and restarts of both sides', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    let store = openStore(dir.db);
    const ids = fill(store, 1000);
    let seed = 3;
    const rnd = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const segment = await fakeSegment(() => { const r = rnd(); return r < 0.15 ? 500 : r < 0.25 ? 429 : r < 0.3 ? 'reset' : r < 0.35 ? 503 : 200; });
    cleanups.push(() => segment.close());
    const lines: string[] = [];
    let relay = startRelay({ store, url: segment.url(), writeKey: 'wk_test', batchSize: 50, minDelay: 10, maxDelay: 80, log: (l) => lines.push(l) });
    const unique = () => new Set(segment.received.flatMap((r) => r.batch.map((m) => m.messageId))).size;

    await until(() => unique() >= 300);
    await segment.restart(150); // the endpoint is down for a while
    await until(() => unique() >= 600);
    await relay.stop(); // and the relay's own process restarts
    store.close();
    store = openStore(dir.db);
    fill(store, 200).forEach((id) => ids.push(id)); // more events arrive meanwhile
    relay = startRelay({ store, url: segment.url(), writeKey: 'wk_test', batchSize: 50, minDelay: 10, maxDelay: 80, log: (l) => lines.push(l) });
    await until(() => unique() === ids.length);
    await relay.idle();
    const stats = relay.stats();
    await relay.stop();

    expect(stats).toMatchObject({ target: `${segment.url()}/v1/batch`, waiting: 0, rejected: 0 });
    // As stored: each delivered message is the stored raw JSON with the stored (corrected) time, sent now.
    const raw = new Map((readStore(dir.db, (d) => d.prepare('SELECT id, timestamp, raw FROM events JOIN events_raw USING (seq)').all()) as { id: string; timestamp: string; raw: string }[]).map((r) => [r.id, { ...JSON.parse(r.raw), timestamp: r.timestamp }]));
    for (const r of segment.received) for (const { sentAt, ...m } of r.batch) {
      expect(m).toEqual(raw.get(m.messageId as string));
      expect(typeof sentAt).toBe('string');
    }
    expect(new Set(segment.received.flatMap((r) => r.batch.map((m) => m.messageId)))).toEqual(new Set(ids));
    expect(segment.received.every((r) => r.auth === `Basic ${Buffer.from('wk_test:').toString('base64')}`)).toBe(true);
    expect(lines.some((l) => /failed \(/.test(l))).toBe(true);
    store.close();
  }, 60_000);

  it('goes on when another connection holds the store\'s write lock past the wait (retention, forget, a second process) (ops QA 2026-12-06)', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const store = openStore(dir.db);
    cleanups.push(() => store.close());
    store.db.pragma('busy_timeout = 50'); // the 5 s wait, made short for the test
    const ids = fill(store, 60);
    const segment = await fakeSegment(() => 200);
    cleanups.push(() => segment.close());
    const other = openStore(dir.db);
    cleanups.push(() => other.close());
    const lines: string[] = [];
    const relay = startRelay({ store, url: segment.url(), writeKey: 'wk', batchSize: 20, minDelay: 10, maxDelay: 50, log: (l) => lines.push(l) });
    // The other connection writes, and holds its lock while the relay's first batch is posted.
    other.db.exec('BEGIN IMMEDIATE');
    await until(() => segment.received.length >= 1);
    await until(() => relay.stats().failing);
    other.db.exec('COMMIT');
    const unique = () => new Set(segment.received.flatMap((r) => r.batch.map((m) => m.messageId))).size;
    await until(() => unique() === ids.length);
    await relay.idle();
    expect(relay.stats()).toMatchObject({ waiting: 0, failing: false });
    await relay.stop();
    expect(lines.some((l) => /the store is busy/.test(l))).toBe(true);
    expect(lines.some((l) => /stopped by an unexpected error/.test(l))).toBe(false);
  });

  it('stops at once when stopped with a batch in flight whose record finds the store busy (second read 2026-12-06)', async () => {
    const store = openedStore(cleanups);
    store.db.pragma('busy_timeout = 50');
    const other = openStore(store.db.name);
    cleanups.push(() => other.close());
    fill(store, 3);
    let calls = 0;
    let stopping: Promise<void> | undefined;
    let stopAt = 0;
    let released: Promise<void> | undefined;
    const relay = startRelay({ store, url: 'http://127.0.0.1:9/', writeKey: 'wk', minDelay: 2000, maxDelay: 60_000,
      fetch: (async () => {
        if (++calls === 1) return new Response('{}', { status: 503 }); // a failure first: the next backoff is ~4 s
        other.db.exec('BEGIN IMMEDIATE');
        released = new Promise<void>((ok) => setTimeout(() => { other.db.exec('COMMIT'); ok(); }, 300));
        stopAt = Date.now();
        stopping = relay.stop(500); // Ctrl-C while this request is in flight
        return new Response('{"success":true}', { status: 200 });
      }) as typeof fetch });
    await until(() => stopping !== undefined, 30_000);
    await stopping;
    expect(Date.now() - stopAt).toBeLessThan(1500); // not a whole backoff: the batch goes again at the next start
    await released; // the other connection lets go before the stores are closed
  }, 30_000);

  it('is not left "failing" after recording a refused event once the store was busy (third read 2026-12-06)', async () => {
    const store = openedStore(cleanups);
    store.db.pragma('busy_timeout = 50');
    const other = openStore(store.db.name);
    cleanups.push(() => other.close());
    const [refused] = fill(store, 1);
    const delivered: string[] = [];
    let refusals = 0;
    const relay = startRelay({ store, url: 'http://127.0.0.1:9/', writeKey: 'wk', minDelay: 100, maxDelay: 60_000,
      fetch: (async (_url: string, init: RequestInit) => {
        const ids = (JSON.parse(String(init.body)) as { batch: { messageId: string }[] }).batch.map((m) => m.messageId);
        if (!ids.includes(refused!)) { delivered.push(...ids); return new Response('{"success":true}', { status: 200 }); }
        // The first refusal's record finds another connection writing (retention, forget).
        if (++refusals === 1) { other.db.exec('BEGIN IMMEDIATE'); setTimeout(() => other.db.exec('COMMIT'), 150); }
        return new Response('{"msg":"bad"}', { status: 400 });
      }) as typeof fetch });
    await until(() => relay.stats().rejected === 1);
    await new Promise((ok) => setTimeout(ok, 50)); // the relay finds nothing more and waits
    expect(relay.stats()).toMatchObject({ waiting: 0, rejected: 1, failing: false });
    // A new event is delivered when the server says so, not at the end of a backoff.
    const [late] = fill(store, 1);
    const woken = Date.now();
    relay.wake();
    await until(() => delivered.includes(late!), 4000);
    expect(Date.now() - woken).toBeLessThan(2000);
    await relay.stop();
  });

  it('isolates an event the endpoint refuses (400) by halving the batch, records it, delivers the rest', async () => {
    const store = openedStore(cleanups);
    const ids = fill(store, 40);
    const poison = ids[17]!;
    const segment = await fakeSegment((batch) => (batch.some((m) => m.messageId === poison) ? 400 : 200));
    cleanups.push(() => segment.close());
    const relay = startRelay({ store, url: `${segment.url()}/v1/batch`, writeKey: 'k', batchSize: 40, minDelay: 10, maxDelay: 50 });
    await relay.idle();
    await relay.stop();
    const delivered = segment.received.flatMap((r) => r.batch.map((m) => m.messageId));
    expect(new Set(delivered)).toEqual(new Set(ids.filter((id) => id !== poison)));
    expect(readStore(store.file, (d) => d.prepare('SELECT message_id, status, reason FROM relay_rejected').all())).toEqual([
      { message_id: poison, status: 400, reason: '400 {"msg":"no"}' },
    ]);
    expect(relay.stats()).toMatchObject({ waiting: 0, rejected: 1 });
  }, 30_000);

  it('never writes a key given in the --forward URL to the log, nor to what forget and export report (Node wing QA 2026-12-07)', async () => {
    const { s: store, write } = kitStore();
    write([identify('k1', 'user-kari-1', { email: 'kari@example.com' }), ...Array.from({ length: 9 }, () => page('k1'))]);
    const poison = 'p4';
    // Down once (a "failed" line), then up (an "answers again" line), refusing one event (a "refused" line).
    const segment = await fakeSegment((batch, n) => (n === 0 ? 500 : batch.some((m) => m.messageId === poison) ? 400 : 200));
    cleanups.push(() => segment.close());
    const lines: string[] = [];
    const relay = startRelay({ store, url: `${segment.url()}/v1/batch?api_key=RELAYSECRET`, writeKey: 'k', batchSize: 10, minDelay: 10, maxDelay: 50, log: (l) => lines.push(l) });
    await relay.idle();
    await relay.stop();
    expect(segment.received.flatMap((r) => r.batch)).toHaveLength(9);
    expect(lines.join('\n')).toMatch(/failed[\s\S]*answers again[\s\S]*refused event p4/);
    expect(lines.join('\n')).not.toContain('RELAYSECRET');
    expect(lines.join('\n')).toContain('/v1/batch?api_key=…');
    // The person's events delivered there: the target named without the key, to the shop and to the person.
    const exported = JSON.stringify(exportPerson(store.db, { emails: ['kari@example.com'] }).forwarded);
    const erased = JSON.stringify(forget(store.db, { emails: ['kari@example.com'] }).forwarded);
    for (const told of [exported, erased]) expect(told).toMatch(/^\[\{"target":"http:\/\/127\.0\.0\.1:\d+\/v1\/batch\?api_key=…","events":9\}\]$/);
  }, 30_000);

  it('finds a refused event in about log2(batch) requests: a good half does not re-split the same batch from the top', async () => {
    const store = openedStore(cleanups);
    const ids = fill(store, 512);
    const poison = ids[255]!; // the last of the first batch: every good half comes before it, more events after it
    const sizes: number[] = [];
    const segment = await fakeSegment((batch) => { sizes.push(batch.length); return batch.some((m) => m.messageId === poison) ? 400 : 200; });
    cleanups.push(() => segment.close());
    const relay = startRelay({ store, url: `${segment.url()}/v1/batch`, writeKey: 'k', batchSize: 256, minDelay: 10, maxDelay: 50 });
    await relay.idle();
    await relay.stop();
    // 256 refused, then 128 good + 128 refused, 64 + 64, … 1 good + 1 refused, then the next 256:
    // 18 requests. Before, each good half went back to 256 and split again from there.
    expect(sizes).toEqual([256, 128, 128, 64, 64, 32, 32, 16, 16, 8, 8, 4, 4, 2, 2, 1, 1, 256]);
    expect(new Set(segment.received.flatMap((r) => r.batch.map((m) => m.messageId)))).toEqual(new Set(ids.filter((id) => id !== poison)));
    expect(relay.stats()).toMatchObject({ waiting: 0, rejected: 1 });
  }, 30_000);

    it('an erasure while a batch is on its way (measureplan forget): the events stored next, numbered again from the last seq kept, are still delivered', async () => {
    const store = openedStore(cleanups);
    const at = new Date().toISOString();
    const write = (anonymousIds: string[]) => {
      const ms = anonymousIds.map((anonymousId) => viewItem({ anonymousId }));
      store.write([ms.map((m) => toOutcome(m, {}, at, undefined))]);
      return ms.map((m) => m.messageId as string);
    };
    const first = write(['other', 'victim', 'victim']); // seq 1, 2, 3
    // 1st batch (seq 1-3): the victim's events are erased while it is on its way.
    let onPost: (() => void) | undefined = () => { forget(store.db, { anonymousIds: ['victim'] }); };
    const segment = await fakeSegment(() => { onPost?.(); onPost = undefined; return 200; });
    cleanups.push(() => segment.close());
    const relay = startRelay({ store, url: `${segment.url()}/v1/batch`, writeKey: 'k', batchSize: 3, minDelay: 10, maxDelay: 50 });
    await relay.idle();
    const later = write(['next-1', 'next-2']); // SQLite numbers them 2 and 3 again
    expect(store.db.prepare('SELECT seq FROM events ORDER BY seq').pluck().all()).toEqual([1, 2, 3]);
    relay.wake();
    await relay.idle();
    // 2nd case: the relay is past the erased events (position 3) and a batch is on its way when
    // forget erases everything after seq 1 and moves the position back to 1.
    const more = write(['victim-2', 'victim-2']); // seq 4, 5
    onPost = () => { forget(store.db, { anonymousIds: ['victim-2', 'next-1', 'next-2'] }); };
    relay.wake();
    await relay.idle();
    const last = write(['after']); // seq 2 again
    relay.wake();
    await relay.idle();
    await relay.stop();
    const delivered = segment.received.flatMap((r) => r.batch.map((m) => m.messageId));
    expect(delivered).toEqual([...first, ...later, ...more, ...last]);
    expect(store.db.prepare('SELECT position FROM relay_state').pluck().get()).toBe(2);
  }, 30_000);

    it('never skips events when the key is refused (401): it keeps retrying and says what to check', async () => {
    const store = openedStore(cleanups);
    fill(store, 5);
    const segment = await fakeSegment(() => 401);
    cleanups.push(() => segment.close());
    const lines: string[] = [];
    const relay = startRelay({ store, url: segment.url(), writeKey: 'wrong', minDelay: 10, maxDelay: 20, log: (l) => lines.push(l) });
    await until(() => lines.length > 0);
    await new Promise((ok) => setTimeout(ok, 100));
    await relay.stop();
    expect(relay.stats()).toMatchObject({ delivered: 0, waiting: 5, failing: true });
    expect(lines[0]).toMatch(/failed \(401.*check --write-key/);
  });

  it('appends /v1/batch to a base URL and keeps a full one', () => {
    expect(batchUrl('https://api.segment.io')).toBe('https://api.segment.io/v1/batch');
    expect(batchUrl('https://dp.example.com/')).toBe('https://dp.example.com/v1/batch');
    expect(batchUrl('https://dp.example.com/v1/batch')).toBe('https://dp.example.com/v1/batch');
  });
});

describe('measureplan collect --forward (a real process)', () => {
  it('relays what it stores, and after a restart goes on from where it was', async () => {
    const dir = tempStore();
    cleanups.push(() => dir.remove());
    const segment = await fakeSegment((_, n) => (n === 1 ? 503 : 200));
    cleanups.push(() => segment.close());
    const args = ['--db', dir.db, '--forward', segment.url(), '--write-key', 'wk_live'];
    let c = await startCollect(args);
    const first = [viewItem(), viewItem()];
    await post(`${c.url}/v1/batch`, { batch: first });
    expect(c.output()).toMatch(/relay {6}http:\/\/127\.0\.0\.1:\d+\/v1\/batch/);
    await until(() => segment.received.length >= 1);
    expect(await c.stop()).toBe(0);
    c = await startCollect(args);
    const second = [viewItem()];
    await post(`${c.url}/v1/batch`, { batch: second });
    await until(() => segment.received.flatMap((r) => r.batch).length >= 3, 30_000);
    expect(await c.stop()).toBe(0);
    const delivered = segment.received.flatMap((r) => r.batch.map((m) => m.messageId));
    expect(delivered.sort()).toEqual([...first, ...second].map((m) => m.messageId).sort());
  }, 60_000);
});
