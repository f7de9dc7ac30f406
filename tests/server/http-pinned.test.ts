/** Pinned by the mutation review of 2026-12-06: the collect server's limits on a chunked body, and a single call with only a userId. */
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { MAX_BATCH_BYTES, startCollectServer, type CollectServer } from '../../src/server/http';
import { openStore, type Store } from '../../src/server/store';
import { viewItem } from './helpers';

let store: Store;
let server: CollectServer;
beforeAll(async () => { store = openStore(':memory:'); server = await startCollectServer({ store, port: 0 }); });
afterAll(async () => { await server.close(); store.close(); });

/** POSTs `body` in chunks without a Content-Length (Transfer-Encoding: chunked). */
function chunked(path: string, body: string): Promise<{ status: number; text: string }> {
  return new Promise((ok, fail) => {
    const req = request(`${server.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => ok({ status: res.statusCode!, text }));
    });
    req.on('error', fail);
    for (let i = 0; i < body.length; i += 16384) req.write(body.slice(i, i + 16384));
    req.end();
  });
}

it('a chunked batch body a few hundred bytes over 500 KB is refused with 413, as one with a Content-Length is', async () => {
  const pad = 'x'.repeat(20_000);
  const batch: unknown[] = [];
  let body = '';
  while (Buffer.byteLength(body) <= MAX_BATCH_BYTES) {
    batch.push(viewItem({ properties: { item_id: 'p', note: pad } }));
    body = JSON.stringify({ batch });
  }
  // Trim to just over the limit: drop the last message's padding down to ~300 bytes over.
  const over = Buffer.byteLength(body) - MAX_BATCH_BYTES;
  const last = batch.at(-1) as { properties: { note: string } };
  last.properties.note = pad.slice(0, Math.max(0, pad.length - over + 300));
  body = JSON.stringify({ batch });
  expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_BATCH_BYTES);
  expect(Buffer.byteLength(body)).toBeLessThan(MAX_BATCH_BYTES + 1024);
  const r = await chunked('/v1/batch', body);
  expect(r.status).toBe(413);
});

it('POST /v1/track with a userId and no anonymousId is stored (Segment: one of the two is enough)', async () => {
  const m = viewItem({ userId: 'user-42' });
  delete m.anonymousId;
  const r = await chunked('/v1/track', JSON.stringify(m));
  expect(r.status).toBe(200);
  expect(store.db.prepare('SELECT user_id FROM events WHERE id = ?').pluck().get(m.messageId)).toBe('user-42');
});
