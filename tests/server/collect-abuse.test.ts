/**
 * QA security findings F3 and F4: what one anonymous client can make the collect server do.
 *
 * F3: one request's work and rows are bounded. A 499 KB body of 84,999 numbers used to add 84,999
 * quarantine rows (16.6 MB of write-ahead log) and hold the server 1–2 s; the items after the
 * 2,500th, and the items that are not objects, are now one record each per batch.
 *
 * F4: what a browser sends (event names, messageIds) is printed on the server's console and in its
 * logs with control characters written out: no screen clearing, no new title, no forged line.
 */
import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { collect } from '../../src/cli/collect';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { toOutcome } from '../../src/server/message';
import { startRelay } from '../../src/server/relay';
import { openStore } from '../../src/server/store';
import { startWebhook } from '../../src/server/webhook';
import { PLAN, post, readStore, tempStore, useCollect, viewItem } from './helpers';

/** Control characters other than the newline that ends each printed line. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** The finding's event name: clears the screen, sets the window title, then forges a green progress line. */
const HOSTILE = 'x\x1b[2J\x1b[H\x1b]0;owned\x07\n07:41:12  +0 stored \x1b[32mall good\x1b[0m';
const FORGED = /^\d\d:\d\d:\d\d {2}\+0 stored .*all good/m;

