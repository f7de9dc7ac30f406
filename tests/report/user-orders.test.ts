/**
 * An order the shop's server sends with the user id only (a phone order, one confirmed in the
 * back office) belongs, in the report, to the visitor who signed in as that user: it completes
 * their funnel and cart, counts for their experiment arm and their supports claims, and counts
 * them among the conversion's visitors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport, type Report } from '../../src/report/build';
import { lastTimes, sequences, SIGN_IN_SQL, userVisitor, visitorsWith } from '../../src/report/read';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';

const plan = (parsePlan({
  version: 1, name: 'Phone orders', currency: 'NOK', destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
    view_item: { kind: 'micro', supports: ['purchase'], properties: { item_id: { type: 'string' } }, send: { collector: {} } },
    add_to_cart: { kind: 'micro', supports: ['purchase'], properties: { item_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
  },
  funnels: { checkout: { steps: ['view_item', 'add_to_cart', 'purchase'], within: '24h' } },
  abandonment: { cart: { add: 'add_to_cart', complete: 'purchase', after: '1h' } },
  experiments: { banner: { variants: ['control', 'b'], goal: 'purchase' } },
}) as { plan: Plan }).plan;

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0);
const min = 60_000;
const iso = (m: number) => new Date(T0 + m * min).toISOString();
let n = 0;
const track = (visitor: string, event: string, m: number, properties: Record<string, unknown> = {}, kind = plan.conversions[event]?.kind ?? 'signal') => ({
  type: 'track', event, anonymousId: visitor, messageId: `m${++n}`, timestamp: iso(m), properties,
  context: { page: { path: '/' }, measureplan: { kind, session_id: `s-${visitor}` } },
});
const view = (v: string, m: number) => track(v, 'view_item', m, { item_id: 'tent' });
const add = (v: string, m: number) => track(v, 'add_to_cart', m, { item_id: 'tent', value: 2499 });
const expose = (v: string, m: number, variant: string) => track(v, 'experiment_viewed', m, { experiment_id: 'banner', variant_id: variant }, 'signal');
const signIn = (v: string, user: string, m: number) => ({ type: 'identify', anonymousId: v, userId: user, messageId: `i${++n}`, timestamp: iso(m), traits: {} });
/** The shop's server: the order under the user id, no visitor. */
const phoneOrder = (user: string, m: number, value = 2499) => ({
  type: 'track', event: 'purchase', userId: user, messageId: `s${++n}`, timestamp: iso(m), properties: { transaction_id: `P-${n}`, value }, context: { measureplan: { kind: 'macro' } },
});

const EVENTS = [
  // anna: sees the b banner, views and adds the tent, signs in; the order comes by phone 30 min later.
  expose('anna', 0, 'b'), view('anna', 0), add('anna', 5), signIn('anna', 'u-anna', 6), phoneOrder('u-anna', 30),
  // bo: control, views and adds, never signs in: nothing joins him to an order.
  expose('bo', 0, 'control'), view('bo', 0), add('bo', 5),
  // carl signs in on an old browser (lap0), his laptop (lap) and later his phone (cph); the order
  // between them is the laptop's, his latest sign-in before it.
  signIn('lap0', 'u-carl', 1), expose('lap', 0, 'control'), view('lap', 0), add('lap', 2), signIn('lap', 'u-carl', 3), phoneOrder('u-carl', 20), signIn('cph', 'u-carl', 40), view('cph', 41),
  // dina orders by phone before she ever signs in on the site; she signs in later on visitor dsite.
  phoneOrder('u-dina', 0, 100), view('dsite', 60), signIn('dsite', 'u-dina', 61),
  // a phone order of a user the site never saw: counted, in no visitor's journey.
  phoneOrder('u-nobody', 10, 50),
  // eva signed in before the first dated range below and comes back after it; her phone order is in it.
  signIn('eva', 'u-eva', -10), phoneOrder('u-eva', 10, 10), view('eva', 50),
];
const NOW = T0 + 6 * 60 * min;

let dir: string;
let store: Store;
let report: Report;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-user-orders-'));
  store = openStore(join(dir, 'store.db'));
  const outcomes = EVENTS.map((m) => toOutcome(m, {}, iso(500), plan));
  expect(outcomes.every((o) => 'row' in o)).toBe(true);
  store.write([outcomes]);
  report = buildReport(store.db, plan, { now: NOW });
});
afterAll(() => { store.close(); rmSync(dir, { recursive: true, force: true }); });

