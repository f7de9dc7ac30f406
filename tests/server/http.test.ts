/**
 * `measureplan collect` over HTTP, as a real process: every status-code path, Segment's limits,
 * CORS, beacon and gzip bodies, quarantine, exactly-once storage, and the drain on SIGTERM.
 */
import { request } from 'node:http';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLAN, post, readStore, startCollect, tempStore, useCollect, viewItem } from './helpers';

const SHOP = 'http://shop.test:4173';
const live = useCollect(['--allow-origin', SHOP]);
const count = live.count;

describe('storing', () => {
  it('stores a batch once per messageId: a retried batch adds nothing', async () => {
    const batch = [viewItem(), viewItem(), viewItem()];
    const first = await post(`${live.server.url}/v1/batch`, { batch, sentAt: new Date().toISOString() });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ok: true, stored: 3, duplicates: 0, quarantined: 0 });
    const again = await post(`${live.server.url}/v1/batch`, { batch, sentAt: new Date().toISOString() });
    expect(again.body).toMatchObject({ stored: 0, duplicates: 3 });
    for (const m of batch) expect(count('SELECT count(*) FROM events WHERE id = ?', m.messageId)).toBe(1);
  });

  it('a retried batch with a quarantined event counts its repeat as a duplicate, not as quarantined again', async () => {
    const bad = viewItem({ event: 'no_such_conversion' });
    const batch = [viewItem(), bad];
    const first = await post(`${live.server.url}/v1/batch`, { batch });
    expect(first.body).toMatchObject({ stored: 1, duplicates: 0, quarantined: 1 });
    const again = await post(`${live.server.url}/v1/batch`, { batch });
    expect(again.body).toMatchObject({ stored: 0, duplicates: 2, quarantined: 0 });
    expect(count('SELECT count(*) FROM quarantine WHERE message_id = ?', bad.messageId)).toBe(1);
  });

  it('flattens the message into warehouse columns and keeps it whole in raw', async () => {
    const m = viewItem({ userId: 'u-42' });
    await post(`${live.server.url}/v1/batch`, { batch: [m] });
    const row = readStore(live.store.db, (d) => d.prepare('SELECT e.*, r.raw FROM events e JOIN events_raw r USING (seq) WHERE id = ?').get(m.messageId)) as Record<string, unknown>;
    expect(row).toMatchObject({
      type: 'track', event: 'view_item', event_text: 'view_item', anonymous_id: m.anonymousId, user_id: 'u-42',
      context_page_path: '/product/tind-shell-jacket', context_measureplan_kind: 'micro', context_measureplan_session_id: 's1',
      context_measureplan_consent_ads: 'granted', context_measureplan_click_ids_gclid: 'g-1',
      value: 2499, currency: 'NOK', item_id: 'tind-shell-jacket', funnel: 'checkout', funnel_step: 1, funnel_steps: 4,
    });
    expect(JSON.parse(row.raw as string)).toEqual(m);
    expect(Date.parse(row.received_at as string)).toBeGreaterThan(Date.now() - 60_000);
  });

  it("corrects the client's clock: timestamp = received_at − (sentAt − original timestamp)", async () => {
    const original = new Date(Date.now() + 3_600_000); // a visitor whose clock is an hour fast
    const m = viewItem({ timestamp: original.toISOString() });
    await post(`${live.server.url}/v1/batch`, { batch: [m], sentAt: new Date(original.getTime() + 2000).toISOString() });
    const row = readStore(live.store.db, (d) => d.prepare('SELECT timestamp, original_timestamp, received_at FROM events WHERE id = ?').get(m.messageId)) as Record<string, string>;
    expect(row.original_timestamp).toBe(original.toISOString());
    expect(Date.parse(row.received_at!) - Date.parse(row.timestamp!)).toBe(2000);
  });

  it('a reader in another process, mid-read, does not block the writer (WAL)', async () => {
    const reader = new Database(live.store.db, { readonly: true });
    const rows = reader.prepare('SELECT id FROM events').iterate();
    rows.next(); // a read transaction stays open while the server writes
    try {
      const m = viewItem();
      const r = await post(`${live.server.url}/v1/batch`, { batch: [m] });
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ stored: 1 });
    } finally {
      rows.return?.();
      reader.close();
    }
  });

  it('takes the single calls, their type from the path', async () => {
    const track = viewItem();
    delete track.type;
    expect((await post(`${live.server.url}/v1/track`, track)).body).toMatchObject({ stored: 1 });
    const page = { messageId: `p-${Date.now()}`, anonymousId: 'anon-p', name: 'Home', properties: { path: '/' }, type: 'identify' };
    expect((await post(`${live.server.url}/v1/page`, page)).body).toMatchObject({ stored: 1 });
    const identify = { messageId: `i-${Date.now()}`, anonymousId: 'anon-p', userId: 'u-7', traits: { email: 'kari@example.no' } };
    expect((await post(`${live.server.url}/v1/identify`, identify)).body).toMatchObject({ stored: 1 });
    expect(readStore(live.store.db, (d) => d.prepare('SELECT type, email FROM events WHERE id IN (?, ?) ORDER BY seq').all(page.messageId, identify.messageId))).toEqual([
      { type: 'page', email: null }, { type: 'identify', email: 'kari@example.no' },
    ]);
  });

  it('reads the text/plain bodies sendBeacon sends, and gzip bodies', async () => {
    const beacon = viewItem();
    const r1 = await post(`${live.server.url}/v1/batch`, JSON.stringify({ batch: [beacon] }), { raw: true, headers: { 'Content-Type': 'text/plain;charset=UTF-8' } });
    expect(r1.body).toMatchObject({ stored: 1 });
    const zipped = viewItem();
    const r2 = await post(`${live.server.url}/v1/batch`, { batch: [zipped] }, { gzip: true });
    expect(r2.body).toMatchObject({ stored: 1 });
    expect(count('SELECT count(*) FROM events WHERE id IN (?, ?)', beacon.messageId, zipped.messageId)).toBe(2);
  });

  it('derives an id for a message without messageId, so its retry is still stored once', async () => {
    const m = viewItem();
    delete m.messageId;
    expect((await post(`${live.server.url}/v1/batch`, { batch: [m] })).body).toMatchObject({ stored: 1 });
    expect((await post(`${live.server.url}/v1/batch`, { batch: [m] })).body).toMatchObject({ stored: 0, duplicates: 1 });
  });
});

