/** Which click an order is credited to: sources in order, newest click, lookback window boundaries, order before click. */
import { describe, expect, it } from 'vitest';
import { emptyIndex, type Click, type ClickIndex } from '../../src/offline/clicks';
import { chooseClick, kindOf, type MatchOptions } from '../../src/offline/match';
import { emailKey } from '../../src/offline/normalise';
import type { ClickKind, Order } from '../../src/offline/orders';

const DAY = 86_400_000;
const T = Date.UTC(2026, 2, 1, 12, 0);
const NOW = T + 10 * DAY;

function order(over: Partial<Order> = {}): Order {
  return { row: 2, time: T, value: 100, valueText: '100', currency: 'NOK', contactProblems: [], clickIds: [], ...over };
}

/** A store's worth of clicks: [visitor, kind, id, firstSeen, user?]. */
function index(clicks: [string, ClickKind, string, number, string?][], emails: Record<string, { visitors?: string[]; users?: string[] }> = {}): ClickIndex {
  const ix = emptyIndex();
  for (const [visitor, kind, id, firstSeen, user] of clicks) {
    const c: Click = { kind, id, firstSeen, lastSeen: firstSeen };
    ix.byVisitor.set(visitor, [...(ix.byVisitor.get(visitor) ?? []), c]);
    if (user) ix.byUser.set(user, [...(ix.byUser.get(user) ?? []), c]);
    const known = ix.byId.get(`${kind}:${id}`);
    if (!known || known.firstSeen > firstSeen) ix.byId.set(`${kind}:${id}`, { ...c });
    ix.kindOf.set(id, kind);
  }
  for (const [e, who] of Object.entries(emails)) ix.emails.set(emailKey(e)!, { visitors: new Set(who.visitors ?? []), users: new Set(who.users ?? []) });
  return ix;
}

const google: MatchOptions = { platform: 'google-ads', lookbackDays: 90, now: NOW };

describe('the lookback window', () => {
  it('a click exactly 90 days before the order is inside; a millisecond more is outside', () => {
    expect(chooseClick(order({ visitorId: 'v' }), index([['v', 'gclid', 'g', T - 90 * DAY]]), google).click).toMatchObject({ id: 'g', source: 'visitor_id', clickTime: T - 90 * DAY });
    const r = chooseClick(order({ visitorId: 'v' }), index([['v', 'gclid', 'g', T - 90 * DAY - 1]]), google);
    expect(r.click).toBeUndefined();
    expect(r.problem).toEqual({ reason: 'outside-lookback', message: "the visitor's gclid was first seen over 90 days before the order, outside the lookback window of 90 days" });
  });

  it('follows --lookback-days', () => {
    const ix = index([['v', 'gclid', 'g', T - 31 * DAY]]);
    expect(chooseClick(order({ visitorId: 'v' }), ix, { ...google, lookbackDays: 30 }).problem).toEqual({ reason: 'outside-lookback', message: "the visitor's gclid was first seen 31 days before the order, outside the lookback window of 30 days" });
    expect(chooseClick(order({ visitorId: 'v' }), ix, { ...google, lookbackDays: 31 }).click?.id).toBe('g');
  });

  it('a click at the very time of the order counts; one a second later is after the order', () => {
    expect(chooseClick(order({ visitorId: 'v' }), index([['v', 'gclid', 'g', T]]), google).click?.id).toBe('g');
    const r = chooseClick(order({ visitorId: 'v' }), index([['v', 'gclid', 'g', T + 1000]]), google);
    expect(r.problem).toEqual({ reason: 'before-click', message: "the order is 1 minute before the visitor's gclid was first seen: an order cannot be credited to a later click" });
  });
});

describe('choosing among clicks', () => {
  it('takes the newest click before the order, not a later one', () => {
    const ix = index([['v', 'gclid', 'old', T - 20 * DAY], ['v', 'gclid', 'new', T - 2 * DAY], ['v', 'gclid', 'after', T + DAY]]);
    expect(chooseClick(order({ visitorId: 'v' }), ix, google).click?.id).toBe('new');
  });

  it("takes only the platform's kinds; iOS ids count for Google, gclid preferred at the same time", () => {
    const ix = index([['v', 'msclkid', 'm', T - DAY], ['v', 'wbraid', 'w', T - 3 * DAY], ['v', 'gclid', 'g', T - 3 * DAY]]);
    expect(chooseClick(order({ visitorId: 'v' }), ix, google).click).toMatchObject({ kind: 'gclid', id: 'g' });
    expect(chooseClick(order({ visitorId: 'v' }), ix, { ...google, platform: 'microsoft' }).click).toMatchObject({ kind: 'msclkid', id: 'm' });
    expect(chooseClick(order({ visitorId: 'v' }), ix, { ...google, platform: 'meta' })).toEqual({});
    const ios = index([['v', 'wbraid', 'w', T - DAY], ['v', 'gclid', 'g', T - 3 * DAY]]);
    expect(chooseClick(order({ visitorId: 'v' }), ios, google).click).toMatchObject({ kind: 'wbraid', id: 'w' });
  });

  it('reports the problem of the newest click before the order rather than of a later click', () => {
    const ix = index([['v', 'gclid', 'old', T - 100 * DAY], ['v', 'gclid', 'after', T + DAY]]);
    expect(chooseClick(order({ visitorId: 'v' }), ix, google).problem?.reason).toBe('outside-lookback');
  });

  it('Google: a click younger than 6 hours is refused until later; other platforms take it', () => {
    const ix = index([['v', 'gclid', 'g', T - 3_600_000], ['v', 'msclkid', 'm', T - 3_600_000]]);
    const o = order({ visitorId: 'v' });
    expect(chooseClick(o, ix, { ...google, now: T }).problem?.reason).toBe('too-recent');
    expect(chooseClick(o, ix, { ...google, now: T + 6 * 3_600_000 }).click?.id).toBe('g');
    expect(chooseClick(o, ix, { ...google, platform: 'microsoft', now: T }).click?.id).toBe('m');
  });

  it('Google: waits for a too-recent newest click rather than credit an older one', () => {
    const ix = index([['v', 'gclid', 'new', T - 3_600_000], ['v', 'gclid', 'old', T - 3 * DAY]]);
    expect(chooseClick(order({ visitorId: 'v' }), ix, { ...google, now: T })).toEqual({ problem: expect.objectContaining({ reason: 'too-recent' }) });
  });
});

