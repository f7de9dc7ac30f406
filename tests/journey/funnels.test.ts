// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { journeyPlan } from './journey-plan';
import { HOUR, nextPage, page, settle, leave } from './harness';

const T0 = Date.UTC(2026, 11, 4, 9, 0, 0);
beforeEach(() => { leave(); localStorage.clear(); vi.useFakeTimers({ now: T0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }); });
afterEach(() => { vi.useRealTimers(); });
const iso = (t: number) => new Date(t).toISOString();
const tent = { item_id: 'SKU-TENT', item_name: 'Tent', value: 2499 };
const boots = { item_id: 'SKU-BOOT', item_name: 'Boots', value: 1800 };

describe('funnel context on every step', () => {
  it('gives each step its funnel, 1-based step and step count, for every destination that takes properties', async () => {
    const p = page(journeyPlan());
    p.tracker.track('view_item', { item_id: 'SKU-1', value: 100 });
    p.tracker.track('add_to_cart', { item_id: 'SKU-1', value: 100 });
    for (const dest of ['ga4', 'meta', 'collector'] as const) {
      expect(p.sent[dest].map((e) => [e.properties.funnel, e.properties.funnel_step, e.properties.funnel_steps])).toEqual([['checkout', 1, 4], ['checkout', 2, 4]]);
    }
  });

  it('adds nothing to a conversion that is no step', async () => {
    const p = page(journeyPlan());
    p.tracker.track('remove_from_cart', { item_id: 'SKU-1' });
    expect(p.sent.collector[0]!.properties).toEqual({ item_id: 'SKU-1' });
  });

  it('accepts the list form too', async () => {
    const p = page(journeyPlan({ funnels: { checkout: ['view_item', 'purchase'] } }));
    p.tracker.track('purchase', { transaction_id: 'T-1', value: 5 });
    return settle(p).then(() => expect(p.sent.ga4[0]!.properties).toMatchObject({ funnel: 'checkout', funnel_step: 2, funnel_steps: 2 }));
  });
});

describe('the visitor\'s furthest step, kept across reloads', () => {
  it('is undefined before the first step, then follows the steps in order across pages', async () => {
    let p = page(journeyPlan());
    expect(p.tracker.funnel('checkout')).toBeUndefined();
    p.tracker.track('view_item', { item_id: 'SKU-1', value: 100 });
    vi.advanceTimersByTime(60_000);
    p.tracker.track('add_to_cart', { item_id: 'SKU-1', value: 100 });
    expect(p.tracker.funnel('checkout')).toMatchObject({ funnel: 'checkout', step: 2, steps: 4, conversion: 'add_to_cart', complete: false, expired: false, started: new Date(T0).toISOString(), at: new Date(T0 + 60_000).toISOString() });

    vi.advanceTimersByTime(HOUR);
    p = await nextPage(journeyPlan()); // a reload: a new tracker on the same storage
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2, conversion: 'add_to_cart' });
    p.tracker.track('begin_checkout');
    p.tracker.track('purchase', { transaction_id: 'T-1', value: 100 });
    await settle(p);
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 4, complete: true });
  });

  it('does not skip a step: the furthest step is the last one reached in order', async () => {
    const p = page(journeyPlan());
    p.tracker.track('view_item', { item_id: 'SKU-1' });
    p.tracker.track('begin_checkout'); // add_to_cart missing
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 1 });
  });

  it('keeps the furthest step when step 1 happens again during the attempt, and starts over after the window', async () => {
    const p = page(journeyPlan());
    p.tracker.track('view_item', { item_id: 'SKU-1' });
    p.tracker.track('add_to_cart', { item_id: 'SKU-1' });
    p.tracker.track('view_item', { item_id: 'SKU-2' });
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2 });
    vi.advanceTimersByTime(25 * HOUR); // the plan's window is one day
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2, expired: true });
    p.tracker.track('begin_checkout'); // too late for this attempt
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2 });
    p.tracker.track('view_item', { item_id: 'SKU-3' });
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 1, expired: false, started: new Date(T0 + 25 * HOUR).toISOString() });
  });

  it('stores nothing before analytics consent, keeps the page\'s progress in memory, and stores it on a grant', async () => {
    const p = page(journeyPlan({ consent: { default: { analytics: 'denied', ads: 'denied' } } }));
    p.tracker.track('view_item', { item_id: 'SKU-1' });
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 1 });
    expect(localStorage.getItem('mp_fun')).toBeNull();
    p.tracker.consent({ analytics: 'granted' });
    expect(JSON.parse(localStorage.getItem('mp_fun')!)).toEqual({ checkout: { step: 1, at: T0, start: T0 } });
    p.tracker.consent({ analytics: 'denied' });
    expect(localStorage.getItem('mp_fun')).toBeNull();
  });

  it('does not count a duplicate order as a step', async () => {
    const plan = () => journeyPlan({ funnels: { after_order: ['purchase', 'view_item'] } });
    let p = page(plan());
    p.tracker.track('purchase', { transaction_id: 'T-9', value: 1 });
    await settle(p);
    expect(p.tracker.funnel('after_order')).toMatchObject({ step: 1 });
    localStorage.removeItem('mp_fun');
    p = await nextPage(plan());
    p.tracker.track('purchase', { transaction_id: 'T-9', value: 1 }); // the confirmation page reloaded
    await settle(p);
    expect(p.heard.duplicate).toHaveLength(1);
    expect(p.tracker.funnel('after_order')).toBeUndefined();
  });
});

