// @vitest-environment jsdom
/**
 * Every page starts undecided and a consent platform answers a moment after the page's triggers
 * fired. What the visitor's earlier pages recorded must still hold (once QA 2026-12-06):
 * - a `once_per_session` / `once_per_user` limit is judged once the visitor decides, against the
 *   stored record: a pricing page under Cookiebot counted on every page of the visit;
 * - a conversion tracked before the answer carries the stored visitor, session and user, not ones
 *   of this page only: one visitor who viewed pricing and then bought was two in the report;
 * - an e-mail dedupe key is one key in any letter case, as its event id is.
 */
import { beforeEach, expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter, ConversionEvent } from '../../src/core/types';
import { example } from '../plan/fixtures';

function page(plan: any, path = '/pricing') {
  history.replaceState(null, '', path);
  const sent: ConversionEvent[] = [];
  const rec = (name: Adapter['name'], category: Adapter['category']): Adapter => ({ name, category, load: () => undefined, send: (e) => { sent.push(e); } });
  const tracker = createTracker({ plan, adapters: [rec('ga4', 'analytics'), rec('collector', 'analytics'), rec('linkedin', 'ads')] });
  const skipped: string[] = [];
  tracker.on('skipped', (s) => skipped.push(`${s.conversion}: ${s.reason}`));
  return { tracker, sent, skipped };
}
const granted = { analytics: 'granted', ads: 'granted' } as const;
beforeEach(() => localStorage.clear());

it('once_per_session holds across the pages of a visit when consent comes after the trigger', async () => {
  const perPage: number[] = [];
  const skipped: string[] = [];
  for (let load = 0; load < 3; load++) {
    const p = page(example('leadgen'));
    p.tracker.track('visited_pricing' as never); // the page_view trigger, while undecided
    p.tracker.consent(granted); // the platform's stored answer
    await p.tracker.flush();
    perPage.push(p.sent.filter((e) => e.name === 'visited_pricing').length);
    skipped.push(...p.skipped);
    await p.tracker.shutdown();
  }
  expect(perPage).toEqual([3, 0, 0]); // GA4, the collector and LinkedIn, on the first page only
  expect(skipped).toEqual(['visited_pricing: limit once_per_session', 'visited_pricing: limit once_per_session']);
});

it('once_per_user holds on a later visit when consent comes after the conversion', async () => {
  const perPage: number[] = [];
  for (const lead of ['LEAD-000001', 'LEAD-000002']) {
    const p = page(example('leadgen'), '/demo');
    p.tracker.track('demo_request' as never, { lead_id: lead } as never);
    p.tracker.consent(granted);
    await p.tracker.flush();
    perPage.push(p.sent.filter((e) => e.name === 'demo_request').length);
    await p.tracker.shutdown();
  }
  expect(perPage[0]).toBeGreaterThan(0);
  expect(perPage[1]).toBe(0);
});

it('a limit waits for the decision only: denied, it holds for the page and the conversion goes where consent allows', async () => {
  const p = page(example('leadgen'));
  p.tracker.track('visited_pricing' as never);
  p.tracker.track('visited_pricing' as never);
  p.tracker.consent({ analytics: 'denied', ads: 'granted' });
  await p.tracker.flush();
  // Analytics denied: GA4 and the collector get nothing; LinkedIn (ads granted) gets the first, the second is held by the limit.
  expect(p.sent.filter((e) => e.name === 'visited_pricing')).toHaveLength(1);
  expect(p.skipped).toEqual(['visited_pricing: ga4: analytics consent denied', 'visited_pricing: collector: analytics consent denied', 'visited_pricing: limit once_per_session']);
  await p.tracker.shutdown();
});

it("a conversion tracked before the answer carries the stored visitor, session and user once it is granted", async () => {
  const first = page(example('webshop'), '/product');
  first.tracker.consent(granted);
  first.tracker.identify('u-42');
  first.tracker.track('purchase' as never, { transaction_id: 'FS-1', value: 10, items: [{ item_id: 'A' }] } as never);
  await first.tracker.flush();
  await first.tracker.shutdown();
  const aid = JSON.parse(localStorage.getItem('mp_aid')!);
  const sess = JSON.parse(localStorage.getItem('mp_sess')!).id;
  // The next page of the visit: the order is tracked as the page loads, the platform answers a moment later.
  const second = page(example('webshop'), '/thanks');
  second.tracker.track('purchase' as never, { transaction_id: 'FS-2', value: 10, items: [{ item_id: 'A' }] } as never);
  second.tracker.consent(granted);
  await second.tracker.flush();
  const e = second.sent.find((x) => x.name === 'purchase')!;
  expect({ anonymousId: e.anonymousId, sessionId: e.sessionId, userId: e.userId }).toEqual({ anonymousId: aid, sessionId: sess, userId: 'u-42' });
  await second.tracker.shutdown();
});

it('an e-mail dedupe key in another letter case is the same lead: forwarded once, under its one event id', async () => {
  const plan: any = example('leadgen');
  plan.conversions.demo_request.properties = { email: { type: 'string' } };
  plan.conversions.demo_request.dedupe = 'email';
  delete plan.conversions.demo_request.limit;
  delete plan.conversions.demo_request.trigger;
  const p = page(plan, '/thanks');
  const dups: string[] = [];
  p.tracker.on('duplicate', (d) => dups.push(d.key));
  p.tracker.consent(granted);
  p.tracker.track('demo_request' as never, { email: 'Kari@Example.no' } as never);
  p.tracker.track('demo_request' as never, { email: 'kari@example.no' } as never);
  await p.tracker.flush();
  const sent = p.sent.filter((e) => e.name === 'demo_request');
  expect(new Set(sent.map((e) => e.id)).size).toBe(1);
  expect(sent.filter((e) => e.send).length).toBe(Object.keys(plan.conversions.demo_request.send).filter((d) => ['ga4', 'collector', 'linkedin'].includes(d)).length);
  expect(dups).toEqual(['kari@example.no']);
  await p.tracker.shutdown();
});

it('conversions tracked while undecided go out in the order tracked, the limited and deduplicated ones included', async () => {
  const p = page(example('webshop'), '/shop');
  p.tracker.track('newsletter_signup' as never); // once_per_user: waits for the decision
  p.tracker.track('add_to_cart' as never, { item_id: 'A', value: 10 } as never);
  p.tracker.track('purchase' as never, { transaction_id: 'FS-9', value: 10, items: [{ item_id: 'A' }] } as never); // dedupe: waits too
  p.tracker.consent(granted);
  await p.tracker.flush();
  const ga4 = p.sent.filter((e) => e.send.ga4 && e.kind !== 'signal');
  expect([...new Set(ga4.map((e) => e.name))]).toEqual(['newsletter_signup', 'add_to_cart', 'purchase']);
  await p.tracker.shutdown();
});

it('a user named by identify() on this page after a conversion is not put on that conversion', async () => {
  const p = page(example('webshop'), '/shop');
  p.tracker.track('add_to_cart' as never, { item_id: 'A', value: 10 } as never);
  p.tracker.identify('u-7');
  p.tracker.track('add_to_cart' as never, { item_id: 'B', value: 10 } as never);
  p.tracker.consent(granted);
  await p.tracker.flush();
  expect([...new Map(p.sent.filter((e) => e.name === 'add_to_cart').map((e) => [e.id, e.userId])).values()]).toEqual([undefined, 'u-7']);
  await p.tracker.shutdown();
});
