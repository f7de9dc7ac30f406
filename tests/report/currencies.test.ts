/**
 * Money in two currencies is not one sum: a conversion's values sent in another currency than the
 * plan's (its own `currency` property) are reported beside the plan-currency sum, per code, in
 * every format (money QA 2026-12-06: a 2,499 EUR order was added to NOK revenue as 2,499 NOK).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport, type Report } from '../../src/report/build';
import { renderText } from '../../src/report/text';
import { renderHtml } from '../../src/report/html';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const plan = (parsePlan({
  version: 1, name: 'Nordic shop', currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' }, currency: { type: 'string', optional: true } }, value: 'value', send: { collector: {} } },
    signup: { kind: 'micro', supports: ['purchase'], value: 10, send: { collector: {} } },
  },
}) as { plan: Plan }).plan;

const T0 = Date.UTC(2026, 11, 1, 10);
let n = 0;
const buy = (visitor: string, value: number, currency?: string) => ({
  type: 'track', event: 'purchase', anonymousId: visitor, messageId: `m${++n}`, timestamp: new Date(T0 + n * 60_000).toISOString(),
  properties: { transaction_id: `T${n}`, value, ...(currency ? { currency } : {}) },
  context: { measureplan: { kind: 'macro', session_id: `s-${visitor}` } },
});

let dir: string;
let report: Report;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-currencies-'));
  const store = openStore(join(dir, 'store.db'));
  const at = new Date(T0 + 3_600_000).toISOString();
  // 1,000.1 + 499.9 NOK (one without a currency: the plan's), 2,499 + 0.5 EUR, 3.375 KWD.
  const events = [buy('a', 1000.1, 'NOK'), buy('b', 499.9), buy('c', 2499, 'EUR'), buy('d', 0.5, 'EUR'), buy('e', 3.375, 'KWD')];
  store.write([events.map((m) => toOutcome(m, {}, at, plan))]);
  report = buildReport(store.db, plan, { now: T0 + 7_200_000 });
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('sums only the plan currency into value and lists the others by code', () => {
  const p = report.conversions.find((c) => c.name === 'purchase')!;
  expect(p.events).toBe(5);
  expect(p.value).toBe(1500);
  expect(p.other_currencies).toEqual({ EUR: 2499.5, KWD: 3.375 });
  expect(report.conversions.find((c) => c.name === 'signup')!.other_currencies).toEqual({});
});

it('shows the other currencies beside the value, never added to it', () => {
  const line = renderText(report, 'text').split('\n').find((l) => l.includes('purchase'))!;
  expect(line).toContain('1,500 NOK + 2,500 EUR + 3.375 KWD');
  expect(renderHtml(report)).toContain('1,500 NOK + 2,500 EUR + 3.375 KWD');
});

it('a conversion whose values were all in another currency has no plan-currency value: null, not 0 (server QA 2026-12-06)', () => {
  const d = mkdtempSync(join(tmpdir(), 'mp-only-foreign-'));
  try {
    const store = openStore(join(d, 'store.db'));
    store.write([[buy('q', 249, 'EUR')].map((m) => toOutcome(m, {}, new Date(T0).toISOString(), plan))]);
    const r = buildReport(store.db, plan, { now: T0 + 7_200_000 });
    store.close();
    const p = r.conversions.find((c) => c.name === 'purchase')!;
    expect([p.value, p.other_currencies]).toEqual([null, { EUR: 249 }]);
    expect(renderText(r, 'text').split('\n').find((l) => l.includes('purchase'))).toMatch(/\s249 EUR$/);
  } finally { rmSync(d, { recursive: true, force: true }); }
});

it("reports an abandoned cart in its own currency, and sums carts per currency (server QA 2026-12-06)", () => {
  // A cart filled in EUR on a NOK shop was listed as "249 NOK" and added into the NOK total.
  const shop = (parsePlan({
    version: 1, name: 'Nordic shop', currency: 'NOK',
    destinations: { collector: { url: '/collect' } },
    conversions: {
      add_to_cart: { kind: 'micro', properties: { item_id: { type: 'string' }, item_name: { type: 'string' }, price: { type: 'number' }, value: { type: 'number' }, currency: { type: 'string', optional: true } }, value: 'value', send: { collector: {} } },
      purchase: { kind: 'macro', value: 1, send: { collector: {} } },
    },
    abandonment: { cart: { add: 'add_to_cart', complete: 'purchase', after: '1h' } },
  }) as { plan: Plan }).plan;
  const d = mkdtempSync(join(tmpdir(), 'mp-cart-currency-'));
  try {
    const store = openStore(join(d, 'store.db'));
    const add = (visitor: string, value: number, currency?: string) => ({
      type: 'track', event: 'add_to_cart', anonymousId: visitor, messageId: `c${++n}`, timestamp: new Date(T0).toISOString(),
      properties: { item_id: `sku-${visitor}`, item_name: 'Jakke', price: value, value, ...(currency ? { currency } : {}) },
      context: { measureplan: { kind: 'micro' } },
    });
    store.write([[add('x', 249, 'EUR'), add('y', 1000), add('z', 500, 'NOK')].map((m) => toOutcome(m, {}, new Date(T0).toISOString(), shop))]);
    const r = buildReport(store.db, shop, { now: T0 + 5 * 3_600_000 });
    store.close();
    const cart = r.abandonment.cart!;
    expect({ value: cart.abandoned_value, other: cart.abandoned_other_currencies }).toEqual({ value: 1500, other: { EUR: 249 } });
    expect(cart.list.map((c) => [c.visitor, c.value, c.currency]).sort()).toEqual([['x', 249, 'EUR'], ['y', 1000, 'NOK'], ['z', 500, 'NOK']]);
    const text = renderText(r, 'text');
    expect(text).toContain('worth 1,500 NOK + 249 EUR');
    expect(text).toMatch(/1× Jakke\s+249 EUR/);
    expect(renderHtml(r)).toContain('249 EUR');
  } finally { rmSync(d, { recursive: true, force: true }); }
});