describe('stored progress the plan no longer matches', () => {
  it('a list in mp_fun (the site\'s own code, an older version) is dropped: progress is kept across pages again', async () => {
    localStorage.setItem('mp_fun', '[]');
    let p = page(journeyPlan());
    p.tracker.track('view_item', tent);
    p.tracker.track('add_to_cart', tent);
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2 });
    p = await nextPage(journeyPlan());
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 2, conversion: 'add_to_cart' });
  });

  it('a visitor who completed a funnel that the plan has since shortened can start it again', async () => {
    // A marketer removes a step; the visitor's stored progress says "step 5" of what is now a 4-step funnel.
    const five = () => journeyPlan({ funnels: { checkout: ['view_item', 'add_to_cart', 'begin_checkout', 'remove_from_cart', 'purchase'] } } as never);
    const four = () => journeyPlan({ funnels: { checkout: ['view_item', 'add_to_cart', 'begin_checkout', 'purchase'] } } as never);
    let p = page(five());
    p.tracker.track('view_item', tent);
    p.tracker.track('add_to_cart', tent);
    p.tracker.track('begin_checkout');
    p.tracker.track('remove_from_cart', tent);
    p.tracker.track('purchase', { transaction_id: 'T-1', value: 2499 });
    await settle(p);
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 5, complete: true });
    vi.advanceTimersByTime(24 * HOUR);
    p = await nextPage(four());
    expect(p.tracker.funnel('checkout')).toBeUndefined(); // step 5 of 4 is no progress this funnel knows
    const back = Date.now();
    p.tracker.track('view_item', boots); // a new attempt (the list form has no window: nothing else can end the old one)
    expect(p.tracker.funnel('checkout')).toMatchObject({ step: 1, steps: 4, conversion: 'view_item', started: iso(back) });
  });

  it('a funnel named "constructor" (a valid plan name) starts undefined and counts its steps', () => {
    const p = page(journeyPlan({ funnels: { constructor: ['view_item', 'add_to_cart'] } } as never));
    expect(p.heard.error).toBeUndefined();
    expect(p.tracker.funnel('constructor')).toBeUndefined();
    p.tracker.track('view_item', tent);
    expect(p.tracker.funnel('constructor')).toMatchObject({ step: 1, steps: 2, conversion: 'view_item', started: iso(T0) });
  });
});