describe('F3: one request adds a bounded number of rows, whatever its batch holds', () => {
  const live = useCollect([]);
  const rows = () => live.count('SELECT count(*) FROM quarantine');

  it('84,999 numbers in one 499 KB batch: two quarantine records (not 84,999), each under 32 KB; the retry adds nothing', async () => {
    const body = JSON.stringify({ batch: Array.from({ length: 84_999 }, (_, i) => i + 1) });
    expect(body.length).toBeLessThan(500 * 1024);
    const before = rows();
    const r = await post(`${live.server.url}/v1/batch`, body, { raw: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, stored: 0, duplicates: 0, quarantined: 2 });
    expect(rows() - before).toBe(2);
    const kept = readStore(live.store.db, (d) => d.prepare('SELECT message_id, path, reason, length(CAST(raw AS BLOB)) AS bytes FROM quarantine ORDER BY seq DESC LIMIT 2').all()) as { message_id: string; path: string; reason: string; bytes: number }[];
    expect(kept.map((k) => k.reason).sort()).toEqual([
      '2,500 items of the batch are not messages (a message must be an object, not a number); they are kept as one record',
      "the batch has 84,999 items, more than 2,500 (Segment's limit): the 82,499 after the 2,500th are kept as one record, not stored; send smaller batches",
    ]);
    for (const k of kept) {
      expect(k.message_id).toMatch(/^sha256-[0-9a-f]{40}$/);
      expect(k.bytes).toBeLessThanOrEqual(32 * 1024);
    }
    expect(kept.map((k) => k.path).sort()).toEqual(['batch[0]', 'batch[2500]']);
    // The client's retry of the same body: both records are repeats.
    expect((await post(`${live.server.url}/v1/batch`, body, { raw: true })).body).toMatchObject({ stored: 0, duplicates: 2, quarantined: 0 });
    expect(rows() - before).toBe(2);
  });

  it("a batch-level context copied into 2,500 messages stores one bounded record, not 80 MB (security review 2026-12-06)", async () => {
    const page = (i: number) => ({ type: 'page', messageId: `amp-${i}`, anonymousId: 'v-amp', timestamp: '2026-12-06T10:00:00.000Z' });
    const body = JSON.stringify({ context: { pad: 'x'.repeat(31_000) }, batch: Array.from({ length: 2_500 }, (_, i) => page(i)) });
    const bytes = () => live.count("SELECT coalesce(sum(length(CAST(raw AS BLOB))), 0) FROM events_raw") + live.count('SELECT coalesce(sum(length(CAST(raw AS BLOB))), 0) FROM quarantine');
    const before = bytes();
    const r = await post(`${live.server.url}/v1/batch`, body, { raw: true, gzip: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stored: 0, quarantined: 1 });
    expect(bytes() - before).toBeLessThanOrEqual(32 * 1024);
    const [reason] = readStore(live.store.db, (d) => d.prepare('SELECT reason FROM quarantine ORDER BY seq DESC LIMIT 1').pluck().all()) as string[];
    expect(reason).toMatch(/^the batch's context, copied into each of its 2,500 messages, would store 7\d\.\d MB \(at most 1 MB\)/);
    // An ordinary shared context (a library and a locale) still goes into each message.
    const small = JSON.stringify({ context: { library: { name: 'x', version: '1' }, locale: 'nb-NO' }, batch: Array.from({ length: 100 }, (_, i) => ({ ...page(i), messageId: `ok-${i}` })) });
    expect((await post(`${live.server.url}/v1/batch`, small, { raw: true })).body).toMatchObject({ stored: 100, quarantined: 0 });
  });

  it('an event id taken first by another visitor: the real event is kept in quarantine with the reason, not dropped as a retry (security review 2026-12-06)', async () => {
    // A page message stands in for the order: no plan check, the same id rule.
    const purchase = (visitor: string, value: number) => JSON.stringify({ batch: [{ type: 'page', messageId: 'purchase:A-1002', anonymousId: visitor, timestamp: '2026-12-06T10:00:00.000Z', properties: { value } }] });
    expect((await post(`${live.server.url}/v1/batch`, purchase('attacker', 0), { raw: true })).body).toMatchObject({ stored: 1 });
    expect((await post(`${live.server.url}/v1/batch`, purchase('customer', 4999), { raw: true })).body).toMatchObject({ stored: 0, duplicates: 0, quarantined: 1 });
    const [kept] = readStore(live.store.db, (d) => d.prepare("SELECT anonymous_id, reason, raw FROM quarantine WHERE path = 'messageId'").all()) as { anonymous_id: string; reason: string; raw: string }[];
    expect(kept).toMatchObject({ anonymous_id: 'customer', reason: expect.stringMatching(/^an event with this messageId is stored already, from another visitor/) });
    expect(JSON.parse(kept!.raw).properties.value).toBe(4999);
    // The customer's own retry is a duplicate, as is the first visitor's.
    expect((await post(`${live.server.url}/v1/batch`, purchase('customer', 4999), { raw: true })).body).toMatchObject({ stored: 0, duplicates: 1, quarantined: 0 });
    expect((await post(`${live.server.url}/v1/batch`, purchase('attacker', 0), { raw: true })).body).toMatchObject({ stored: 0, duplicates: 1, quarantined: 0 });
  });

  it('the same body gzipped (about 200 KB on the wire) is bounded the same way', async () => {
    const body = JSON.stringify({ batch: Array.from({ length: 84_000 }, (_, i) => i + 2) });
    const before = rows();
    const r = await post(`${live.server.url}/v1/batch`, body, { raw: true, gzip: true });
    expect(r.body).toMatchObject({ stored: 0, quarantined: 2 });
    expect(rows() - before).toBe(2);
  });

  it('2,600 messages: the first 2,500 are stored, the 100 after them are one record, and none of them is stored', async () => {
    const tag = `many-${Date.now()}`;
    const many = Array.from({ length: 2600 }, (_, i) => ({ type: 'page', messageId: `${tag}-${i}`, anonymousId: 'a' }));
    const before = rows();
    const r = await post(`${live.server.url}/v1/batch`, { batch: many });
    expect(r.body).toMatchObject({ stored: 2500, duplicates: 0, quarantined: 1 });
    expect(rows() - before).toBe(1);
    expect(live.count('SELECT count(*) FROM events WHERE id LIKE ?', `${tag}-%`)).toBe(2500);
    expect(live.count('SELECT count(*) FROM events WHERE id = ?', `${tag}-2500`)).toBe(0);
    expect(live.count("SELECT count(*) FROM quarantine WHERE reason LIKE 'the batch has 2,600 items, more than 2,500%the 100 after the 2,500th%' AND path = 'batch[2500]'")).toBe(1);
    // The retry: 2,500 repeats and the record once.
    expect((await post(`${live.server.url}/v1/batch`, { batch: many })).body).toMatchObject({ stored: 0, duplicates: 2501, quarantined: 0 });
    // Sent again in smaller batches, the rest is stored.
    expect((await post(`${live.server.url}/v1/batch`, { batch: many.slice(2500) })).body).toMatchObject({ stored: 100 });
  });

  it('good messages among items that are not objects are stored; the bad message keeps its own row, the other items share one', async () => {
    const good = [viewItem(), viewItem()];
    const bad = viewItem({ event: 'no_such_conversion' });
    const batch = [1, good[0], 'text', null, bad, [1, 2], good[1], true];
    const before = rows();
    const r = await post(`${live.server.url}/v1/batch`, { batch });
    expect(r.body).toMatchObject({ stored: 2, duplicates: 0, quarantined: 2 });
    expect(rows() - before).toBe(2);
    for (const m of good) expect(live.count('SELECT count(*) FROM events WHERE id = ?', m.messageId)).toBe(1);
    expect(live.count('SELECT count(*) FROM quarantine WHERE message_id = ?', bad.messageId)).toBe(1);
    expect(readStore(live.store.db, (d) => d.prepare('SELECT path, reason, raw FROM quarantine ORDER BY seq DESC LIMIT 1').get())).toEqual({
      path: 'batch[0]',
      reason: '5 items of the batch are not messages (a message must be an object, not a number, a string, null, a list, a boolean); they are kept as one record',
      raw: '[1,"text",null,[1,2],true]',
    });
    expect((await post(`${live.server.url}/v1/batch`, { batch })).body).toMatchObject({ stored: 0, duplicates: 4, quarantined: 0 });
    expect(rows() - before).toBe(2);
  });

  it('a single item that is not an object is kept on its own, as the docs show', async () => {
    const item = `lonely-${Math.random()}`;
    expect((await post(`${live.server.url}/v1/batch`, { batch: [item, viewItem()] })).body).toMatchObject({ stored: 1, quarantined: 1 });
    expect(readStore(live.store.db, (d) => d.prepare('SELECT reason, raw FROM quarantine WHERE raw = ?').get(JSON.stringify(item)))).toEqual({ reason: 'a message must be an object, not a string', raw: JSON.stringify(item) });
  });

  it('lists nested too deeply to encode again share one record, cut at a depth, and answer 200', async () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;
    const body = `{"batch":[${deep(50_000)},${deep(60_000)},7]}`;
    const before = rows();
    const r = await post(`${live.server.url}/v1/batch`, body, { raw: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ quarantined: 1 });
    expect(rows() - before).toBe(1);
    expect((await post(`${live.server.url}/v1/batch`, body, { raw: true })).body).toMatchObject({ quarantined: 0, duplicates: 1 });
  });
});

