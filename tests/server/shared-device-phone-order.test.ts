/**
 * A user-only order (a phone order) does not join a visitor another user signed in on since (second
 * read 2026-12-07: on a shared computer, Zoe then Anna without a sign-out, Zoe's phone order ended
 * Anna's cart: the report called it completed and the hand-off sent Anna no reminder).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';
import { startWebhook } from '../../src/server/webhook';
import { buildReport } from '../../src/report/build';
import { PLAN, tempStore } from './helpers';

const plan = (parsePlan(readFileSync(PLAN, 'utf8')) as { plan: Plan }).plan;
const H = 3_600_000;
const T = Date.UTC(2026, 11, 1, 12);
let n = 0;
const add = (v: string, at: number) => ({
  type: 'track', event: 'add_to_cart', anonymousId: v, messageId: `w${++n}`, timestamp: new Date(at).toISOString(), properties: { item_id: 'tind-shell-jacket', item_name: 'Tind', value: 2499, currency: 'NOK' },
  context: { page: { url: 'https://shop.example/product/tind', path: '/' }, measureplan: { kind: 'micro', consent: { analytics: 'granted', ads: 'denied' } } },
});
const identify = (v: string, user: string, email: string, at: number) => ({ type: 'identify', anonymousId: v, userId: user, messageId: `i${++n}`, timestamp: new Date(at).toISOString(), traits: { email } });
const phoneOrder = (user: string, at: number) => ({ type: 'track', event: 'purchase', userId: user, messageId: `s${++n}`, timestamp: new Date(at).toISOString(), properties: { transaction_id: `PHONE-${n}`, value: 2499, currency: 'NOK', items: [{ item_id: 'tind-shell-jacket', price: 2499 }] }, context: { measureplan: { kind: 'macro' } } });
function fill(store: Store, messages: Record<string, unknown>[]) {
  store.write([messages.map((m) => toOutcome(m, {}, new Date(T).toISOString(), plan))]);
}
const cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });

const EVENTS = [
  identify('lap', 'u-zoe', 'zoe@example.no', T - 6 * H), // Zoe on the family laptop
  identify('lap', 'u-anna', 'anna@example.no', T - 5 * H), // Anna signs in on it (no sign-out between)
  add('lap', T - 3 * H), // Anna's cart
  phoneOrder('u-zoe', T - 2 * H), // Zoe orders by phone: not Anna's order
];

/** A store holding EVENTS, all four stored, closed and removed after the test. */
function filled() {
  const dir = tempStore();
  cleanups.push(() => dir.remove());
  const store = openStore(dir.db);
  cleanups.push(() => store.close());
  fill(store, EVENTS);
  expect(store.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(4);
  return store;
}

it("another user's phone order does not complete the cart of the visitor who signed in as someone else since (report)", () => {
  const store = filled();
  const r = buildReport(store.db, plan, { now: T });
  expect(r.abandonment.cart!.list.map((c) => c.visitor)).toEqual(['lap']);
});

it("another user's phone order does not stop the reminder to the visitor's current user (hand-off)", async () => {
  const store = filled();
  const posts: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => { let b = ''; req.on('data', (c) => { b += c; }); req.on('end', () => { posts.push(JSON.parse(b)); res.writeHead(200).end('ok'); }); });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  cleanups.push(() => { server.closeAllConnections(); return new Promise((ok) => server.close(ok)); });
  const w = startWebhook({ store, plan, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, everyMs: 30, now: () => T });
  const end = Date.now() + 3000;
  while (!posts.length && Date.now() < end) await new Promise((ok) => setTimeout(ok, 30));
  await w.stop();
  expect(posts.map((p) => [p.type, p.email])).toEqual([['cart_abandoned', 'anna@example.no']]);
});
