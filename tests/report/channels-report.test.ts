/**
 * The report's channels section ("where did our orders come from?"), on a store filled with
 * hand-made messages, each figure counted by hand in the comments: sessions per channel by where
 * each came from, each order credited to the visitor's last non-direct session at or before it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { channelsSection } from '../../src/report/acquisition';
import { buildReport, type Report } from '../../src/report/build';
import { renderHtml } from '../../src/report/html';
import { wilson } from '../../src/report/stats';
import { renderText } from '../../src/report/text';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';

const plan = (parsePlan({
  version: 1, name: 'Fjellsport', currency: 'NOK', destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
    view_item: { kind: 'micro', properties: { item_id: { type: 'string' } }, send: { collector: {} } },
  },
}) as { plan: Plan }).plan;

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0);
const min = 60_000;
const iso = (m: number) => new Date(T0 + m * min).toISOString();
const SHOP = 'https://shop.example';
let n = 0;

interface Landing { session: string; referrer?: string; campaign?: Record<string, string>; clickIds?: Record<string, string>; currency?: string }
const track = (visitor: string, event: string, m: number, l: Landing, properties: Record<string, unknown>) => ({
  type: 'track', event, anonymousId: visitor, messageId: `m${++n}`, timestamp: iso(m), properties,
  context: {
    page: { url: `${SHOP}/p/${n}`, path: `/p/${n}`, referrer: l.referrer ?? '' },
    ...(l.campaign && { campaign: l.campaign }),
    measureplan: { kind: plan.conversions[event]!.kind, session_id: l.session, ...(l.clickIds && { click_ids: l.clickIds }) },
  },
});
const view = (v: string, m: number, l: Landing) => track(v, 'view_item', m, l, { item_id: 'tent' });
const order = (v: string, m: number, l: Landing, value: number, currency = 'NOK') => track(v, 'purchase', m, l, { transaction_id: `T${n}`, value, currency });

// ps: a Google Ads click (gclid G1, google / cpc / brand); two hours later back direct, the
// tracker still sending G1 (click ids are kept 90 days), and orders for 1,000 NOK.
const PS1: Landing = { session: 'ps-1', referrer: 'https://www.google.com/', campaign: { source: 'google', medium: 'cpc', name: 'brand' }, clickIds: { gclid: 'G1' } };
const PS2: Landing = { session: 'ps-2', clickIds: { gclid: 'G1' } };
// org: from Google's results, orders for 500 NOK.
const ORG: Landing = { session: 'org-1', referrer: 'https://www.google.no/' };
// em: the newsletter (monthly), orders for 30 EUR.
const EM: Landing = { session: 'em-1', campaign: { source: 'newsletter', medium: 'email', name: 'monthly' } };
// ref: a blog's review, no order.
const REF: Landing = { session: 'ref-1', referrer: 'https://blog.example/review' };
// fb: a Facebook post (fbclid alone, no ad), no order.
const FB: Landing = { session: 'fb-1', referrer: 'https://l.facebook.com/', clickIds: { fbclid: 'F1' } };
// dir: typed the address, orders for 200 NOK; a second page of the visit has the shop as referrer.
const DIR: Landing = { session: 'dir-1' };
// cut: the spring newsletter at minute 50, an order for 300 NOK at minute 70 in the same session.
const CUT: Landing = { session: 'cut-1', campaign: { source: 'newsletter', medium: 'email', name: 'spring' } };

const EVENTS = [
  view('ps', 0, PS1), view('ps', 120, PS2), order('ps', 125, PS2, 1000),
  view('org', 10, ORG), order('org', 15, ORG, 500),
  view('em', 20, EM), order('em', 25, EM, 30, 'EUR'),
  view('fb', 35, FB),
  view('ref', 30, REF),
  view('dir', 40, DIR), order('dir', 45, { ...DIR, referrer: `${SHOP}/cart` }, 200),
  view('cut', 50, CUT), order('cut', 70, CUT, 300),
  // The shop's server: an order for a user never seen on the site (no visitor, no session).
  { type: 'track', event: 'purchase', userId: 'u-phone', messageId: 'phone-1', timestamp: iso(10), properties: { transaction_id: 'P1', value: 99 }, context: { measureplan: { kind: 'macro' } } },
];

let dir: string;
let store: Store;
let all: Report;
let ranged: Report;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-channels-'));
  store = openStore(join(dir, 'store.db'));
  const outcomes = EVENTS.map((m) => toOutcome(m, {}, iso(500), plan));
  expect(outcomes.every((o) => 'row' in o)).toBe(true);
  store.write([outcomes]);
  all = buildReport(store.db, plan, { now: T0 + 600 * min });
  ranged = buildReport(store.db, plan, { range: { from: T0 + 60 * min, to: T0 + 300 * min }, now: T0 + 600 * min });
});
afterAll(() => { store.close(); rmSync(dir, { recursive: true, force: true }); });

const rate = (count: number, of: number) => { const w = wilson(count, of)!; return { count, of, rate: w.rate, low: w.low, high: w.high }; };

describe('the channels section, all stored events', () => {
  it('counts each session in its own channel and credits each order to the last non-direct session before it', () => {
    const ch = all.channels;
    expect(ch.attribution).toBe('last_non_direct_session');
    // 8 sessions: ps twice, org, em, fb, ref, dir, cut. 6 orders, the phone order in no channel.
    expect(ch.sessions).toBe(8);
    expect(ch.orders).toBe(6);
    expect(ch.orders_without_session).toBe(1);
    expect(ch.channels.map((c) => [c.name, c.sessions, c.visitors, c.orders, c.revenue, c.other_currencies])).toEqual([
      // em (30 EUR, apart) and cut (300 NOK).
      ['Email', 2, 2, 2, 300, { EUR: 30 }],
      // ps's return visit and dir: dir's order only; ps's order is the paid click's.
      ['Direct', 2, 2, 1, 200, {}],
      // ps's first visit: the G1 click; its order of the return visit is credited here.
      ['Paid search', 1, 1, 1, 1000, {}],
      ['Organic search', 1, 1, 1, 500, {}],
      // No order: the most sessions first, then the channels' own order.
      ['Organic social', 1, 1, 0, null, {}],
      ['Referral', 1, 1, 0, null, {}],
    ]);
  });

  it('gives the conversion rate of each channel as its visitors with an order credited to it, with the Wilson interval', () => {
    const by = new Map(all.channels.channels.map((c) => [c.channel, c.rate]));
    expect(by.get('email')).toEqual(rate(2, 2));
    // ps is a Direct visitor too, but their order went to Paid search.
    expect(by.get('direct')).toEqual(rate(1, 2));
    expect(by.get('paid_search')).toEqual(rate(1, 1));
    expect(by.get('referral')).toEqual(rate(0, 1));
  });

  it('lists the campaigns by orders, then revenue, with their source and medium', () => {
    expect(all.channels.campaigns).toEqual([
      { campaign: 'brand', source: 'google', medium: 'cpc', channel: 'paid_search', sessions: 1, orders: 1, revenue: 1000, other_currencies: {} },
      { campaign: 'spring', source: 'newsletter', medium: 'email', channel: 'email', sessions: 1, orders: 1, revenue: 300, other_currencies: {} },
      { campaign: 'monthly', source: 'newsletter', medium: 'email', channel: 'email', sessions: 1, orders: 1, revenue: null, other_currencies: { EUR: 30 } },
    ]);
    expect(all.channels.campaigns_left_out).toBe(0);
  });

  it('renders the section in text, Markdown and HTML', () => {
    const text = renderText(all);
    expect(text).toContain('Where the orders came from\n--------------------------');
    expect(text).toMatch(/^ {2}Email\s+2\s+2\s+2\s+300 NOK \+ 30 EUR\s+100 % \(\d+(\.\d)? % – 100 %\) of 2$/m);
    expect(text).toMatch(/^ {2}brand\s+google \/ cpc\s+Paid search\s+1\s+1\s+1,000 NOK$/m);
    expect(text).toContain('1 order had no session in this period');
    const md = renderText(all, 'md');
    expect(md).toContain('## Where the orders came from');
    expect(md).toMatch(/^\| Paid search \| 1 \| 1 \| 1 \| 1,000 NOK \| 100 % /m);
    const html = renderHtml(all);
    expect(html).toContain('<h2>Where the orders came from</h2>');
    expect(html).toContain('<caption class="sr">Sessions, visitors, orders and revenue per channel</caption>');
    expect(html).toMatch(/<th scope="row">Organic search<\/th><td class="n">1<\/td><td class="n">1<\/td><td class="n">1<\/td><td class="n">500 NOK<\/td>/);
  });
});

describe('the channels section of a dated range', () => {
  it('counts the sessions the range has part of, a cut one with its landing, and credits only sessions in the range', () => {
    const ch = ranged.channels;
    // From minute 60 to 300: ps's return visit (120) and cut's session (50 to 70, cut by the range's start).
    expect(ch.sessions).toBe(2);
    expect(ch.orders).toBe(2);
    expect(ch.orders_without_session).toBe(0);
    expect(ch.channels.map((c) => [c.name, c.sessions, c.visitors, c.orders, c.revenue])).toEqual([
      // cut's order at 70, in its spring-newsletter session that started at 50.
      ['Email', 1, 1, 1, 300],
      // ps's paid click (minute 0) is outside the range: the order counts as Direct. Its click id
      // G1, read from the earlier session, is still no new click.
      ['Direct', 1, 1, 1, 1000],
    ]);
    expect(ch.campaigns.map((c) => [c.campaign, c.sessions, c.orders])).toEqual([['spring', 1, 1]]);
  });
});

/** A report over a store of its own, made of `events`. */
function reportOf(events: object[], options: Parameters<typeof buildReport>[2] = {}): Report {
  const d = mkdtempSync(join(tmpdir(), 'mp-channels-'));
  const st = openStore(join(d, 'store.db'));
  try {
    st.write([events.map((m) => toOutcome(m, {}, iso(5000), plan))]);
    return buildReport(st.db, plan, { now: T0 + 6000 * min, ...options });
  } finally { st.close(); rmSync(d, { recursive: true, force: true }); }
}

