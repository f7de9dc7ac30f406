// @vitest-environment jsdom
/**
 * A visitor's clock that was ahead and is corrected (time QA 2026-12-06): a stored time in the
 * future counted as no time passed, so the old session, funnel and cart went on for days.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { journeyPlan } from './journey-plan';
import { HOUR, nextPage, page, leave } from './harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
const DAY = 24 * HOUR;
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });

const plan = () => {
  const p: any = journeyPlan();
  p.conversions.visited_pricing = { kind: 'micro', supports: ['purchase'], limit: 'once_per_session', send: { ga4: { event: 'view_pricing' }, collector: {} } };
  return p;
};
const tent = { item_id: 'SKU-TENT', item_name: 'Tent', item_category: 'Tents', value: 2499 };

describe('session timeout with a clock that was ahead and is corrected', () => {
  it('control: 5 h of inactivity with a correct clock starts a new session and once_per_session fires again', async () => {
    let p = page(plan());
    p.tracker.track('visited_pricing', {});
    const s1 = p.sent.collector[0]!.sessionId;
    vi.setSystemTime(T0 + 5 * HOUR);
    p = await nextPage(plan());
    p.tracker.track('visited_pricing', {});
    expect(p.sent.collector.length).toBe(1);
    expect(p.sent.collector[0]!.sessionId).not.toBe(s1);
  });
  it('a visit made while the device clock was 1 day ahead; the visitor returns 5 real hours later with the clock fixed', async () => {
    vi.setSystemTime(T0 + DAY); // device clock wrong by +1 day
    let p = page(plan());
    p.tracker.track('visited_pricing', {});
    const s1 = p.sent.collector[0]!.sessionId;
    vi.setSystemTime(T0 + 5 * HOUR); // NTP fixed the clock; 5 real hours later
    p = await nextPage(plan());
    p.tracker.track('visited_pricing', {});
    p.tracker.track('begin_checkout', {});
    expect(p.sent.collector.filter((e: any) => e.name === 'visited_pricing').length).toBe(1); // a new session after 5 h without activity
    expect(p.sent.collector[0]!.sessionId).not.toBe(s1);
  });
});

describe('cart abandonment with a clock set forward then back', () => {
  it('a cart added, the clock jumps +3 h for one page, then back; the order completes 5 min later', async () => {
    let p = page(plan());
    p.tracker.track('add_to_cart', tent);
    vi.advanceTimersByTime(60_000);
    vi.setSystemTime(T0 + 3 * HOUR); // clock wrong for one page view
    p = await nextPage(plan());
    vi.runOnlyPendingTimers();
    const wrongly = p.heard.cart_abandoned?.length ?? 0;
    vi.setSystemTime(T0 + 5 * 60_000); // clock set back
    p = await nextPage(plan());
    vi.runOnlyPendingTimers();
    const again = p.heard.cart_abandoned?.length ?? 0;
    p.tracker.track('purchase', { transaction_id: 'T-1', value: 2499 });
    vi.setSystemTime(T0 + 4 * HOUR);
    p = await nextPage(plan());
    vi.runOnlyPendingTimers();
    expect(again + (p.heard.cart_abandoned?.length ?? 0)).toBe(0);
  });
  it('a cart added while the clock is 2 days ahead; clock fixed; the visitor comes back 3 real hours later', async () => {
    vi.setSystemTime(T0 + 2 * DAY);
    const first = page(plan());
    first.tracker.track('add_to_cart', tent);
    vi.setSystemTime(T0 + 3 * HOUR);
    const p = await nextPage(plan());
    vi.runOnlyPendingTimers();
    // Once, by whichever page checked first (the earlier page's tracker is still alive in the test).
    expect((first.heard.cart_abandoned?.length ?? 0) + (p.heard.cart_abandoned?.length ?? 0)).toBe(1);
  });
});

describe('funnel within with a clock that was ahead', () => {
  it('step 1 with the clock 3 days ahead, step 2 a real 2 days later (within 1d): not counted as step 2', async () => {
    vi.setSystemTime(T0 + 3 * DAY);
    let p = page(plan());
    p.tracker.track('view_item', tent);
    vi.setSystemTime(T0 + 2 * DAY);
    p = await nextPage(plan());
    p.tracker.track('add_to_cart', tent);
    expect(p.tracker.funnel('checkout').step).toBe(1);
  });
});

describe('a clock set back by less than the window', () => {
  it('a clock 2 minutes fast, corrected 10 s into the visit: the same session, nothing abandoned, once_per_session once (diff read 2026-12-06)', async () => {
    vi.setSystemTime(T0 + 120_000); // device clock 2 minutes fast
    let p = page(plan());
    const first = p;
    p.tracker.track('visited_pricing', {});
    p.tracker.track('view_item', tent);
    p.tracker.track('add_to_cart', tent);
    const s1 = p.sent.collector[0]!.sessionId;
    vi.setSystemTime(T0 + 10_000); // the OS corrects the clock; 10 real seconds after the add
    p = await nextPage(plan());
    vi.runOnlyPendingTimers();
    p.tracker.track('visited_pricing', {});
    p.tracker.track('begin_checkout', {});
    vi.runOnlyPendingTimers(); await Promise.resolve();
    const sessions = new Set(p.sent.collector.map((e: any) => e.sessionId));
    expect((first.heard.cart_abandoned?.length ?? 0) + (p.heard.cart_abandoned?.length ?? 0)).toBe(0);
    expect(p.names('collector').filter((n: string) => n === 'visited_pricing').length).toBe(0);
    expect(sessions.has(s1)).toBe(true);
    expect(p.tracker.funnel('checkout').step).toBe(3); // view_item, add_to_cart, begin_checkout: not started over
  });
});
