// @vitest-environment jsdom
/**
 * A page view's Core Web Vitals go under the session that page view was in. They are sent when the
 * page is hidden, often long after its last activity: asking for the session then opened a new one
 * after 30 quiet minutes, carrying the landing page's referrer, and the collector's report gave
 * that session (Organic search) a later order that came from the paid click (channels review
 * 2026-12-07). Nor are they activity that keeps a session going.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter, ConversionEvent } from '../../src/core/types';
import type { VitalsHooks } from '../../src/journey/vitals-types';
import { journeyPlan } from '../journey/journey-plan';

const MIN = 60_000;
let clock = Date.now();
afterEach(() => { vi.restoreAllMocks(); localStorage.clear(); });

/** A shop page with a recording collector, once the page-experience module has started; `at(m)` moves the clock to m minutes after the start. */
async function shop() {
  history.replaceState(null, '', '/product/tent');
  const sent: ConversionEvent[] = [];
  const collector: Adapter = { name: 'collector', category: 'analytics', load() {}, send(e) { sent.push(e); } };
  let hooks!: VitalsHooks;
  const t = createTracker({ plan: { ...journeyPlan(), vitals: { send: { collector: {} } } } as any, adapters: [collector], loadVitals: async () => ({ startVitals: (h: VitalsHooks) => { hooks = h; } }) } as any);
  window.dispatchEvent(new Event('load'));
  // The module starts when the browser is idle: jsdom has no requestIdleCallback, the fallback is a 1 ms timer.
  await new Promise((r) => setTimeout(r, 50));
  expect(hooks).toBeDefined();
  const start = Date.now();
  const at = (m: number) => { clock = start + m * MIN; };
  vi.spyOn(Date, 'now').mockImplementation(() => clock);
  at(0);
  const sessions = (name: string) => sent.filter((e) => e.name === name).map((e) => e.sessionId);
  return { t, hooks, at, sessions };
}
const lcp = { name: 'LCP' as const, value: 1830, rating: 'good' as const, id: 'v6-1', navigationType: 'navigate' };

it('a vital sent at the hide after 40 quiet minutes goes under the landing\'s session, and the next visit starts a new one', async () => {
  const { t, hooks, at, sessions } = await shop();
  t.track('view_item', { item_id: 'tent' });
  at(40);
  hooks.final(lcp);
  at(41);
  t.track('add_to_cart', { item_id: 'tent', value: 10 });
  const [landing] = sessions('view_item');
  expect(sessions('web_vital')).toEqual([landing]);
  expect(sessions('add_to_cart')[0]).not.toBe(landing);
  await t.shutdown();
}, 10_000);

it('a vital is no activity: it does not keep the session going past 30 minutes after the last conversion', async () => {
  const { t, hooks, at, sessions } = await shop();
  t.track('view_item', { item_id: 'tent' });
  at(20);
  hooks.final(lcp); // the tab hidden 20 minutes in
  at(45); // back 25 minutes after the hide, 45 after the last conversion
  t.track('add_to_cart', { item_id: 'tent', value: 10 });
  expect(sessions('web_vital')).toEqual(sessions('view_item'));
  expect(sessions('add_to_cart')[0]).not.toBe(sessions('view_item')[0]);
  await t.shutdown();
}, 10_000);

it('in a single-page app, a route after 40 quiet minutes starts a new session, and the load\'s vitals stay in the first', async () => {
  const { t, hooks, at, sessions } = await shop();
  t.track('view_item', { item_id: 'tent' });
  at(40);
  history.pushState(null, '', '/checkout');
  t.track('begin_checkout');
  hooks.final(lcp);
  const [landing] = sessions('view_item');
  expect(sessions('begin_checkout')[0]).not.toBe(landing);
  expect(sessions('web_vital')).toEqual([landing]);
  await t.shutdown();
}, 10_000);

it('after a sign-out the page is the next person\'s: its vitals go under their session, not the signed-out visitor\'s', async () => {
  const { t, hooks, sessions } = await shop();
  t.identify('u-1');
  t.track('view_item', { item_id: 'tent' });
  t.identify(null);
  t.track('add_to_cart', { item_id: 'tent', value: 10 });
  hooks.final(lcp);
  expect(sessions('add_to_cart')[0]).not.toBe(sessions('view_item')[0]);
  expect(sessions('web_vital')).toEqual(sessions('add_to_cart'));
  await t.shutdown();
}, 10_000);
