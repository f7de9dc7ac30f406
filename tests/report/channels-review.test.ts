/**
 * Second read of the channels section and the sessions table (2026-12-07). Each case was a defect
 * or a known limit then; the limits were pinned as `it.fails` until fixed (the seventeenth
 * session fixed the last four: three in the store, schema 12, and one in the tracker).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport, type Report } from '../../src/report/build';
import { channelOf, referrerHost } from '../../src/report/channels';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';
import { recountSessions } from '../../src/server/sessions';

const planOf = (currency?: string) => (parsePlan({
  version: 1, name: 'Shop', ...(currency && { currency }), destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
    view_item: { kind: 'micro', properties: { item_id: { type: 'string' } }, send: { collector: {} } },
  },
}) as { plan: Plan }).plan;
const plan = planOf('NOK');

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0);
const iso = (m: number) => new Date(T0 + m * 60_000).toISOString();
let n = 0;
interface Ctx { session: string; referrer?: string; url?: string; campaign?: Record<string, string>; clickIds?: Record<string, string> }
const track = (visitor: string, event: string, m: number, c: Ctx, properties: Record<string, unknown>) => ({
  type: 'track', event, anonymousId: visitor, messageId: `q${++n}`, timestamp: iso(m), properties,
  context: {
    page: { url: c.url ?? 'https://shop.example/p', referrer: c.referrer ?? '' }, ...(c.campaign && { campaign: c.campaign }),
    measureplan: { kind: event === 'purchase' ? 'macro' : 'micro', session_id: c.session, ...(c.clickIds && { click_ids: c.clickIds }) },
  },
});
const view = (v: string, m: number, c: Ctx) => track(v, 'view_item', m, c, { item_id: 'tent' });
const order = (v: string, m: number, c: Ctx, value: number, currency?: string) => track(v, 'purchase', m, c, { transaction_id: `T${n}`, value, ...(currency && { currency }) });

const dirs: string[] = [];
const stores: Store[] = [];
afterEach(() => { for (const s of stores.splice(0)) s.close(); for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
function storeOf(p: Plan, ...commits: object[][]): Store {
  const d = mkdtempSync(join(tmpdir(), 'mp-qa-'));
  dirs.push(d);
  const s = openStore(join(d, 'store.db'));
  stores.push(s);
  for (const c of commits) s.write([c.map((m) => toOutcome(m, {}, iso(100_000), p))]);
  return s;
}
const channels = (s: Store) => Object.fromEntries((s.db.prepare('SELECT session_id, channel FROM sessions').raw().all() as [string, string][]));
const report = (s: Store, p = plan): Report => buildReport(s.db, p, { now: T0 + 200_000 * 60_000 });
const byChannel = (r: Report) => r.channels.channels.map((c) => [c.channel, c.sessions, c.orders, c.revenue]);

describe('click ids of two kinds in a session: the new click is the one no earlier session carried', () => {
  it('an old Google click carried along does not hide a new Microsoft Ads click (Paid search, not Organic search)', () => {
    const s = storeOf(plan,
      // Day 0: a Google Ads click.
      [view('a', 0, { session: 'g', referrer: 'https://www.google.com/', clickIds: { gclid: 'G1' } })],
      // Day 10: a Bing ad click (msclkid, no UTM: Microsoft's auto-tagging); the tracker still sends G1 (90 days).
      [view('a', 14_400, { session: 'b', referrer: 'https://www.bing.com/', clickIds: { gclid: 'G1', msclkid: 'M1' } })],
    );
    expect(channels(s)).toEqual({ g: 'paid_search', b: 'paid_search' });
  });

  it('an old Google click carried along does not hide a new LinkedIn ad click (Paid social)', () => {
    const s = storeOf(plan,
      [view('a', 0, { session: 'g', clickIds: { gclid: 'G1' } })],
      [view('a', 14_400, { session: 'l', referrer: 'https://www.linkedin.com/', clickIds: { gclid: 'G1', li_fat_id: 'L1' } })],
    );
    expect(channels(s)).toEqual({ g: 'paid_search', l: 'paid_social' });
  });
});

describe('ingest and the migration/recount agree', () => {
  it('a late earlier event without the click id takes the click from its session, at ingest as in a recount', () => {
    const s = storeOf(plan,
      // Session 1 as first stored: its first event carries G1 (Paid search). Session 2 carries G1 too: a return visit.
      [view('a', 5, { session: 's1', clickIds: { gclid: 'G1' } }), view('a', 600, { session: 's2', clickIds: { gclid: 'G1' } })],
      // Late (a queue sent late): session 1's real first event, before ads were granted: no click id, from Google's results.
      [view('a', 0, { session: 's1', referrer: 'https://www.google.com/' })],
    );
    const atIngest = channels(s);
    // The migration's fill (recountSessions) over the same events.
    s.db.exec('DELETE FROM sessions');
    recountSessions(s.db, '1');
    const recounted = channels(s);
    // Session 1 did not land with G1 (Organic search), but carried it before session 2 did: session 2 is a return.
    // (Before schema 12 the recount said s2 was the click, and ingest did not decide s2 again at all.)
    expect(recounted).toEqual({ s1: 'organic_search', s2: 'direct' });
    expect(atIngest).toEqual(recounted);
  });

  it('every order of the commits gives the sessions a recount gives', () => {
    const events = [
      view('a', 0, { session: 's1', referrer: 'https://www.google.com/' }),
      view('a', 3, { session: 's1', clickIds: { gclid: 'G1' } }),
      view('a', 1440, { session: 's2', clickIds: { gclid: 'G1' } }),
      view('a', 1442, { session: 's2', clickIds: { gclid: 'G1' } }),
      view('a', 2880, { session: 's3', referrer: 'https://www.bing.com/', clickIds: { gclid: 'G1', msclkid: 'M1' } }),
      view('a', 4320, { session: 's4', referrer: 'https://www.linkedin.com/', clickIds: { gclid: 'G1', msclkid: 'M1', li_fat_id: 'L1' } }),
      view('a', 4325, { session: 's4', clickIds: { gclid: 'G1', msclkid: 'M1', li_fat_id: 'L1' } }),
      view('a', 5760, { session: 's5', campaign: { source: 'google', medium: 'cpc', name: 'brand' }, clickIds: { gclid: 'G2', msclkid: 'M1', li_fat_id: 'L1' } }),
    ];
    const expected = { s1: 'organic_search', s2: 'direct', s3: 'paid_search', s4: 'paid_social', s5: 'paid_search' };
    const all = (st: Store) => st.db.prepare('SELECT * FROM sessions ORDER BY session_id').all();
    // Forward, backward, and shuffles (a fixed generator: the same orders every run), one event per commit.
    const orders = [events, [...events].reverse()];
    let seed = 7;
    for (let k = 0; k < 6; k++) {
      const o = [...events];
      for (let i = o.length - 1; i > 0; i--) { seed = (seed * 1103515245 + 12345) % 2 ** 31; const j = seed % (i + 1); [o[i], o[j]] = [o[j]!, o[i]!]; }
      orders.push(o);
    }
    for (const o of orders) {
      const s = storeOf(plan, ...o.map((e) => [e]));
      const atIngest = all(s);
      expect(channels(s), o.map((e) => e.timestamp).join(' ')).toEqual(expected);
      s.db.exec('DELETE FROM sessions');
      recountSessions(s.db, '1');
      expect(all(s)).toEqual(atIngest);
    }
  });
});

describe('a click id first seen after the session\'s first event', () => {
  it('is seen: the next day\'s direct return is not a new Paid search click', () => {
    const s = storeOf(plan, [
      // Organic visit; ads granted on the second page (or an ad clicked within the 30 minutes): G1 from then on.
      view('a', 0, { session: 's1', referrer: 'https://www.google.com/' }),
      view('a', 3, { session: 's1', clickIds: { gclid: 'G1' } }),
      // Next day, typed the address: the tracker still sends G1.
      view('a', 1440, { session: 's2', clickIds: { gclid: 'G1' } }),
    ]);
    expect(channels(s)).toEqual({ s1: 'organic_search', s2: 'direct' });
  });
});

describe('payment providers: a return from the payment page after the session timed out', () => {
  it('does not credit the order to Referral (paypal.com) instead of the paid click', () => {
    const s = storeOf(plan, [
      view('a', 0, { session: 's1', referrer: 'https://www.google.com/', campaign: { source: 'google', medium: 'cpc', name: 'brand' }, clickIds: { gclid: 'G1' } }),
      view('a', 4, { session: 's1', clickIds: { gclid: 'G1' } }),
      // 35 minutes at PayPal / Klarna / Vipps / 3-D Secure: the thank-you page starts a new tracker session.
      order('a', 40, { session: 's2', url: 'https://shop.example/thanks', referrer: 'https://www.paypal.com/checkoutnow?token=x', clickIds: { gclid: 'G1' } }, 1000),
    ]);
    const r = report(s);
    // On 9d9377d: [['referral', 1, 1, 1000], ['paid_search', 1, 0, null]].
    expect(byChannel(r)).toEqual([['paid_search', 1, 1, 1000], ['direct', 1, 0, null]]);
    expect(r.channels.channels.find((c) => c.channel === 'paid_search')?.orders).toBe(1);
    expect(r.channels.channels.find((c) => c.channel === 'referral')).toBeUndefined();
  });
});

describe('a landing page\'s web vitals sent at its hide, after 30 quiet minutes', () => {
  // The tracker sends a page view's vitals under the session the page view was in (tests/core/vitals-session.test.ts):
  // before, it asked for the session at the hide and got a new one, with the landing's referrer, which took the order.
  const landing = { session: 's1', url: 'https://shop.example/product/tent', referrer: 'https://www.google.com/', clickIds: { gclid: 'G1' } };
  const vital = (m: number, session: string) => ({
    type: 'track', event: 'web_vital', anonymousId: 'a', messageId: `q${++n}`, timestamp: iso(m),
    properties: { metric_name: 'LCP', metric_value: 1830, metric_delta: 1830, metric_rating: 'good', metric_id: 'v5-1', navigation_type: 'navigate' },
    context: { page: { url: landing.url, referrer: landing.referrer }, measureplan: { kind: 'signal', session_id: session, click_ids: { gclid: 'G1' } } },
  });
  const visit = (vitalSession: string) => storeOf(plan, [
    view('a', 0, landing),
    // Read for 40 minutes without a tracked event, then the tab is closed: the vitals go now.
    vital(40, vitalSession),
    // Next day: typed the address, orders.
    order('a', 1440, { session: 's3', clickIds: { gclid: 'G1' } }, 1000),
  ]);

  it('sent under the landing\'s session, as the tracker now sends them, they open no second session and the order stays with the paid click', () => {
    const s = visit('s1');
    expect(byChannel(report(s))).toEqual([['paid_search', 1, 1, 1000], ['direct', 1, 0, null]]);
    // The landing's session lasted until its vitals.
    expect(s.db.prepare("SELECT last_seen FROM sessions WHERE session_id = 's1'").pluck().get()).toBe(iso(40));
  });

  it('under a session of their own (the tracker before), they made one more, Organic search, session that took the order', () => {
    // What the store makes of such a message is unchanged: the fix is the tracker's. Kept as the record of why.
    expect(byChannel(report(visit('s2')))).toEqual([['organic_search', 1, 1, 1000], ['paid_search', 1, 0, null], ['direct', 1, 0, null]]);
  });
});

describe('the shop\'s own site', () => {
  it('a sibling subdomain (checkout.brand.example → shop.brand.example) is the shop, not a referral', () => {
    expect(referrerHost('https://checkout.brand.example/pay', 'https://shop.brand.example/thanks')).toBeNull();
  });
});

describe('GA4 facts', () => {
  it('medium "link" or "app" is Referral in GA4 (Unassigned here)', () => {
    expect(channelOf({ source: 'partner-site', medium: 'link' })).toBe('referral');
    expect(channelOf({ source: 'partner-app', medium: 'app' })).toBe('referral');
  });
  it('a web mail is no search engine (mail.aol.com, mail.yandex.ru)', () => {
    expect(channelOf({ referrer: 'mail.aol.com' })).toBe('referral');
    expect(channelOf({ referrer: 'mail.yandex.ru' })).toBe('referral');
  });
  it('a label "meta" is not Meta (meta.stackexchange.com)', () => {
    expect(channelOf({ referrer: 'meta.stackexchange.com' })).toBe('referral');
  });
  it('utm_source "meta" is still Meta, as a whole source name', () => {
    expect(channelOf({ source: 'meta', medium: 'paid_social' })).toBe('paid_social');
    expect(channelOf({ source: 'meta', medium: 'social' })).toBe('organic_social');
  });
  it('the common payment providers and card checks are no referrer; an ordinary site is', () => {
    for (const host of ['https://www.paypal.com/checkoutnow', 'https://pay.klarna.com/eu/x', 'https://api.vipps.no/x', 'https://checkout.stripe.com/c/pay', 'https://pay.google.com/x'])
      expect(referrerHost(host, 'https://shop.example/thanks'), host).toBeNull();
    expect(referrerHost('https://blog.example/review', 'https://shop.example/')).toBe('blog.example');
    expect(referrerHost('https://www.shop.co.uk/', 'https://checkout.shop.co.uk/')).toBeNull();
    expect(referrerHost('https://other.co.uk/', 'https://shop.co.uk/')).toBe('other.co.uk');
    // Two shops on one hosting platform are two sites.
    expect(referrerHost('https://other-shop.myshopify.com/', 'https://my-shop.myshopify.com/')).toBe('other-shop.myshopify.com');
    expect(referrerHost('https://my-shop.myshopify.com/cart', 'https://checkout.my-shop.myshopify.com/')).toBeNull();
  });
  it('GA4\'s own "(direct)" / "(none)" is Direct', () => {
    expect(channelOf({ source: '(direct)', medium: '(none)' })).toBe('direct');
  });
});

// Keep the import used (vitest type-checks this file).
void Database;