describe('where the click id comes from', () => {
  it('the click id on the order comes first, checked against the store when it knows it', () => {
    const ix = index([['v', 'gclid', 'visitor', T - DAY], ['x', 'gclid', 'form', T - 2 * DAY]]);
    expect(chooseClick(order({ visitorId: 'v', clickIds: [{ id: 'form' }] }), ix, google).click).toEqual({ kind: 'gclid', id: 'form', clickTime: T - 2 * DAY, source: 'click_id' });
    expect(chooseClick(order({ clickIds: [{ id: 'unknown' }] }), ix, google).click).toEqual({ kind: 'gclid', id: 'unknown', source: 'click_id' });
  });

  it('a click id on the order that fails falls back to the visitor, keeping the problem if that fails too', () => {
    const ix = index([['x', 'gclid', 'form', T + DAY], ['v', 'gclid', 'visitor', T - DAY]]);
    expect(chooseClick(order({ visitorId: 'v', clickIds: [{ id: 'form' }] }), ix, google).click?.id).toBe('visitor');
    expect(chooseClick(order({ clickIds: [{ id: 'form' }] }), ix, google).problem?.message).toMatch(/before the gclid on the order was first seen/);
  });

  it("a click id of another platform's kind is not used", () => {
    const ms = '0123456789abcdef0123456789abcdef';
    expect(chooseClick(order({ clickIds: [{ id: ms }] }), emptyIndex(), google)).toEqual({});
    expect(chooseClick(order({ clickIds: [{ id: 'g', kind: 'gclid' }] }), emptyIndex(), { ...google, platform: 'microsoft' })).toEqual({});
  });

  it('a short visitor reference names the one visitor whose id starts with it; two are ambiguous', () => {
    const ix = index([['3f2a9c1e-5b7d', 'gclid', 'GA', T - DAY], ['3f2a9c1e-aaaa', 'gclid', 'GB', T - DAY]]);
    ix.visitorIds.set('3f2a9c1e-5b', new Set(['3f2a9c1e-5b7d']));
    ix.visitorIds.set('3f2a9c1e', new Set(['3f2a9c1e-5b7d', '3f2a9c1e-aaaa']));
    expect(chooseClick(order({ visitorId: '3f2a9c1e-5b' }), ix, google).click?.id).toBe('GA');
    expect(chooseClick(order({ visitorId: '3f2a9c1e' }), ix, google).problem).toEqual({ reason: 'ambiguous-visitor', message: "the visitor id 3f2a9c1e is the start of 2 visitors' ids in the store: give more of it" });
  });

  it("else the clicks of the visitors and users identified with the order's e-mail", () => {
    const ix = index([['v1', 'gclid', 'phone-visit', T - 5 * DAY], ['v2', 'gclid', 'laptop', T - 2 * DAY, 'user-7']], { 'kari.nordmann@gmail.com': { visitors: ['v1'], users: ['user-7'] } });
    expect(chooseClick(order({ email: 'karinordmann@gmail.com' }), ix, google).click).toMatchObject({ id: 'laptop', source: 'email' });
    expect(chooseClick(order({ email: 'someone@else.no' }), ix, google)).toEqual({});
  });
});

describe('kindOf', () => {
  it('uses the column, the store, the shape, then the platform', () => {
    const ix = index([['v', 'wbraid', 'w1', T]]);
    expect(kindOf({ id: 'x', kind: 'fbclid' }, 'google-ads', ix)).toBe('fbclid');
    expect(kindOf({ id: 'w1' }, 'google-ads', ix)).toBe('wbraid');
    expect(kindOf({ id: '0123456789ABCDEF0123456789abcdef' }, 'google-ads')).toBe('msclkid');
    expect(kindOf({ id: 'fb.1.1554763741205.AbCdEf' }, 'google-ads')).toBe('fbclid');
    expect(kindOf({ id: 'Cj0KCQ' }, 'google-ads')).toBe('gclid');
    expect(kindOf({ id: 'IwAR0x' }, 'meta')).toBe('fbclid');
    expect(kindOf({ id: 'abc' }, 'microsoft')).toBeUndefined();
    expect(kindOf({ id: 'abc', kind: 'msclkid' }, 'microsoft')).toBe('msclkid');
  });
});