describe('quarantine: what breaks the plan is kept with its reason, the rest of the batch is stored', () => {
  it.each([
    ['an event the plan does not have', { event: 'order_done' }, /"order_done" is not a conversion in the plan/, 'event'],
    ['a property the plan does not allow', { properties: { item_id: 'x', colour: 'red' } }, /properties\.colour is not a property/, 'properties.colour'],
    ['a required property missing', { properties: { item_name: 'x' } }, /properties\.item_id is required/, 'properties.item_id'],
    ['a wrong type', { properties: { item_id: 42 } }, /properties\.item_id must be a text/, 'properties.item_id'],
    ['a bad currency', { properties: { item_id: 'x', currency: 'kroner' } }, /properties\.currency must match/, 'properties.currency'],
    ['neither anonymousId nor userId', { anonymousId: undefined }, /neither anonymousId nor userId/, 'anonymousId'],
    ['a messageId over 100 characters', { messageId: 'x'.repeat(101) }, /messageId must be a text of 1 to 100/, 'messageId'],
    ['an unknown type', { type: 'alias' }, /type "alias" is not collected here/, 'type'],
    ['a bad timestamp', { timestamp: 'yesterday' }, /timestamp is not an ISO-8601 date/, 'timestamp'],
    ['properties that are not an object', { properties: [1, 2] }, /properties must be an object/, 'properties'],
    ['an unknown journey signal', { event: 'scroll_depth', context: { measureplan: { kind: 'signal' } } }, /not a signal \(web_vital, experiment_viewed or consent_updated\)/, 'event'],
    ['a web vital with a wrong rating', { event: 'web_vital', properties: { metric_name: 'LCP', metric_value: 1200, metric_rating: 'fine' }, context: { measureplan: { kind: 'signal' } } }, /metric_rating must be good/, 'properties.metric_rating'],
  ])('%s', async (_, over, reason, path) => {
    const bad = viewItem(over);
    if ('anonymousId' in over) delete bad.anonymousId;
    const good = viewItem();
    const r = await post(`${live.server.url}/v1/batch`, { batch: [bad, good] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stored: 1, quarantined: 1 });
    const q = readStore(live.store.db, (d) => d.prepare('SELECT * FROM quarantine ORDER BY seq DESC LIMIT 1').get()) as Record<string, string>;
    expect(q.reason).toMatch(reason);
    expect(q.path).toBe(path);
    expect(q.raw).toContain('"type"');
  });

  it('accepts the journey signals (web_vital, experiment_viewed) beside the conversions', async () => {
    const vital = viewItem({ event: 'web_vital', properties: { metric_name: 'LCP', metric_value: 1830, metric_delta: 1830, metric_rating: 'good', metric_id: 'v5-1', navigation_type: 'navigate' }, context: { measureplan: { kind: 'signal' } } });
    const exposure = viewItem({ event: 'experiment_viewed', properties: { experiment_id: 'free_shipping_banner', variant_id: 'banner', exp_variant_string: 'measureplan-free_shipping_banner-banner' }, context: { measureplan: { kind: 'signal' } } });
    expect((await post(`${live.server.url}/v1/batch`, { batch: [vital, exposure] })).body).toMatchObject({ stored: 2 });
    expect(readStore(live.store.db, (d) => d.prepare('SELECT metric_name, metric_value, metric_rating, experiment_id, variant_id FROM events WHERE id IN (?, ?) ORDER BY seq').all(vital.messageId, exposure.messageId))).toEqual([
      { metric_name: 'LCP', metric_value: 1830, metric_rating: 'good', experiment_id: null, variant_id: null },
      { metric_name: null, metric_value: null, metric_rating: null, experiment_id: 'free_shipping_banner', variant_id: 'banner' },
    ]);
  });

  it("accepts consent_updated, an ads withdrawal, as the visitor's latest consent (US shop review 2026-12-07)", async () => {
    const withdrawal = viewItem({ event: 'consent_updated', properties: {}, context: { measureplan: { kind: 'signal', consent: { analytics: 'granted', ads: 'denied' } } } });
    expect((await post(`${live.server.url}/v1/batch`, { batch: [withdrawal] })).body).toMatchObject({ stored: 1 });
    expect(readStore(live.store.db, (d) => d.prepare('SELECT event, context_measureplan_consent_ads FROM events WHERE id = ?').get(withdrawal.messageId))).toEqual({ event: 'consent_updated', context_measureplan_consent_ads: 'denied' });
  });

  it('quarantines an event over 32 KB and the events past 2,500 in one batch (Segment limits)', async () => {
    const big = viewItem({ properties: { item_id: 'x', item_name: 'n'.repeat(33 * 1024) } });
    const r = await post(`${live.server.url}/v1/batch`, { batch: [big, viewItem()] });
    expect(r.body).toMatchObject({ stored: 1, quarantined: 1 });
    expect(count("SELECT count(*) FROM quarantine WHERE message_id = ? AND reason LIKE 'the event is larger than 32 KB%'", big.messageId)).toBe(1);
    const many = Array.from({ length: 2502 }, (_, i) => ({ type: 'page', messageId: `many-${Date.now()}-${i}`, anonymousId: 'a' }));
    const r2 = await post(`${live.server.url}/v1/batch`, { batch: many });
    expect(r2.status).toBe(200);
    expect(r2.body).toMatchObject({ stored: 2500, quarantined: 1 }); // the 2 past the 2,500th: one record (tests/server/collect-abuse.test.ts)
  });
});

