/** Reviewer read 4 (2bcab0f): the user-only order's visitor. */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';
import { userVisitor } from '../../src/report/read';
import { buildReport } from '../../src/report/build';
import { PLAN, tempStore } from '../server/helpers';

const plan = (parsePlan(readFileSync(PLAN, 'utf8')) as { plan: Plan }).plan;
const H = 3_600_000;
const T = Date.UTC(2026, 11, 1, 12);
let n = 0;
const identify = (v: string, user: string, at: number) => ({ type: 'identify', anonymousId: v, userId: user, messageId: `i${++n}`, timestamp: new Date(at).toISOString(), traits: { email: `${user}@example.no` } });
const add = (v: string, at: number) => ({
  type: 'track', event: 'add_to_cart', anonymousId: v, messageId: `w${++n}`, timestamp: new Date(at).toISOString(), properties: { item_id: 'tind-shell-jacket', item_name: 'Tind', value: 2499, currency: 'NOK' },
  context: { page: { url: 'https://shop.example/product/tind', path: '/' }, measureplan: { kind: 'micro', consent: { analytics: 'granted', ads: 'denied' } } },
});
const phoneOrder = (user: string, at: number) => ({ type: 'track', event: 'purchase', userId: user, messageId: `s${++n}`, timestamp: new Date(at).toISOString(), properties: { transaction_id: `PHONE-${n}`, value: 2499, currency: 'NOK', items: [{ item_id: 'tind-shell-jacket', price: 2499 }] }, context: { measureplan: { kind: 'macro' } } });
const cleanups: (() => unknown)[] = [];
afterEach(async () => { for (const c of cleanups.splice(0).reverse()) await c(); });
function open(): { store: Store; file: string } {
  const dir = tempStore();
  cleanups.push(() => dir.remove());
  const store = openStore(dir.db);
  cleanups.push(() => store.close());
  return { store, file: dir.db };
}
const fill = (s: Store, ms: Record<string, unknown>[]) => s.write([ms.map((m) => toOutcome(m, {}, new Date(T).toISOString(), plan))]);
const orderSeq = (s: Store) => s.db.prepare("SELECT seq FROM events WHERE anonymous_id IS NULL AND event = 'purchase'").pluck().get() as number;

describe('the memo follows the store', () => {
  it('a late sign-in by another user, written on the same connection, changes the answer', () => {
    const { store } = open();
    fill(store, [identify('lap', 'u-zoe', T - 6 * H), phoneOrder('u-zoe', T - 2 * H)]);
    expect(userVisitor(store.db)(orderSeq(store))).toBe('lap');
    fill(store, [identify('lap', 'u-anna', T - 5 * H)]);
    expect(userVisitor(store.db)(orderSeq(store))).toBeUndefined();
  });
  it('… and written on another connection (the collect server beside a report or webhook)', () => {
    const { store, file } = open();
    fill(store, [identify('lap', 'u-zoe', T - 6 * H), phoneOrder('u-zoe', T - 2 * H)]);
    expect(userVisitor(store.db)(orderSeq(store))).toBe('lap');
    const other = openStore(file);
    cleanups.push(() => other.close());
    fill(other, [identify('lap', 'u-anna', T - 5 * H)]);
    expect(userVisitor(store.db)(orderSeq(store))).toBeUndefined();
  });
});

describe('a person who signs in on many pages (docs/api.md: call identify on every page)', () => {
  // Zoe signed in on her phone browser, put a jacket in its cart; later she browsed 21 pages signed in
  // on the family laptop; then Anna signed in on the laptop. Zoe orders the jacket by phone.
  const events = (pages: number) => [
    identify('phone', 'u-zoe', T - 10 * H),
    add('phone', T - 9 * H),
    ...Array.from({ length: pages }, (_, i) => identify('lap', 'u-zoe', T - 6 * H + i * 60_000)),
    identify('lap', 'u-anna', T - 5 * H),
    phoneOrder('u-zoe', T - 2 * H),
  ];
  it('with 2 pages on the laptop the order joins her phone (passes)', () => {
    const { store } = open();
    fill(store, events(2));
    expect(userVisitor(store.db)(orderSeq(store))).toBe('phone');
  });
  it('with 21 pages on the laptop it still joins her phone: the 20 looked at are rows, not visitors', () => {
    const { store } = open();
    fill(store, events(21));
    expect.soft(userVisitor(store.db)(orderSeq(store))).toBe('phone');
    // The consequence: her phone's cart is reported abandoned though she ordered it.
    const r = buildReport(store.db, plan, { now: T });
    expect(r.abandonment.cart?.list.map((c) => c.visitor) ?? []).toEqual([]);
  });
});
