/**
 * docs/collect.md and docs/store.md against `measureplan collect`: the claims a review found the
 * server breaking (or a real deployment tripping over), each checked on the built CLI.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { slug } from '../../src/server/message';
import { PLAN, post, readStore, startCollect, tempStore, useCollect, viewItem } from './helpers';

const live = useCollect(['--allow-origin', 'https://Shop.Example:443/', '--quiet']);

/** One raw HTTP exchange (for what fetch will not send); resolves with the status line. */
function rawRequest(port: number, text: string | Buffer): Promise<string> {
  return new Promise((ok, fail) => {
    const s = connect(port, '127.0.0.1');
    let got = '';
    s.on('data', (c) => { got += c; if (got.includes('\r\n')) { s.destroy(); ok(got.split('\r\n')[0]!); } });
    s.on('error', (e) => (got ? ok(got.split('\r\n')[0]!) : fail(e)));
    s.on('close', () => ok(got.split('\r\n')[0] ?? ''));
    s.write(text);
  });
}

describe('answers (docs/collect.md: "404 … Another path")', () => {
  it('a request target that is no URL is a 404, not a 500 with a stack trace in the log', async () => {
    const line = await rawRequest(Number(new URL(live.server.url).port), 'GET http://[::1 HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(line).toBe('HTTP/1.1 404 Not Found');
    expect(live.server.output()).not.toMatch(/Warning|TypeError/);
  });
});

describe('limits count what arrives (docs/collect.md: gzip bodies, 500 KB per batch)', () => {
  it('a gzip body whose compressed bytes run past the limit is refused (413), not streamed in until the timeout', async () => {
    // Empty gzip members unzip to nothing: without a limit on the wire bytes, they never end.
    const empty = gzipSync(Buffer.alloc(0));
    const body = Buffer.concat(Array.from({ length: Math.ceil((600 * 1024) / empty.length) }, () => empty));
    const r = await post(`${live.server.url}/v1/batch`, body as unknown as string, { raw: true, headers: { 'Content-Encoding': 'gzip' } });
    expect(r).toMatchObject({ status: 413, body: { msg: 'Request size exceeds max limit' } });
  });

  it('a gzip request announcing a huge Content-Length is refused at once', async () => {
    const line = await rawRequest(Number(new URL(live.server.url).port), 'POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Length: 99999999999\r\n\r\n');
    expect(line).toBe('HTTP/1.1 413 Payload Too Large');
  });

  it('a gzipped batch just under 500 KB that compresses badly is still taken', async () => {
    // Random item names: gzip shrinks them little, so the compressed body is close to the limit itself.
    const batch = Array.from({ length: 170 }, () => viewItem({ properties: { item_id: 'x', item_name: Buffer.from(Array.from({ length: 1800 }, () => Math.floor(Math.random() * 256))).toString('base64').slice(0, 2400) } }));
    const json = JSON.stringify({ batch });
    expect(Buffer.byteLength(json)).toBeLessThan(500 * 1024);
    expect(gzipSync(json).length).toBeGreaterThan(250 * 1024);
    const r = await post(`${live.server.url}/v1/batch`, json, { raw: true, gzip: true });
    expect(r.status).toBe(200);
  });
});

describe('quarantine (docs/collect.md: "an event over 32 KB"; docs/store.md: raw is "the first 32 KB")', () => {
  it('keeps the first 32 KB in bytes of a quarantined message, also when its text is not ASCII', async () => {
    const m = viewItem({ properties: { item_id: 'x', note: 'ø'.repeat(20_000) } }); // 20,000 characters, 40,000 bytes
    expect((await post(`${live.server.url}/v1/batch`, { batch: [m] })).body).toMatchObject({ quarantined: 1 });
    const bytes = readStore(live.store.db, (d) => d.prepare('SELECT length(CAST(raw AS BLOB)) FROM quarantine WHERE message_id = ?').pluck().get(m.messageId)) as number;
    expect(bytes).toBeGreaterThan(32_000);
    expect(bytes).toBeLessThanOrEqual(32 * 1024);
  });

  it('an event over 32 KB once the batch-level context is merged in goes to quarantine: the store never holds larger ones', async () => {
    const batch = [viewItem(), viewItem()];
    const r = await post(`${live.server.url}/v1/batch`, { batch, context: { pad: 'p'.repeat(40 * 1024) } });
    expect(r.body).toMatchObject({ stored: 0, quarantined: 2 });
    expect(readStore(live.store.db, (d) => d.prepare('SELECT reason, path FROM quarantine WHERE message_id = ?').get(batch[0]!.messageId))).toEqual({
      reason: expect.stringMatching(/batch's context is larger than 32 KB/), path: 'context',
    });
    expect(live.count('SELECT count(*) FROM events_raw WHERE length(CAST(raw AS BLOB)) > 32768')).toBe(0);
  });

  it('a message whose messageId is stored already is a duplicate, not also quarantined ("once per messageId")', async () => {
    const m = viewItem();
    expect((await post(`${live.server.url}/v1/batch`, { batch: [m] })).body).toMatchObject({ stored: 1 });
    // The same id breaking the plan now (re-batched past the 2,500th, or a newer plan): a repeat.
    const again = await post(`${live.server.url}/v1/batch`, { batch: [{ ...m, event: 'no_such_conversion' }] });
    expect(again.body).toMatchObject({ stored: 0, duplicates: 1, quarantined: 0 });
    expect(live.count('SELECT count(*) FROM quarantine WHERE message_id = ?', m.messageId)).toBe(0);
  });
});

describe('quarantine keeps a message once (docs/collect.md: "kept once per messageId")', () => {
  it('a message nested too deeply to be encoded again is kept under its messageId, once, however often it is retried', async () => {
    const body = `{"batch":[{"type":"track","event":"view_item","anonymousId":"deep-a","messageId":"deep-once","properties":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}]}`;
    expect((await post(`${live.server.url}/v1/batch`, body, { raw: true })).body).toMatchObject({ quarantined: 1 });
    expect((await post(`${live.server.url}/v1/batch`, body, { raw: true })).body).toMatchObject({ quarantined: 0, duplicates: 1 });
    expect(readStore(live.store.db, (d) => d.prepare("SELECT message_id, anonymous_id, event, reason FROM quarantine WHERE message_id = 'deep-once' OR (message_id IS NULL AND reason LIKE '%read back%')").all())).toEqual([
      { message_id: 'deep-once', anonymous_id: 'deep-a', event: 'view_item', reason: 'the message is nested too deeply to be kept as JSON' },
    ]);
  });
});

describe('fuzzed envelopes (docs/collect.md: a 4xx or a 200, never a 500 for the client\'s body)', () => {
  it('a batch-level context nested too deeply puts its messages in quarantine instead of failing the request with 500', async () => {
    const id = `deep-context-${Date.now()}`;
    const body = `{"batch":[{"type":"track","event":"view_item","anonymousId":"a","messageId":"${id}","properties":{"item_id":"x"}}],"context":${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}}`;
    const r = await post(`${live.server.url}/v1/batch`, body, { raw: true });
    expect(r).toMatchObject({ status: 200, body: { stored: 0, quarantined: 1 } });
    expect(live.count('SELECT count(*) FROM quarantine WHERE message_id = ? AND path = ?', id, 'context')).toBe(1);
  });
});

describe('--allow-origin (docs/collect.md: "A site allowed to post from the browser")', () => {
  it('is matched as the browser writes the Origin: case and the default port do not matter', async () => {
    const r = await post(`${live.server.url}/v1/batch`, { batch: [viewItem()] }, { headers: { Origin: 'https://shop.example' } });
    expect(r.status).toBe(200);
    expect(r.headers.get('access-control-allow-origin')).toBe('https://shop.example');
  });
});

describe('the events table (docs/store.md: `event` is "the event\'s slug")', () => {
  it('keeps letters of every script, so distinct event names do not collapse into one', () => {
    expect(slug('Bestilling fullført')).toBe('bestilling_fullført');
    expect(slug('注文')).toBe('注文');
    expect(slug('購入')).not.toBe(slug('注文'));
    expect(slug('Order Completed')).toBe('order_completed');
    expect(slug('addToCart')).toBe('add_to_cart');
    expect(slug('Ærlig  Kjøp!')).toBe('ærlig_kjøp');
    expect(slug('!!!')).toBe('event');
  });
});

describe('SIGTERM with a relay post in flight (docs/collect.md: "stops the relay after its request in flight")', () => {
  async function target(delayMs: number) {
    const got: number[] = [];
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = '';
      req.on('data', (c) => { body += c; });
      req.on('end', () => {
        got.push((JSON.parse(body) as { batch: unknown[] }).batch.length);
        if (delayMs >= 0) setTimeout(() => res.writeHead(200).end('{"success":true}'), delayMs);
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => { server.closeAllConnections(); return new Promise((ok) => server.close(ok)); } };
  }
  const until = async (what: () => boolean, ms = 10_000) => {
    const end = Date.now() + ms;
    while (!what()) { if (Date.now() > end) throw new Error('timed out'); await new Promise((ok) => setTimeout(ok, 20)); }
  };

  it('waits for the answer, records how far the target got, and exits 0', async () => {
    const t = await target(1500);
    const s = tempStore();
    const c = await startCollect(['--db', s.db, '--plan', PLAN, '--forward', t.url, '--quiet'], { MEASUREPLAN_WRITE_KEY: 'k' });
    try {
      expect((await post(`${c.url}/v1/batch`, { batch: [viewItem(), viewItem()] })).body).toMatchObject({ stored: 2 });
      await until(() => t.got.length > 0);
      expect(await c.stop()).toBe(0);
      expect(readStore(s.db, (d) => d.prepare('SELECT delivered FROM relay_state').pluck().get())).toBe(2);
    } finally {
      await t.close();
      s.remove();
    }
  }, 30_000);

  it('a target that never answers does not hold the exit: the post is given up after 5 s, nothing is marked delivered', async () => {
    const t = await target(-1);
    const s = tempStore();
    const c = await startCollect(['--db', s.db, '--plan', PLAN, '--forward', t.url, '--quiet'], { MEASUREPLAN_WRITE_KEY: 'k' });
    try {
      await post(`${c.url}/v1/batch`, { batch: [viewItem()] });
      await until(() => t.got.length > 0);
      const at = Date.now();
      expect(await c.stop()).toBe(0);
      expect(Date.now() - at).toBeLessThan(9000);
      expect(readStore(s.db, (d) => d.prepare('SELECT delivered FROM relay_state').pluck().get())).toBe(0);
    } finally {
      await t.close();
      s.remove();
    }
  }, 30_000);
});
