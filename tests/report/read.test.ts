/**
 * What the report reads for carts, browses and funnels (`sequences`): the same events, times and
 * products whether they come from the report index alone, from an `items` list, or from the
 * whole rows (the webhook's path, with page and consent).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { sequences } from '../../src/report/read';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';

const plan = (parsePlan({
  version: 1, name: 'Read', currency: 'NOK', destinations: { collector: { url: '/collect' } },
  conversions: {
    view_item: { kind: 'micro', properties: { item_id: { type: 'string' } }, send: { collector: {} } },
    add_to_cart: {
      kind: 'micro',
      properties: { item_id: { type: 'string', optional: true }, item_name: { type: 'string', optional: true }, item_category: { type: 'string', optional: true }, value: { type: 'number', optional: true }, quantity: { type: 'integer', optional: true }, items: { type: 'items', optional: true } },
      send: { collector: {} },
    },
    remove_from_cart: { kind: 'micro', properties: { item_id: { type: 'string' }, quantity: { type: 'integer', optional: true } }, send: { collector: {} } },
  },
}) as { plan: Plan }).plan;

const at = (s: string) => `2026-11-02T10:00:${s}Z`;
const msg = (id: string, event: string, timestamp: string, properties: Record<string, unknown>) => ({
  type: 'track', event, messageId: id, anonymousId: 'x', timestamp, properties,
  context: { page: { url: `https://shop.example/${id}` }, measureplan: { kind: 'micro', consent: { analytics: 'granted', ads: 'denied' } } },
});
const EVENTS = [
  msg('m1', 'view_item', at('00.001'), { item_id: 'a' }),
  msg('m2', 'add_to_cart', at('01.250'), { items: [{ item_id: 'a', item_name: 'A', price: 10, quantity: 2 }, { item_id: 'b', price: 5 }] }),
  msg('m3', 'add_to_cart', at('02.999'), { item_id: 'c', item_name: 'C', item_category: 'Cat', value: 30, quantity: 3 }),
  msg('m4', 'remove_from_cart', at('03.000'), { item_id: 'a', quantity: 1 }),
];
const EXPECTED = [
  { event: 'view_item', t: Date.parse(at('00.001')), items: [{ item_id: 'a', quantity: 1 }] },
  { event: 'add_to_cart', t: Date.parse(at('01.250')), items: [{ item_id: 'a', item_name: 'A', price: 10, quantity: 2 }, { item_id: 'b', price: 5, quantity: 1 }] },
  { event: 'add_to_cart', t: Date.parse(at('02.999')), value: 30, items: [{ item_id: 'c', item_name: 'C', item_category: 'Cat', price: 10, quantity: 3 }] },
  { event: 'remove_from_cart', t: Date.parse(at('03.000')), items: [{ item_id: 'a', quantity: 1 }] },
];
const NAMES = ['view_item', 'add_to_cart', 'remove_from_cart'];
const CART = new Set(['add_to_cart', 'remove_from_cart']);

let dir: string;
let store: Store;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-read-'));
  store = openStore(join(dir, 'store.db'));
  const outcomes = EVENTS.map((m) => toOutcome(m, {}, at('10.000'), plan));
  expect(outcomes.every((o) => 'row' in o)).toBe(true);
  store.write([outcomes]);
});
afterAll(() => { store.close(); rmSync(dir, { recursive: true, force: true }); });

it('reads cart products in full from the index and the items lists, times to the millisecond', () => {
  expect(sequences(store.db, NAMES, {}, { withItems: CART }).get('x')).toEqual(EXPECTED);
});

it('gives the webhook the same events from the whole rows, with the page and the consent', () => {
  const full = sequences(store.db, NAMES, {}, { withItems: CART, extras: true }).get('x')!;
  // Every event's products in full on this path, the view's included.
  expect(full.map(({ url: _u, consent: _c, ...e }) => e)).toEqual(EXPECTED.map((e, i) => (i === 0 ? { ...e, items: [{ item_id: 'a', quantity: 1 }] } : e)));
  expect(full.map((e) => e.url)).toEqual(['m1', 'm2', 'm3', 'm4'].map((id) => `https://shop.example/${id}`));
  expect(full[0]!.consent).toEqual({ analytics: 'granted', ads: 'denied' });
});

it('a range keeps the events inside it (from included, to excluded)', () => {
  const seq = sequences(store.db, NAMES, { from: Date.parse(at('01.250')), to: Date.parse(at('03.000')) }, { withItems: CART }).get('x')!;
  expect(seq.map((e) => e.t)).toEqual([Date.parse(at('01.250')), Date.parse(at('02.999'))]);
});
