/**
 * An order the shop's export lists that the site also tracked online (the browser sent it to Meta
 * as `purchase:FS-1001`): the upload had event_id "FS-1001", which Meta does not merge with the
 * browser's, so it counted the order twice (once QA 2026-12-06). With the store, the upload takes
 * the browser's id: Meta merges the two if it got the browser's, and counts the upload once if it
 * did not (ads denied, or the conversion not sent to Meta), so nothing is skipped.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { offline } from '../../src/cli/offline';
import type { IO } from '../../src/cli/io';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const T = Date.UTC(2026, 2, 1, 12, 0);
const iso = (t: number) => new Date(t).toISOString();
let dir: string;
let db: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'measureplan-online-'));
  db = join(dir, 'measureplan.db');
  const store = openStore(db);
  const context = { measureplan: { kind: 'macro', session_id: 's-1', click_ids: { fbclid: 'IwAR-online' }, consent: { analytics: 'granted', ads: 'granted' } } };
  store.write([[
    { type: 'track', event: 'purchase', messageId: 'purchase:FS-1001', anonymousId: 'anon-1', timestamp: iso(T - 3_600_000), properties: { transaction_id: 'FS-1001', value: 2499, currency: 'NOK' }, context },
    { type: 'track', event: 'view_item', messageId: 'v-1', anonymousId: 'anon-2', timestamp: iso(T - 7_200_000), properties: { item_id: 'x' }, context: { ...context, measureplan: { ...context.measureplan, kind: 'micro', click_ids: { fbclid: 'IwAR-phone' } } } },
  ].map((m) => toOutcome(m, {}, iso(T), undefined))]);
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it("gives an order tracked online the browser's event id, and the phone order beside it its order number", async () => {
  const orders = join(dir, 'orders.csv');
  writeFileSync(orders, `order_id,time,value,currency,visitor_id\nFS-1001,2026-03-01T11:00:00Z,2499,NOK,anon-1\nTEL-7,2026-03-01T11:30:00Z,899,NOK,anon-2\n`);
  let out = '';
  const io: IO = { out: { write: (s: string) => { out += s; } }, err: { write: () => undefined } };
  const file = join(dir, 'meta.json');
  const code = await offline(['--orders', orders, '--to', 'meta', '--db', db, '--out', file, '--format', 'json'], io, () => T + 86_400_000);
  expect(code).toBe(0);
  const r = JSON.parse(out);
  expect(r.skipped).toEqual([]);
  const events = JSON.parse(readFileSync(file, 'utf8')).data as { event_id: string }[];
  expect(events.map((e) => e.event_id)).toEqual(['purchase:FS-1001', 'TEL-7']);
});
