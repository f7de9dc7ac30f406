/**
 * Pinned by the mutation review of 2026-12-06: what the report says that no earlier test held
 * (each `it` names the slip it catches): shares of visitors, the supports ratio, experiment arms
 * and weights, the biggest funnel drop, dated reports, the abandoned-cart list.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport, type Report, type ReportOptions } from '../../src/report/build';
import { DATED } from '../../src/report/format';
import { renderHtml } from '../../src/report/html';
import { renderText } from '../../src/report/text';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0);
const min = 60_000;
const BASE = {
  version: 1, name: 'QA shop', currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string', optional: true }, value: { type: 'number' }, currency: { type: 'string', optional: true } }, value: 'value', send: { collector: {} } },
    view_item: { kind: 'micro', supports: ['purchase'], properties: { item_id: { type: 'string' }, item_name: { type: 'string', optional: true } }, send: { collector: {} } },
    add_to_cart: { kind: 'micro', supports: ['purchase'], properties: { item_id: { type: 'string' }, item_name: { type: 'string', optional: true }, value: { type: 'number' }, currency: { type: 'string', optional: true } }, value: 'value', send: { collector: {} } },
  },
  funnels: { checkout: { steps: ['view_item', 'add_to_cart', 'purchase'] } },
  abandonment: { cart: { add: 'add_to_cart', complete: 'purchase', after: '1h' } },
  experiments: { banner: { variants: ['control', 'b'], goal: 'purchase' } },
};
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function reportOf(events: ((plan: Plan) => Record<string, unknown>)[], options: ReportOptions, edit: (p: typeof BASE) => unknown = (p) => p): Report {
  const plan = (parsePlan(edit(structuredClone(BASE))) as { plan: Plan }).plan;
  const dir = mkdtempSync(join(tmpdir(), 'mp-report-pinned-'));
  dirs.push(dir);
  const store = openStore(join(dir, 'store.db'));
  const at = new Date(T0 + 10_000 * min).toISOString();
  store.write([events.map((e) => toOutcome(e(plan), {}, at, plan))]);
  const r = buildReport(store.db, plan, options);
  store.close();
  return r;
}
let n = 0;
const track = (visitor: string, event: string, m: number, properties: Record<string, unknown> = {}, kind?: string) => (plan: Plan) => ({
  type: 'track', event, anonymousId: visitor, messageId: `q${++n}`, timestamp: new Date(T0 + m * min).toISOString(), properties,
  context: { page: { path: '/' }, measureplan: { kind: kind ?? plan.conversions[event]?.kind ?? 'signal', session_id: `s-${visitor}` } },
});
const page = (visitor: string) => () => ({ type: 'page', anonymousId: visitor, messageId: `p${++n}`, timestamp: new Date(T0).toISOString(), context: {} });
const view = (v: string, m: number) => track(v, 'view_item', m, { item_id: 'jacket', item_name: 'Jacket' });
const add = (v: string, m: number, value = 100, currency = 'NOK') => track(v, 'add_to_cart', m, { item_id: 'jacket', item_name: 'Jacket', value, currency });
const buy = (v: string, m: number, value = 100) => track(v, 'purchase', m, { transaction_id: `T${++n}`, value, currency: 'NOK' });
const expose = (v: string, m: number, variant: string) => track(v, 'experiment_viewed', m, { experiment_id: 'banner', variant_id: variant }, 'signal');
const NOW = { now: T0 + 5000 * min };

describe('conversions', () => {
  it('"of visitors" is visitors with the conversion over all visitors, not events (kills B7: rateOf(events))', () => {
    const r = reportOf([buy('a', 0), buy('a', 5), buy('a', 9), page('b')], NOW);
    const p = r.conversions.find((c) => c.name === 'purchase')!;
    expect([p.events, p.visitors, r.totals.visitors]).toEqual([3, 1, 2]);
    expect(p.rate.rate).toBe(0.5);
  });
});

describe('supports claims', () => {
  it('the ratio is the goal rate with the micro conversion over the rate without (kills B10: inverted ratio)', () => {
    // 4 with view_item, 3 of them buy (75 %); 4 without, 1 buys (25 %): 3.0×.
    const ev = ['a', 'b', 'c', 'd'].flatMap((v, i) => [view(v, 0), ...(i < 3 ? [buy(v, 5)] : [])]);
    const ev2 = ['e', 'f', 'g', 'h'].map((v, i) => (i < 1 ? buy(v, 5) : page(v)));
    const r = reportOf([...ev, ...ev2], NOW);
    const s = r.supports.find((x) => x.micro === 'view_item')!;
    expect([s.with.rate, s.without.rate]).toEqual([0.75, 0.25]);
    expect(s.ratio).toBeCloseTo(3, 10);
    expect(renderText(r)).toMatch(/view_item → purchase\s+75 % of 4\s+25 % of 4\s+3\.0×/);
  });
});

describe('experiments', () => {
  it('a visitor who bought before the exposure and again after it converted in the arm (kills B20: min(timestamp))', () => {
    const r = reportOf([buy('a', 0), expose('a', 1, 'b'), buy('a', 2), expose('z', 1, 'control')], NOW);
    const b = r.experiments[0]!.variants.find((v) => v.name === 'b')!;
    expect([b.visitors, b.conversions]).toEqual([1, 1]);
  });

  it('the planned 30/70 weights are those of control and variant: a 30/70 split is no sample-ratio mismatch (kills B18: weights[i])', () => {
    const ev = [];
    for (let i = 0; i < 1000; i++) ev.push(expose(`v${i}`, 0, i < 300 ? 'control' : 'b'), ...(i % 10 === 0 ? [buy(`v${i}`, 1)] : []));
    const r = reportOf(ev, NOW, (p) => { (p.experiments.banner as Record<string, unknown>).weights = [30, 70]; return p; });
    const c = r.experiments[0]!.comparisons[0]!;
    expect(r.experiments[0]!.variants.map((v) => v.visitors)).toEqual([300, 700]);
    expect(c.verdict).not.toBe('sample-ratio-mismatch');
  });
});

describe('funnel text', () => {
  it('names the step with the biggest drop, and the step before it (kills T1: smallest drop, T3: step number)', () => {
    // 10 view, 9 add (10 % drop), 4 buy (56 % drop): the biggest drop is before purchase, of those at step 2.
    const ev = [];
    for (let i = 0; i < 10; i++) ev.push(view(`v${i}`, 0), ...(i < 9 ? [add(`v${i}`, 1)] : []), ...(i < 4 ? [buy(`v${i}`, 2)] : []));
    const r = reportOf(ev, NOW);
    expect(r.funnels[0]!.steps.map((s) => s.visitors)).toEqual([10, 9, 4]);
    expect(renderText(r)).toContain('The biggest drop is before purchase: 56 % of those who got to step 2 went no further.');
  });
});

describe('a dated report says how its funnels count', () => {
  it('text, Markdown and HTML carry the DATED sentence with --from/--to, and not without (kills T9, H7)', () => {
    const ev = [view('a', 0), add('a', 1), buy('a', 2)];
    const dated = reportOf(ev, { ...NOW, range: { from: T0 - 60 * min, to: T0 + 60 * min } });
    const all = reportOf(ev, NOW);
    expect(renderText(dated)).toContain(DATED);
    expect(renderText(dated, 'md')).toContain(DATED);
    expect(renderHtml(dated)).toContain(DATED.replace(/'/g, '&#39;'));
    expect(renderText(all)).not.toContain(DATED);
    expect(renderHtml(all)).not.toContain(DATED.replace(/'/g, '&#39;'));
  });
});

describe('abandoned carts', () => {
  it('the HTML list shows a cart filled in EUR in EUR, as the text does (kills H6)', () => {
    const r = reportOf([add('a', 0, 249, 'EUR')], NOW);
    expect(r.abandonment.cart!.list[0]!.currency).toBe('EUR');
    const html = renderHtml(r);
    expect(html).toContain('<td>249 EUR</td>');
    expect(html).not.toContain('<td>249 NOK</td>');
  });

  it('lists the newest abandoned cart first (kills B13: no sort)', () => {
    const r = reportOf([add('old', 0), add('new', 100)], NOW);
    expect(r.abandonment.cart!.list.map((c) => c.visitor)).toEqual(['new', 'old']);
  });

  it('text shows the 20 newest of more abandoned carts and says so (kills T4, T14)', () => {
    const r = reportOf(Array.from({ length: 25 }, (_, i) => add(`v${String(i).padStart(2, '0')}`, i)), NOW);
    expect(r.abandonment.cart!.abandoned).toBe(25);
    const text = renderText(r);
    expect(text).toContain('(the 20 newest of 25; --format json lists up to 25)');
    expect(text.match(/1× Jacket/g)).toHaveLength(20);
  });
});

describe('abandonment is judged at the end of the period', () => {
  it('without `now`, a dated report judges carts at its `to`, not at today (kills B1)', () => {
    // Added 30 min before the period ends, waiting time 1 h: still open at the end of the period.
    const r = reportOf([add('a', 30)], { range: { from: T0, to: T0 + 60 * min } });
    expect(r.abandonment.now).toBe(new Date(T0 + 60 * min).toISOString());
    expect([r.abandonment.cart!.open, r.abandonment.cart!.abandoned]).toEqual([1, 0]);
  });
});