describe('F4: what a browser sends is printed with its control characters written out', () => {
  afterEach(() => { vi.useRealTimers(); });

  it('collect: the quarantine lines (event name and reason) and the refused requests forge nothing', async () => {
    // Only the 10-second progress timer is faked; the server, the store and fetch run for real.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const dir = tempStore();
    let out = '';
    const io = { out: { write: (s: string) => { out += s; } }, err: { write: (s: string) => { out += s; } } };
    const signals = new EventEmitter();
    const done = collect(['--port', '0', '--db', dir.db, '--plan', PLAN, '--no-color'], io, signals);
    try {
      const end = Date.now() + 15_000;
      while (!/ {2}endpoints {2}/.test(out) && Date.now() < end) await new Promise((ok) => setTimeout(ok, 20));
      const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;

      const r = await post(`${url}/v1/batch`, { batch: [viewItem({ event: HOSTILE, messageId: `id-\x1b[31m-${Math.random()}` })] });
      expect(r.body).toMatchObject({ quarantined: 1 });
      // A refused request quotes its Origin: Node lets bytes 0x80–0xFF through (here 0x9B, an 8-bit CSI).
      const status = await new Promise<number>((ok, fail) => {
        const req = request(`${url}/v1/batch`, { method: 'POST', headers: { Origin: 'http://evil.test\x9b2J' } }, (res) => { res.resume(); ok(res.statusCode!); });
        req.on('error', fail);
        req.end('{"batch":[]}');
      });
      expect(status).toBe(403);
      vi.advanceTimersByTime(10_000); // the progress line and the newest quarantine reasons

      expect(out).toContain('quarantined x\\x1b[2J\\x1b[H\\x1b]0;owned\\x07\\x0a07:41:12  +0 stored \\x1b[32mall good\\x1b[0m: "x\\x1b[2J');
      // (Node's client sends the character as UTF-8, C2 9B; the server reads header bytes as Latin-1: Â and U+009B.)
      expect(out).toMatch(/refused a request: 403 Origin not allowed: http:\/\/evil\.test\u00c2?\\x9b2J/);
      expect(out).not.toMatch(CONTROL);
      expect(out).not.toMatch(FORGED);
    } finally {
      signals.emit('SIGTERM');
      expect(await done).toBe(0);
      dir.remove();
    }
  }, 30_000);

  it('relay: a refused event is logged with its messageId and the target\'s answer written out', async () => {
    const dir = tempStore();
    const store = openStore(dir.db);
    store.write([[toOutcome(viewItem({ messageId: `r-${HOSTILE}`.slice(0, 100) }), {}, new Date().toISOString(), undefined)]]);
    const lines: string[] = [];
    const fetch = (async () => new Response('{"msg":"no \x1b]0;title\x07 \u2028 \x9b31m"}', { status: 400 })) as typeof globalThis.fetch;
    const relay = startRelay({ store, url: 'http://segment.test', writeKey: 'wk', fetch, minDelay: 1, maxDelay: 5, log: (l) => lines.push(l) });
    await relay.idle();
    await relay.stop();
    store.close();
    dir.remove();
    const refused = lines.find((l) => l.includes('refused event'))!;
    expect(refused).toContain('refused event r-x\\x1b[2J\\x1b[H\\x1b]0;owned\\x07\\x0a07:41:12');
    expect(refused).toContain('no \\x1b]0;title\\x07 \\u2028 \\x9b31m');
    for (const l of lines) expect(l).not.toMatch(CONTROL);
  });

  it('webhook: a refused hand-off is logged with its id (the browser\'s anonymous id) and the answer written out', async () => {
    const plan = (parsePlan(readFileSync(PLAN, 'utf8')) as { plan: Plan }).plan;
    const dir = tempStore();
    const store = openStore(dir.db);
    const T = Date.UTC(2026, 11, 1, 12);
    const visitor = `v\x1b[2J\n07:41:12  +0 stored \x1b[32mall good`;
    store.write([[
      { type: 'identify', anonymousId: visitor, userId: 'u-1', messageId: 'wi-1', timestamp: new Date(T - 5 * 3_600_000).toISOString(), traits: { email: 'kari@example.no' } },
      { type: 'track', event: 'add_to_cart', anonymousId: visitor, messageId: 'wa-1', timestamp: new Date(T - 3 * 3_600_000).toISOString(), properties: { item_id: 'tind-shell-jacket', item_name: 'Tind', value: 2499, currency: 'NOK' }, context: { measureplan: { kind: 'micro' } } },
    ].map((m) => toOutcome(m, {}, new Date(T).toISOString(), plan))]);
    const lines: string[] = [];
    const fetch = (async () => new Response('bad \x1b[2J\u2029 end', { status: 422 })) as typeof globalThis.fetch;
    const hook = startWebhook({ store, plan, url: 'http://mail.test/hook', everyMs: 20, fetch, now: () => T, log: (l) => lines.push(l) });
    const end = Date.now() + 10_000;
    while (!lines.some((l) => l.includes(' refused ')) && Date.now() < end) await new Promise((ok) => setTimeout(ok, 20));
    await hook.stop();
    store.close();
    dir.remove();
    const refused = lines.find((l) => l.includes(' refused '))!;
    expect(refused).toContain('refused cart:v\\x1b[2J\\x0a07:41:12  +0 stored \\x1b[32mall good:');
    expect(refused).toContain('(422 bad \\x1b[2J\\u2029 end)');
    for (const l of lines) expect(l).not.toMatch(CONTROL);
  });
});