describe('the credited session', () => {
  it('is the latest non-direct session at or before the order, Direct only when every earlier one was direct', () => {
    const mail: Landing = { session: 'a-1', campaign: { source: 'newsletter', medium: 'email', name: 'm' } };
    const search: Landing = { session: 'a-2', referrer: 'https://www.bing.com/' };
    const back: Landing = { session: 'a-3' };
    const b1: Landing = { session: 'b-1' };
    const b2: Landing = { session: 'b-2', referrer: 'https://shop.example/' };
    const r = reportOf([
      // a: e-mail, orders (10); Bing's results, then back direct, orders (20): the second order is Organic search's.
      view('a', 0, mail), order('a', 30, mail, 10), view('a', 120, search), view('a', 240, back), order('a', 270, back, 20),
      // b: direct twice (the shop's own page as referrer is no referral), orders (5): Direct.
      view('b', 0, b1), view('b', 120, b2), order('b', 150, b2, 5),
      // c: orders in a direct session, then comes from Google's results: a later session takes no credit.
      order('c', 10, { session: 'c-0' }, 1), view('c', 20, { session: 'c-1', referrer: 'https://www.google.com/' }),
    ]);
    expect(r.channels.channels.map((c) => [c.channel, c.sessions, c.orders, c.revenue])).toEqual([
      // a-3, b-1, b-2 and c-0; b's order (5) and c's (1).
      ['direct', 4, 2, 6],
      // a-2 and c-1; a's second order (20).
      ['organic_search', 2, 1, 20],
      ['email', 1, 1, 10],
    ]);
  });
});

