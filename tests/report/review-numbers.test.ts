/**
 * The report's numbers as a manager reads them, from a review: each case is a store filled with
 * real events (as build.test.ts does) whose figures were wrong, or read wrong, before its fix.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { assembleReport, buildReport, readAggregates, readJourneys, resolveOptions, type Report } from '../../src/report/build';
import { renderHtml } from '../../src/report/html';
import { renderText } from '../../src/report/text';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';

const PLAN_JSON = {
  version: 1, name: 'Review shop', currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
    view_item: { kind: 'micro', supports: ['purchase'], properties: { item_id: { type: 'string' } }, send: { collector: {} } },
    add_to_cart: {
      kind: 'micro',
      properties: { item_id: { type: 'string', optional: true }, value: { type: 'number', optional: true }, quantity: { type: 'integer', optional: true }, items: { type: 'items', optional: true } },
      send: { collector: {} },
    },
    remove_from_cart: {
      kind: 'micro',
      properties: { item_id: { type: 'string', optional: true }, quantity: { type: 'integer', optional: true }, items: { type: 'items', optional: true } },
      send: { collector: {} },
    },
  },
  funnels: { checkout: { steps: ['view_item', 'add_to_cart', 'purchase'], within: '1h' } },
  abandonment: { cart: { add: 'add_to_cart', remove: 'remove_from_cart', complete: 'purchase', after: '1h' } },
};
const plan = (parsePlan(PLAN_JSON) as { plan: Plan }).plan;
const T0 = Date.UTC(2026, 10, 2, 10, 0, 0);
const MIN = 60_000;
let n = 0;
const track = (visitor: string, event: string, at: number, properties: Record<string, unknown> = {}) => ({
  type: 'track', event, anonymousId: visitor, messageId: `r${++n}`, timestamp: new Date(T0 + at * MIN).toISOString(), properties,
  context: { page: { path: '/' }, measureplan: { kind: plan.conversions[event]?.kind ?? 'signal' } },
});
const page = (visitor: string, at: number) => ({ type: 'page', anonymousId: visitor, messageId: `r${++n}`, timestamp: new Date(T0 + at * MIN).toISOString(), context: {} });
const view = (v: string, at: number) => track(v, 'view_item', at, { item_id: 'jacket' });
const add = (v: string, at: number, props: Record<string, unknown> = { item_id: 'jacket', value: 100 }) => track(v, 'add_to_cart', at, props);
const buy = (v: string, at: number) => track(v, 'purchase', at, { transaction_id: `T-${v}`, value: 100 });

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
/** A store holding `messages`, stored in that order (one batch). */
function storeWith(messages: object[]): Store {
  const dir = mkdtempSync(join(tmpdir(), 'mp-review-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'store.db'));
  const outcomes = messages.map((m) => toOutcome(m, {}, new Date(T0).toISOString(), plan));
  expect(outcomes.filter((o) => !('row' in o))).toEqual([]);
  store.write([outcomes]);
  return store;
}
function reportOf(messages: object[], now = T0 + 600 * MIN): Report {
  const store = storeWith(messages);
  try { return buildReport(store.db, plan, { now }); } finally { store.close(); }
}

describe('carts', () => {
  it('a remove without a quantity takes the whole line out, as the tracker does: the cart is emptied, not abandoned', () => {
    const r = reportOf([
      // a: 3 jackets (one product column, quantity 3), then "remove" on the jacket without a quantity.
      add('a', 0, { item_id: 'jacket', value: 300, quantity: 3 }), track('a', 'remove_from_cart', 1, { item_id: 'jacket' }),
      // b: the same through an items list.
      add('b', 0, { items: [{ item_id: 'boots', price: 50, quantity: 2 }] }), track('b', 'remove_from_cart', 1, { items: [{ item_id: 'boots' }] }),
      // c: a remove with its own quantity still takes only that many: 2 jackets left, abandoned.
      add('c', 0, { item_id: 'jacket', value: 300, quantity: 3 }), track('c', 'remove_from_cart', 1, { item_id: 'jacket', quantity: 1 }),
    ]);
    const cart = r.abandonment.cart!;
    // Before the fix the removes without a quantity took 1 each: 3 abandoned carts worth 200 + 50 + 200.
    expect([cart.carts, cart.emptied, cart.abandoned, cart.abandoned_value]).toEqual([3, 2, 1, 200]);
    expect(cart.list.map((c) => [c.visitor, c.items.map((i) => i.quantity)])).toEqual([['c', [2]]]);
  });

  it('events of the same millisecond keep the order they were stored in: a "buy now" add and its order', () => {
    // The add and the order share a millisecond (one click). They were read by two queries, the
    // order first, so the order came before the add: the cart was "abandoned" and the funnel stopped at step 2.
    const r = reportOf([view('a', 0), add('a', 1), buy('a', 1)]);
    expect(r.funnels[0]!.steps.map((s) => s.visitors)).toEqual([1, 1, 1]);
    expect(r.funnels[0]!.completed).toBe(1);
    const cart = r.abandonment.cart!;
    expect([cart.carts, cart.completed, cart.abandoned, cart.abandoned_value]).toEqual([1, 1, 0, 0]);
  });

  it('HTML names every outcome of the carts, so that they add up to the carts started', () => {
    const r = reportOf([add('a', 0), track('a', 'remove_from_cart', 1, { item_id: 'jacket' }), add('b', 0), buy('b', 5), add('c', 0)]);
    const cart = r.abandonment.cart!;
    expect([cart.carts, cart.completed, cart.abandoned, cart.open, cart.emptied]).toEqual([3, 1, 1, 0, 1]);
    expect(renderHtml(r)).toMatch(/1 of 3 carts were ordered, 0 of them after being left; 0 still open, 1 emptied\./);
  });
});

describe('shares as the text shows them', () => {
  it('a rate above 0 never reads "0.0 %", one below 1 never "100 %", and went on + dropped add up to 100', () => {
    const messages: object[] = [];
    // 200 visitors view, 199 add (99.5 %), 174 buy (174/199 = 87.44 %, 12.56 % drop); 2,800 more only see a page.
    for (let i = 0; i < 200; i++) {
      messages.push(view(`v${i}`, 0));
      if (i < 199) messages.push(add(`v${i}`, 1));
      if (i < 174) messages.push(buy(`v${i}`, 2));
    }
    for (let i = 0; i < 2800; i++) messages.push(page(`p${i}`, 0));
    // One page-only visitor who bought: 175 of 3,000, and one more conversion: a share under 0.05 %.
    messages.push(track('p0', 'remove_from_cart', 3, { item_id: 'x' }));
    const r = reportOf(messages);
    const text = renderText(r);
    // The step "add_to_cart": 199 of 200 went on, 1 dropped (0.5 %): not "100 %".
    const addRow = text.split('\n').find((l) => /2\. add_to_cart/.test(l))!;
    expect(addRow).toMatch(/99\.5 %\s+1 \(0\.5 %\)/);
    // remove_from_cart: 1 of 3,000 visitors (0.033 %), not "0.0 %".
    const removeRow = text.split('\n').find((l) => /^\s+remove_from_cart/.test(l))!;
    expect(removeRow).toMatch(/\s0\.03 %/);
    // The step "purchase": the two shares add up to 100 (they read "87 %" and "13 %" before).
    const buyRow = text.split('\n').find((l) => /3\. purchase/.test(l))!;
    const [went, dropped] = [/purchase\s+\S+\s+(\S+) %/, /\((\S+) %\)/].map((re) => Number(buyRow.match(re)![1]));
    expect(went! + dropped!).toBe(100);
  });

  it('halves round to even, so that 7 of 8 and 1 of 8 add up to 100', () => {
    const messages: object[] = [];
    for (let i = 0; i < 8; i++) { messages.push(view(`v${i}`, 0)); if (i < 7) messages.push(add(`v${i}`, 1)); }
    const row = renderText(reportOf(messages)).split('\n').find((l) => /2\. add_to_cart/.test(l))!;
    // 87.5 % and 12.5 % read "88 %" and "13 %" before: 101 %.
    expect(row).toMatch(/\s88 %\s+1 \(12 %\)/);
  });

  it('a funnel nobody dropped out of has no "biggest drop"', () => {
    const text = renderText(reportOf([view('a', 0), add('a', 1), buy('a', 2), view('b', 0), add('b', 1), buy('b', 2)]));
    expect(text).toMatch(/2 visitors entered, 2 completed \(100 %\)\./);
    expect(text).not.toMatch(/biggest drop/);
  });
});

describe('funnel totals', () => {
  it('a funnel\'s visitors are the period\'s visitors, whatever else the plan declares', () => {
    // c only loaded a page: a visitor of the period who did not enter the funnel.
    const r = reportOf([view('a', 0), add('a', 1), view('b', 0), page('c', 0)]);
    expect(r.totals.visitors).toBe(3);
    expect(r.funnels[0]).toMatchObject({ visitors: 3, entered: 2, completed: 0 });
  });
});

describe('supports claims on a store being written', () => {
  it('the sets and the visitor total read moments apart never make a rate over fewer visitors than it counts', () => {
    // reportInParallel reads the totals on one connection and the visitor sets on another. Here
    // the totals are read before b and c are stored, the sets after: before the fix the rate
    // "without view_item" was 2 of 0 and the report threw a RangeError.
    const store = storeWith([view('a', 0)]);
    try {
      const o = resolveOptions({ now: T0 + 600 * MIN });
      const early = readAggregates(store.db, plan, o);
      store.write([[buy('b', 0), buy('c', 0)].map((m) => toOutcome(m, {}, new Date(T0).toISOString(), plan))]);
      const r = assembleReport(plan, o, readJourneys(store.db, plan, o), early);
      const claim = r.supports.find((s) => s.micro === 'view_item')!;
      expect(claim.without).toMatchObject({ count: 2, of: 2 });
      expect(JSON.stringify(r)).not.toMatch(/NaN|Infinity/);
    } finally { store.close(); }
  });
});
