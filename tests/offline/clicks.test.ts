/** Reading click ids from the store: what is found for visitors, users and e-mails, and in how few queries. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readClicks } from '../../src/offline/clicks';
import { chooseClick } from '../../src/offline/match';
import type { Order } from '../../src/offline/orders';
import { toOutcome } from '../../src/server/message';
import { openStore, type Store } from '../../src/server/store';

const T = Date.UTC(2026, 2, 1, 12, 0);
const HOUR = 3_600_000;
const iso = (t: number) => new Date(t).toISOString();
let dir: string;
let store: Store;
let n = 0;
const track = (anonymousId: string, at: number, click_ids: Record<string, string>, over: Record<string, unknown> = {}) =>
  ({ type: 'track', event: 'view_item', messageId: `c-${++n}`, anonymousId, timestamp: iso(at), context: { measureplan: { click_ids } }, ...over });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'measureplan-offline-clicks-'));
  const w = openStore(join(dir, 'events.db'));
  const messages: Record<string, unknown>[] = [
    track('v1', T - 5 * HOUR, { gclid: 'G1', fbclid: 'F1' }),
    track('v1', T - 2 * HOUR, { gclid: 'G1', fbclid: 'F1' }),
    track('v1', T - HOUR, { gclid: 'G2' }),
    { type: 'identify', messageId: 'id-1', anonymousId: 'v2', userId: 'u2', timestamp: iso(T), traits: { email: 'Per.Hansen@Gmail.com' } },
    track('v3', T - 3 * HOUR, { gclid: 'G3' }, { userId: 'u2' }),
    track('v4', T - 3 * HOUR, { msclkid: 'M4' }, { userId: 'lise@example.no' }),
    track('v5', T - 3 * HOUR, { gclid: 'FORM' }),
    // v6 landed from an ad but denied ads, then granted it on a later page with another click.
    track('v6', T - 4 * HOUR, { gclid: 'G6-DENIED' }, { context: { measureplan: { click_ids: { gclid: 'G6-DENIED' }, consent: { analytics: 'granted', ads: 'denied' } } } }),
    track('v6', T - 3 * HOUR, { gclid: 'G6-PENDING' }, { context: { measureplan: { click_ids: { gclid: 'G6-PENDING' }, consent: { analytics: 'granted', ads: 'pending' } } } }),
    track('v6', T - 2 * HOUR, { gclid: 'G6' }, { context: { measureplan: { click_ids: { gclid: 'G6' }, consent: { analytics: 'granted', ads: 'granted' } } } }),
    // v7 granted ads with a click, then withdrew (or switched Global Privacy Control on) on a later page.
    track('v7', T - 4 * HOUR, { gclid: 'G7' }, { context: { measureplan: { click_ids: { gclid: 'G7' }, consent: { analytics: 'granted', ads: 'granted' } } } }),
    track('v7', T - HOUR, {}, { context: { measureplan: { consent: { analytics: 'granted', ads: 'denied' } } } }),
    // v8's browser sends Global Privacy Control: ads denied on every page, from the first.
    track('v8', T - 3 * HOUR, { fbclid: 'F8' }, { context: { measureplan: { click_ids: { fbclid: 'F8' }, consent: { analytics: 'granted', ads: 'denied' } } } }),
  ];
  for (let i = 0; i < 2000; i++) messages.push(track(`other-${String(i).padStart(4, '0')}`, T - i * 1000, i % 3 ? { gclid: `X${i}` } : {}));
  w.write([messages.map((m) => toOutcome(m, {}, iso(T), undefined))]);
  w.close();
  store = openStore(join(dir, 'events.db'), { readonly: true });
});
afterAll(() => { store.close(); rmSync(dir, { recursive: true, force: true }); });

describe('readClicks', () => {
  it("finds a visitor's click ids of the platform's kinds, with the first and last time seen", () => {
    const ix = readClicks(store.db, { visitors: ['v1'], emails: [], clickIds: [] }, ['gclid', 'wbraid', 'gbraid']);
    expect(ix.byVisitor.get('v1')).toEqual([
      { kind: 'gclid', id: 'G1', firstSeen: T - 5 * HOUR, lastSeen: T - 2 * HOUR },
      { kind: 'gclid', id: 'G2', firstSeen: T - HOUR, lastSeen: T - HOUR },
    ].sort((a, b) => (a.id < b.id ? -1 : 1)));
    expect(ix.byVisitor.has('other-0001')).toBe(false);
    expect(readClicks(store.db, { visitors: ['v1'], emails: [], clickIds: [] }, ['fbclid']).byVisitor.get('v1')).toEqual([{ kind: 'fbclid', id: 'F1', firstSeen: T - 5 * HOUR, lastSeen: T - 2 * HOUR }]);
  });

  it('never uses a click id that an event carried without ads consent (denied or undecided)', () => {
    const ix = readClicks(store.db, { visitors: ['v6'], emails: [], clickIds: ['G6-DENIED'] }, ['gclid']);
    expect(ix.byVisitor.get('v6')).toEqual([{ kind: 'gclid', id: 'G6', firstSeen: T - 2 * HOUR, lastSeen: T - 2 * HOUR }]);
    expect(ix.kindOf.has('G6-DENIED')).toBe(false);
  });

  it('uses no click of a visitor whose latest event says ads denied, one granted before included, by visitor or by the id on the order (GPC second read 2026-12-07)', () => {
    const ix = readClicks(store.db, { visitors: ['v7', 'v6'], emails: [], clickIds: ['G7'] }, ['gclid']);
    expect(ix.byVisitor.has('v7')).toBe(false);
    expect(ix.byId.has('gclid:G7')).toBe(false);
    expect(ix.withdrawn).toEqual(new Set(['v7', 'gclid:G7']));
    expect(ix.byVisitor.get('v6')?.map((c) => c.id)).toEqual(['G6']); // granted last: its granted click counts
    const order = (over: Partial<Order>): Order => ({ row: 2, time: T, value: 100, valueText: '100', currency: 'NOK', contactProblems: [], clickIds: [], ...over });
    const google = { platform: 'google-ads' as const, lookbackDays: 90, now: T + 24 * HOUR };
    const withdrawn = { reason: 'ads-withdrawn', message: "the visitor's latest visit says ads denied (a withdrawal, or Global Privacy Control): their click is not shared" };
    expect(chooseClick(order({ visitorId: 'v7' }), ix, google)).toEqual({ problem: withdrawn });
    expect(chooseClick(order({ clickIds: [{ id: 'G7', kind: 'gclid' }] }), ix, google)).toEqual({ problem: withdrawn });
    expect(chooseClick(order({ visitorId: 'v6' }), ix, google).click).toMatchObject({ id: 'G6' });
    // A click id written on the order of a withdrawn visitor, one the store never saw: not shared either (US shop review).
    expect(chooseClick(order({ visitorId: 'v7', clickIds: [{ id: 'OTHER-CLICK', kind: 'gclid' }] }), ix, google)).toEqual({ problem: withdrawn });
  });

  it('a visitor who never granted ads (Global Privacy Control from the first page) is withdrawn too: the order\'s own click id is not shared (US shop review 2026-12-07)', () => {
    const ix = readClicks(store.db, { visitors: ['v8'], emails: [], clickIds: [] }, ['fbclid']);
    expect(ix.withdrawn.has('v8')).toBe(true);
    const order: Order = { row: 2, time: T, value: 100, valueText: '100', currency: 'NOK', contactProblems: [], visitorId: 'v8', clickIds: [{ id: 'F8', kind: 'fbclid' }] };
    expect(chooseClick(order, ix, { platform: 'meta', lookbackDays: 28, now: T + HOUR }).problem?.reason).toBe('ads-withdrawn');
  });

  it('maps an e-mail to the visitors and users identified with it (traits.email, or the user id itself)', () => {
    const ix = readClicks(store.db, { visitors: [], emails: ['perhansen@gmail.com', 'LISE@example.no', 'nobody@example.no'], clickIds: [] }, ['gclid', 'msclkid']);
    expect(ix.emails.get('perhansen@gmail.com')).toEqual({ visitors: new Set(['v2']), users: new Set(['u2']) });
    expect(ix.byUser.get('u2')).toEqual([{ kind: 'gclid', id: 'G3', firstSeen: T - 3 * HOUR, lastSeen: T - 3 * HOUR }]);
    expect(ix.emails.get('lise@example.no')).toEqual({ visitors: new Set(['v4']), users: new Set(['lise@example.no']) });
    expect(ix.byVisitor.get('v4')).toEqual([{ kind: 'msclkid', id: 'M4', firstSeen: T - 3 * HOUR, lastSeen: T - 3 * HOUR }]);
    expect(ix.emails.has('nobody@example.no')).toBe(false);
  });

  it('knows the kind and time of a click id written on an order, whoever carried it, even of another kind', () => {
    const ix = readClicks(store.db, { visitors: [], emails: [], clickIds: ['FORM', 'F1'] }, ['msclkid']);
    expect(ix.kindOf.get('FORM')).toBe('gclid');
    expect(ix.kindOf.get('F1')).toBe('fbclid');
    expect(ix.byId.has('gclid:FORM')).toBe(false);
  });

  it('reads the store in at most seven queries however many orders there are (no lookup per visitor)', () => {
    const prepare = vi.spyOn(store.db, 'prepare');
    const visitors = Array.from({ length: 1500 }, (_, i) => `other-${String(i).padStart(4, '0')}`);
    const ix = readClicks(store.db, { visitors, emails: ['perhansen@gmail.com'], clickIds: ['FORM'] }, ['gclid']);
    const selects = prepare.mock.calls.map(([sql]) => String(sql).trim()).filter((sql) => /^(SELECT|WITH)/i.test(sql));
    // e-mails, the sign-ins of their users, clicks, the visitors a short reference could name, and
    // the person's other devices: their users, those users' visitors, and those visitors' consent.
    expect(selects).toHaveLength(7);
    expect(ix.byVisitor.size).toBe(1000 + 2); // other-i with i % 3 ≠ 0, plus v3 (by user) and v5 (by click id)
  });

  it('finds a visitor by the first 8 or more characters of its id, case-insensitively', () => {
    const w = openStore(join(dir, 'prefix.db'));
    const a = '3f2a9c1e-5b7d-4e11-9a0c-1d2e3f4a5b6c';
    const b = '3f2a9c1e-aaaa-4e11-9a0c-1d2e3f4a5b6c';
    w.write([[track(a, T - HOUR, { gclid: 'GA' }), track(b, T - HOUR, { gclid: 'GB' }), track('7c0ffee0-0000-4000-8000-000000000000', T - HOUR, { gclid: 'GC' })].map((m) => toOutcome(m, {}, iso(T), undefined))]);
    const ix = readClicks(w.db, { visitors: ['3F2A9C1E-5B7D', '3f2a9c1e', '7c0ffee0', a, '7c0ff'], emails: [], clickIds: [] }, ['gclid']);
    w.close();
    expect(ix.visitorIds.get('3F2A9C1E-5B7D')).toEqual(new Set([a]));
    expect(ix.visitorIds.get('3f2a9c1e')).toEqual(new Set([a, b]));
    expect(ix.visitorIds.get('7c0ffee0')).toEqual(new Set(['7c0ffee0-0000-4000-8000-000000000000']));
    expect(ix.visitorIds.get(a)).toEqual(new Set([a]));
    expect(ix.visitorIds.has('7c0ff')).toBe(false); // shorter than 8: only the exact id counts
  });

  it('knows every visitor a short reference names, also those without a usable click: the reference is then ambiguous (Node wing QA 2026-12-07)', () => {
    const w = openStore(join(dir, 'prefix-shared.db'));
    const clicked = 'abcd1234-0000-4000-8000-000000000001';
    const plain = 'abcd1234-1111-4000-8000-000000000002'; // no ad click at all
    const refused = 'abcd1234-2222-4000-8000-000000000003'; // an ad click under ads denied
    const denied = { context: { measureplan: { click_ids: { gclid: 'G-DENIED' }, consent: { analytics: 'granted', ads: 'denied' } } } };
    w.write([[track(clicked, T - HOUR, { gclid: 'G-OK' }), track(plain, T - HOUR, {}), track(refused, T - HOUR, { gclid: 'G-DENIED' }, denied)].map((m) => toOutcome(m, {}, iso(T), undefined))]);
    const ix = readClicks(w.db, { visitors: ['abcd1234', clicked.slice(0, 13)], emails: [], clickIds: [] }, ['gclid']);
    w.close();
    expect(ix.visitorIds.get('abcd1234')).toEqual(new Set([clicked, plain, refused]));
    expect(ix.visitorIds.get(clicked.slice(0, 13))).toEqual(new Set([clicked]));
    expect(ix.byVisitor.get(clicked)).toEqual([{ kind: 'gclid', id: 'G-OK', firstSeen: T - HOUR, lastSeen: T - HOUR }]);
    expect(ix.byVisitor.has(refused)).toBe(false);
  });
});