describe('an order the shop\'s server sent with the user id only', () => {
  it('is credited through the visitor who signed in as that user, as the rest of the report joins it', () => {
    const social: Landing = { session: 'd-1', referrer: 'https://www.instagram.com/' };
    const r = reportOf([
      view('d', 0, social),
      { type: 'identify', anonymousId: 'd', userId: 'u-d', messageId: 'i-d', timestamp: iso(5), traits: {} },
      { type: 'track', event: 'purchase', userId: 'u-d', messageId: 'phone-d', timestamp: iso(90), properties: { transaction_id: 'P-d', value: 700 }, context: { measureplan: { kind: 'macro' } } },
    ]);
    expect(r.channels.channels.map((c) => [c.channel, c.sessions, c.orders, c.revenue, c.rate.count])).toEqual([['organic_social', 1, 1, 700, 1]]);
    expect(r.channels.orders_without_session).toBe(0);
  });
});

describe('channelsSection', () => {
  it('lists 20 campaigns at most: a flood of made-up names cannot bloat the report', () => {
    const campaigns = Array.from({ length: 500 }, (_, i) => ({ campaign: `c${i}`, source: 'x', medium: 'email', channel: 'email' as const, sessions: 1 }));
    const orders = [{ visitor: 'v123', channel: 'email' as const, campaign: 'c123', source: 'x', medium: 'email', value: 1, currency: 'NOK' }];
    const ch = channelsSection({ channels: [{ channel: 'email', sessions: 500, visitors: 500 }], campaigns }, orders, 'NOK');
    expect(ch.campaigns).toHaveLength(20);
    expect(ch.campaigns[0]!.campaign).toBe('c123');
    expect(ch.campaigns_left_out).toBe(480);
    expect(JSON.stringify(ch).length).toBeLessThan(5000);
  });
});