describe('status codes for bad requests (RudderStack codes, {"msg"} bodies)', () => {
  it.each([
    ['an empty body', 400, '', 'Request body is nil'],
    ['broken JSON', 400, '{"batch": [', 'Invalid JSON'],
    ['a list instead of an object', 400, '[1, 2]', 'Invalid JSON: the body must be an object'],
    ['a batch that is not a list', 400, '{"batch": {"type": "track"}}', 'Invalid JSON: expected { "batch": [ … ] }'],
  ])('%s → %i', async (_, status, body, msg) => {
    const r = await post(`${live.server.url}/v1/batch`, body, { raw: true });
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ msg });
  });

  it('a body that starts with a UTF-8 byte-order mark is read like any other', async () => {
    const m = viewItem();
    const r = await post(`${live.server.url}/v1/batch`, '\uFEFF' + JSON.stringify({ batch: [m] }), { raw: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ stored: 1 });
    expect(count('SELECT count(*) FROM events WHERE id = ?', m.messageId)).toBe(1);
  });

  it('a single call without anonymousId or userId → 400', async () => {
    const r = await post(`${live.server.url}/v1/track`, { event: 'view_item', messageId: 'no-ids' });
    expect(r).toMatchObject({ status: 400, body: { msg: 'Request neither has anonymousId nor userId' } });
  });

  it('a batch over 500 KB and a single call over 32 KB → 413, also when gzipped', async () => {
    const batch = Array.from({ length: 700 }, () => viewItem({ properties: { item_id: 'x', item_name: 'n'.repeat(700) } }));
    expect((await post(`${live.server.url}/v1/batch`, { batch })).status).toBe(413);
    expect((await post(`${live.server.url}/v1/batch`, { batch }, { gzip: true })).body).toEqual({ msg: 'Request size exceeds max limit' });
    const single = viewItem({ properties: { item_id: 'x', item_name: 'n'.repeat(33 * 1024) } });
    expect((await post(`${live.server.url}/v1/track`, single)).status).toBe(413);
  });

  it('a gzip bomb is cut at the limit, not inflated in memory → 413', async () => {
    const bomb = `{"batch":[],"pad":"${' '.repeat(50 * 1024 * 1024)}"}`; // 50 MB of spaces, ~50 KB gzipped
    const r = await post(`${live.server.url}/v1/batch`, bomb, { raw: true, gzip: true });
    expect(r.status).toBe(413);
  });

  it('a broken gzip body → 400; an unknown encoding → 415', async () => {
    expect((await post(`${live.server.url}/v1/batch`, 'not gzip at all', { raw: true, headers: { 'Content-Encoding': 'gzip' } })).status).toBe(400);
    expect((await post(`${live.server.url}/v1/batch`, '{}', { raw: true, headers: { 'Content-Encoding': 'br' } })).status).toBe(415);
  });

  it('GET on an endpoint → 400 Invalid HTTP Request Method; an unknown path → 404', async () => {
    const get = await fetch(`${live.server.url}/v1/batch`);
    expect(get.status).toBe(400);
    expect(await get.json()).toEqual({ msg: 'Invalid HTTP Request Method' });
    expect(get.headers.get('allow')).toBe('POST, OPTIONS');
    expect((await post(`${live.server.url}/v2/batch`, { batch: [] })).status).toBe(404);
  });

  it('/health answers with the counts', async () => {
    const r = await fetch(`${live.server.url}/health`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { ok: boolean; events: number; quarantined: number };
    expect(body.ok).toBe(true);
    expect(body.events).toBe(count('SELECT count(*) FROM events'));
  });
});