describe('a user-only order joins the visitor who signed in as that user', () => {
  it('finds the latest sign-in at or before the order, else the first after it, else none', () => {
    const seqs = store.db.prepare("SELECT seq, user_id FROM events WHERE anonymous_id IS NULL AND event = 'purchase' ORDER BY seq").raw().all() as [number, string][];
    const of = userVisitor(store.db);
    expect(seqs.map(([seq, user]) => [user, of(seq) ?? null])).toEqual([
      ['u-anna', 'anna'], ['u-carl', 'lap'], ['u-dina', 'dsite'], ['u-nobody', null], ['u-eva', 'eva'],
    ]);
  });

  it('uses the sign-ins index, not a scan of the events', () => {
    for (const [name, sql] of Object.entries(SIGN_IN_SQL)) {
      const steps = (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('u', 't') as { detail: string }[]).map((p) => p.detail);
      // One seek each, in the index's own order (no sort): only the sign-ins' rows are opened.
      const [by, column] = name.startsWith('user') ? ['user', 'user_id'] : ['visitor', 'anonymous_id'];
      // The user's visitors are grouped (a sign-in on every page): a sort of those few rows.
      expect(steps[0], name).toBe(`SEARCH events USING INDEX events_identify_${by} (${column}=? AND timestamp${name.endsWith('Before') ? '<' : '>'}?)`);
      expect(steps.slice(1).every((s) => /TEMP B-TREE/.test(s)), name).toBe(true);
    }
    const strays = (store.db.prepare("EXPLAIN QUERY PLAN SELECT seq FROM events INDEXED BY events_strays WHERE anonymous_id IS NULL AND event IN ('purchase') AND timestamp >= ? AND timestamp < ?").all('a', 'b') as { detail: string }[]).map((p) => p.detail);
    expect(strays).toEqual(['SEARCH events USING INDEX events_strays (event=? AND timestamp>? AND timestamp<?)']);
  });

  it('the journeys: the order is in the signed-in visitor\'s sequence, after their own events', () => {
    const seq = sequences(store.db, ['view_item', 'add_to_cart', 'purchase'], {});
    expect(seq.get('anna')!.map((e) => e.event)).toEqual(['view_item', 'add_to_cart', 'purchase']);
    expect(seq.get('lap')!.map((e) => e.event)).toEqual(['view_item', 'add_to_cart', 'purchase']);
    expect(seq.get('cph')!.map((e) => e.event)).toEqual(['view_item']);
    expect(seq.get('dsite')!.map((e) => e.event)).toEqual(['purchase', 'view_item']);
    expect(seq.get('bo')!.map((e) => e.event)).toEqual(['view_item', 'add_to_cart']);
    // The webhook's path (whole rows) joins them the same way.
    expect(sequences(store.db, ['purchase'], {}, { extras: true }).get('anna')!.map((e) => e.event)).toEqual(['purchase']);
  });

  it('visitor sets and last times include them', () => {
    expect([...visitorsWith(store.db, 'purchase', {})].sort()).toEqual(['anna', 'dsite', 'eva', 'lap']);
    expect(lastTimes(store.db, ['purchase'], {})).toEqual(new Map([['anna', T0 + 30 * min], ['lap', T0 + 20 * min], ['dsite', T0], ['eva', T0 + 10 * min]]));
    // A range leaves out the orders outside it, user-only or not.
    expect([...visitorsWith(store.db, 'purchase', { from: T0 + 15 * min })].sort()).toEqual(['anna', 'lap']);
  });
});

describe('the report', () => {
  it('counts every order, and the visitors behind the joined ones', () => {
    const p = report.conversions.find((c) => c.name === 'purchase')!;
    expect([p.events, p.visitors, p.value]).toEqual([5, 4, 2499 + 2499 + 100 + 50 + 10]);
  });

  it('in a dated report, the visitor an order joins is one of the range\'s visitors, though their visit came before or after it', () => {
    // [0, 30 min): anna, bo, lap and lap0 were on the site; dina's phone order (0) joins dsite,
    // who signed in only at 61 min; carl's (20) joins lap; eva's (10) joins eva, whose own events
    // are before and after the range.
    const r = buildReport(store.db, plan, { now: NOW, range: { from: T0, to: T0 + 30 * min } });
    expect(r.totals.visitors).toBe(6);
    const p = r.conversions.find((c) => c.name === 'purchase')!;
    expect([p.events, p.visitors, p.rate.count, p.rate.of]).toEqual([4, 3, 3, 6]);
    // No order is user-only in [40 min, 6 h): the visitors are the ones seen there.
    expect(buildReport(store.db, plan, { now: NOW, range: { from: T0 + 40 * min, to: NOW } }).totals.visitors).toBe(3);
  });

  it("completes the signed-in visitor's funnel", () => {
    const f = report.funnels[0]!;
    // Step 3 (purchase) within 24 h of the view: anna and lap; dsite's and eva's orders came before their views.
    expect(f.steps.map((s) => s.visitors)).toEqual([6, 3, 2]);
  });

  it('a cart ordered by phone is no abandoned cart', () => {
    const cart = report.abandonment.cart!;
    expect(cart.list.map((c) => c.visitor)).toEqual(['bo']);
    expect([cart.carts, cart.completed, cart.abandoned]).toEqual([3, 2, 1]);
  });

  it("counts the order for the visitor's experiment arm", () => {
    const banner = report.experiments.find((e) => e.name === 'banner')!;
    expect(banner.variants.map((v) => [v.name, v.visitors, v.conversions])).toEqual([['control', 2, 1], ['b', 1, 1]]);
  });

  it('supports claims: those who added to cart and ordered', () => {
    const claim = report.supports.find((s) => s.micro === 'add_to_cart')!;
    expect([claim.with.count, claim.with.of]).toEqual([2, 3]);
  });
});
