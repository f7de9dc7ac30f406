/**
 * Orders the shop's export lists that the site also tracked online (once QA 2026-12-06: Meta got
 * one from the browser as `purchase:FS-1001` and from the upload as `FS-1001`, and counted it
 * twice; diff reviews: an order tracked while ads were denied never reached an ad platform, and
 * Google Ads and Microsoft count an upload of a tracked order again). With the store:
 * - tracked with ads consent: skipped as `tracked-online`, said with the conversion and its time;
 * - tracked without it (not decided yet): uploaded, for Meta under the browser's event id (the
 *   two merge if the browser's reached Meta after all). One of a visitor who said no is not
 *   uploaded at all (tests/offline/consent-columns.test.ts).
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
  const buy = (order: string, visitor: string, ads: string, fbclid: string) => ({
    type: 'track', event: 'purchase', messageId: `purchase:${order}`, anonymousId: visitor, timestamp: iso(T - 3_600_000),
    properties: { transaction_id: order, value: 2499, currency: 'NOK' },
    context: { measureplan: { kind: 'macro', session_id: `s-${visitor}`, click_ids: { fbclid }, consent: { analytics: 'granted', ads } } },
  });
  const view = { type: 'track', event: 'view_item', messageId: 'v-1', anonymousId: 'anon-3', timestamp: iso(T - 7_200_000), properties: { item_id: 'x' },
    context: { measureplan: { kind: 'micro', session_id: 's-3', click_ids: { fbclid: 'IwAR-phone' }, consent: { analytics: 'granted', ads: 'granted' } } } };
  store.write([[buy('FS-1001', 'anon-1', 'granted', 'IwAR-online'), buy('FS-1002', 'anon-2', 'pending', 'IwAR-denied'), view].map((m) => toOutcome(m, {}, iso(T), undefined))]);
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(to: string, extra: string[] = []) {
  const orders = join(dir, 'orders.csv');
  writeFileSync(orders, `order_id,time,value,currency,visitor_id,email\nFS-1001,2026-03-01T11:00:00Z,2499,NOK,anon-1,\nFS-1002,2026-03-01T11:10:00Z,2499,NOK,anon-2,kari@example.no\nTEL-7,2026-03-01T11:30:00Z,899,NOK,anon-3,\n`);
  let out = '';
  const io: IO = { out: { write: (s: string) => { out += s; } }, err: { write: () => undefined } };
  const file = join(dir, `${to}.out`);
  const code = await offline(['--orders', orders, '--to', to, '--db', db, '--out', file, '--format', 'json', ...extra], io, () => T + 86_400_000);
  return { code, r: JSON.parse(out), file };
}

it('skips an order tracked online with ads consent, on every platform, and says why', async () => {
  for (const [to, extra] of [['meta', []], ['google-ads', ['--conversion-name', 'Phone order']]] as const) {
    const { code, r } = await run(to, [...extra]);
    expect(code).toBe(0);
    expect(r.skipped.filter((x: any) => x.reason === 'tracked-online')).toEqual([{ row: 2, orderId: 'FS-1001', reason: 'tracked-online', message: 'order FS-1001 was tracked online with ads consent (purchase, 2026-03-01 11:00 UTC): the browser sent it to the ad platforms the plan names, and an upload would count it twice' }]);
  }
});

it("uploads an order tracked before ads were granted (it reached no ad platform), for Meta under the browser's event id", async () => {
  const { r, file } = await run('meta');
  expect(r.skipped.map((x: any) => x.orderId)).toEqual(['FS-1001']);
  const events = JSON.parse(readFileSync(file, 'utf8')).data as { event_id: string }[];
  expect(events.map((e) => e.event_id)).toEqual(['purchase:FS-1002', 'TEL-7']);
});