describe('CORS: the configured origins only', () => {
  it('answers the preflight of an allowed origin, refuses others', async () => {
    const ok = await fetch(`${live.server.url}/v1/batch`, { method: 'OPTIONS', headers: { Origin: SHOP, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' } });
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(ok.headers.get('access-control-allow-methods')).toContain('POST');
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/Content-Type/);
    expect(ok.headers.get('vary')).toBe('Origin');
    const no = await fetch(`${live.server.url}/v1/batch`, { method: 'OPTIONS', headers: { Origin: 'https://evil.test', 'Access-Control-Request-Method': 'POST' } });
    expect(no.status).toBe(403);
    expect(no.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('stores a post from an allowed origin (with the header), refuses one from another origin', async () => {
    const m = viewItem();
    const ok = await post(`${live.server.url}/v1/batch`, { batch: [m] }, { headers: { Origin: SHOP } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(SHOP);
    const other = viewItem();
    const no = await post(`${live.server.url}/v1/batch`, { batch: [other] }, { headers: { Origin: 'https://evil.test' } });
    expect(no.status).toBe(403);
    expect(count('SELECT count(*) FROM events WHERE id IN (?, ?)', m.messageId, other.messageId)).toBe(1);
  });
});

describe('fuzzed bodies never crash the server', () => {
  const bodies: [string, string][] = [
    ['deeply nested arrays', `{"batch":${'['.repeat(100_000)}${']'.repeat(100_000)}}`],
    ['deeply nested objects in an event', `{"batch":[{"type":"track","event":"view_item","anonymousId":"a","messageId":"deep-1","properties":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}]}`],
    ['__proto__ keys everywhere', '{"__proto__":{"polluted":1},"batch":[{"__proto__":{"type":"track"},"type":"track","event":"view_item","anonymousId":"a","messageId":"proto-1","properties":{"__proto__":{"item_id":"x"},"item_id":"y"},"context":{"__proto__":{"x":1},"measureplan":{"__proto__":{"kind":"signal"}}}}]}'],
    ['__proto__ keys in the envelope and context', '{"__proto__":{"batch":[]},"batch":[{"__proto__":{"anonymousId":"b"},"type":"track","event":"view_item","anonymousId":"a","messageId":"proto-2","properties":{"item_id":"y"},"context":{"__proto__":{"page":{"path":"/x"}},"measureplan":{"__proto__":{"kind":"signal"}}}}]}'],
    ['constructor and prototype keys', '{"batch":[{"type":"track","event":"constructor","anonymousId":"a","messageId":"ctor-1","properties":{"constructor":{"prototype":{"x":1}}}}]}'],
    ['wrong types everywhere', '{"batch":[{"type":7,"event":[],"anonymousId":{},"messageId":true,"timestamp":{},"properties":"x","context":5}, null, 3, "text", [], {"type":"track","event":"view_item","anonymousId":null,"userId":12}]}'],
    ['numbers out of range', '{"batch":[{"type":"track","event":"view_item","anonymousId":"a","messageId":"num-1","timestamp":1e400,"properties":{"item_id":"x","value":1e400}}]}'],
    ['lone surrogates and control characters', '{"batch":[{"type":"track","event":"view_item","anonymousId":"\\ud800\\u0000","messageId":"sur-1","properties":{"item_id":"\\udfff"}}]}'],
    ['binary garbage', '\u0000\u00ff\u00fe{{{{'],
    ['sentAt of a wrong type', '{"batch":[],"sentAt":{"a":1},"context":[1]}'],
  ];
  it.each(bodies)('%s → a 4xx or a 200 with quarantine, and the server keeps serving', async (_, body) => {
    const r = await post(`${live.server.url}/v1/batch`, body, { raw: true });
    expect(r.status === 200 || (r.status >= 400 && r.status < 500)).toBe(true);
    const health = await fetch(`${live.server.url}/health`);
    expect(health.status).toBe(200);
  });

  it('a __proto__ key changes nothing: the real fields decide, nothing is polluted', async () => {
    // In properties it is a property the plan does not have: quarantined, like any other.
    expect(readStore(live.store.db, (d) => d.prepare("SELECT reason FROM quarantine WHERE message_id = 'proto-1'").pluck().get())).toMatch(/properties\.__proto__ is not a property/);
    // Elsewhere it is ignored: the message's own fields are stored, nothing inherited from it.
    const rows = readStore(live.store.db, (d) => d.prepare("SELECT anonymous_id, item_id, context_page_path, context_measureplan_kind FROM events WHERE id = 'proto-2'").all());
    expect(rows).toEqual([{ anonymous_id: 'a', item_id: 'y', context_page_path: null, context_measureplan_kind: null }]);
    expect(live.server.proc.exitCode).toBeNull();
    const m = viewItem();
    expect((await post(`${live.server.url}/v1/batch`, { batch: [m] })).body).toMatchObject({ stored: 1 });
  });

  it('random bytes and random JSON for a while', async () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const pieces = ['{', '}', '[', ']', '"type"', '"track"', '"batch"', ':', ',', '"__proto__"', 'null', '1e999', '"\\u0000"', 'true', '"messageId"', '"anonymousId"', '"a"'];
    for (let i = 0; i < 150; i++) {
      const body = Array.from({ length: 1 + Math.floor(rnd() * 40) }, () => pieces[Math.floor(rnd() * pieces.length)]).join('');
      const r = await post(`${live.server.url}/v1/batch`, body, { raw: true });
      expect(r.status, body).toBeLessThan(500);
    }
    expect((await fetch(`${live.server.url}/health`)).status).toBe(200);
  });
});

describe('SIGTERM drains the requests in flight', () => {
  it('answers a request that is still arriving, commits it, then exits 0', async () => {
    const s = tempStore();
    const c = await startCollect(['--db', s.db, '--plan', PLAN]);
    const m = viewItem();
    const body = JSON.stringify({ batch: [m] });
    const { port } = new URL(c.url);
    const answer = new Promise<{ status: number; text: string }>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/v1/batch', headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (ch) => { text += ch; });
        res.on('end', () => ok({ status: res.statusCode!, text }));
      });
      req.on('error', fail);
      req.write(body.slice(0, 20)); // half a request when the signal comes
      setTimeout(() => { c.proc.kill('SIGTERM'); setTimeout(() => req.end(body.slice(20)), 300); }, 200);
    });
    const reply = await answer;
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.text)).toMatchObject({ stored: 1 });
    expect(await c.exited).toBe(0);
    expect(readStore(s.db, (d) => d.prepare('SELECT count(*) FROM events WHERE id = ?').pluck().get(m.messageId))).toBe(1);
    expect(c.output()).toMatch(/SIGTERM: finishing the requests in flight/);
    s.remove();
  }, 30_000);
});
