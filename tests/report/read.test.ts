/**
 * What the report reads for carts, browses and funnels (`sequences`): the same events, times and
 * products whether they come from the report index alone, from an `items` list, or from the
 * whole rows (the webhook's path, with page and consent).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { quarantineReasons, sequences, totals } from '../../src/report/read';
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

describe('totals over all time (QA finding 2)', () => {
  let d: string;
  let s: Store;
  beforeAll(() => {
    d = mkdtempSync(join(tmpdir(), 'mp-totals-'));
    s = openStore(join(d, 'store.db'));
    const track = (id: string, event: string, timestamp: string, who: Record<string, string>, properties: Record<string, unknown> = { item_id: 'a' }) =>
      toOutcome({ type: 'track', event, messageId: id, timestamp, properties, ...who, context: { measureplan: { kind: 'micro' } } }, {}, at('10.000'), plan);
    s.write([[
      track('t1', 'view_item', '2026-11-10T10:00:00.000Z', { anonymousId: 'v1' }),
      // A shop's server sends events with the customer's user id alone: no visitor row for them.
      track('t2', 'add_to_cart', '2026-11-10T14:00:00.000Z', { userId: 'u-7' }, {}),
      track('t3', 'view_item', '2026-11-09T08:00:00.000Z', { userId: 'u-8' }),
      // An identify call has no event name (NULL in the index): it counts too.
      toOutcome({ type: 'identify', messageId: 't4', userId: 'u-7', timestamp: '2026-11-10T14:01:00.000Z', traits: { email: 'k@example.com' } }, {}, at('10.000'), plan),
    ]]);
  });
  afterAll(() => { s.close(); rmSync(d, { recursive: true, force: true }); });

  it('first and last are the first and last stored event, as a dated report finds them; visitors are browsers', () => {
    const all = totals(s.db, {});
    expect(all).toEqual({ events: 4, visitors: 1, first: '2026-11-09T08:00:00.000Z', last: '2026-11-10T14:01:00.000Z' });
    const dated = totals(s.db, { from: Date.parse('2026-11-01T00:00:00Z') });
    expect({ first: dated.first, last: dated.last, events: dated.events }).toEqual({ first: all.first, last: all.last, events: all.events });
  });

  it('finds them on the report index without a pass over it: index seeks only, one per event name', () => {
    const sql: string[] = [];
    const spy = new Proxy(s.db, {
      get(target, key) {
        if (key === 'prepare') return (text: string) => { sql.push(text); return target.prepare(text); };
        const v = Reflect.get(target, key);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    });
    totals(spy, {});
    const spans = sql.filter((q) => q.includes('timestamp'));
    expect(spans.length).toBeGreaterThan(0);
    for (const q of spans) {
      const steps = (s.db.prepare(`EXPLAIN QUERY PLAN ${q}`).all() as { detail: string }[]).map((r) => r.detail);
      expect(steps.filter((d) => /\bevents\b/.test(d)).every((d) => d.startsWith('SEARCH events USING COVERING INDEX events_report')), steps.join('\n')).toBe(true);
    }
  });

  it('an empty store has no first or last event', () => {
    const e = mkdtempSync(join(tmpdir(), 'mp-totals-empty-'));
    const empty = openStore(join(e, 'store.db'));
    expect(totals(empty.db, {})).toEqual({ events: 0, visitors: 0, first: null, last: null });
    empty.close();
    rmSync(e, { recursive: true, force: true });
  });
});

describe('quarantine in the report (QA finding 3)', () => {
  it('leaves out a message stored after it was quarantined, in a store written before the server released such messages', () => {
    const d = mkdtempSync(join(tmpdir(), 'mp-quarantine-'));
    const s = openStore(join(d, 'store.db'));
    const view = (id: string, properties: Record<string, unknown>) =>
      toOutcome({ type: 'track', event: 'view_item', messageId: id, anonymousId: 'v', timestamp: at('01.000'), properties, context: { measureplan: { kind: 'micro' } } }, {}, at('10.000'), plan);
    s.write([[view('q1', { item_id: 'a', x: 1 }), view('q2', { item_id: 'a', x: 1 })]]);
    s.write([[view('q1', { item_id: 'a' })]]);
    // What an older collect server left: q1 stored and still in quarantine.
    s.db.prepare(`INSERT INTO quarantine (message_id, received_at, type, event, anonymous_id, reason, path, raw)
      SELECT 'q1', received_at, type, event, anonymous_id, reason, path, raw FROM quarantine WHERE message_id = 'q2'`).run();
    const q = quarantineReasons(s.db, {});
    expect(q.total).toBe(1);
    expect(q.reasons).toEqual([expect.objectContaining({ event: 'view_item', count: 1, example: 'q2' })]);
    s.close();
    rmSync(d, { recursive: true, force: true });
  });
});
