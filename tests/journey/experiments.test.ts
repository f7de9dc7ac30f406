// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { assign, bucketHash } from '../../src/journey/experiments';

/**
 * Visitor ids in the anonymous-id format, from a seeded generator: the same 10,000 ids on every
 * run, so the split test judges the hash, never the luck of the draw.
 */
function ids(n: number, seed = 20261204): string[] {
  let a = seed;
  const rnd = () => { a = (a + 0x6d2b79f5) | 0; let t = Math.imul(a ^ (a >>> 15), 1 | a); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32; };
  const hex = (k: number) => Array.from({ length: k }, () => Math.floor(rnd() * 16).toString(16)).join('');
  return Array.from({ length: n }, () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`);
}
import { journeyPlan } from './journey-plan';
import { nextPage, page, leave } from './harness';

beforeEach(() => { leave(); localStorage.clear(); });

describe('assignment', () => {
  it.each([[[50, 50]], [[10, 90]], [[20, 30, 50]]])('splits 10,000 visitor ids within 1 percentage point of the weights %j', (weights) => {
    const variants = weights.map((_, i) => `v${i}`);
    const counts = new Map<string, number>();
    for (const id of ids(10_000)) {
      const v = assign(id, 'free_shipping_banner', variants, weights);
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const total = weights.reduce((a, b) => a + b, 0);
    variants.forEach((v, i) => expect(Math.abs((counts.get(v) ?? 0) / 100 - (weights[i]! / total) * 100)).toBeLessThan(1));
  });

  it('gives the same id the same variant every time, and other experiments an independent one', async () => {
    const visitors = ids(200, 7);
    const first = visitors.map((id) => assign(id, 'a', ['control', 'b'], [1, 1]));
    expect(visitors.map((id) => assign(id, 'a', ['control', 'b'], [1, 1]))).toEqual(first);
    const other = visitors.map((id) => assign(id, 'b', ['control', 'b'], [1, 1]));
    const same = other.filter((v, i) => v === first[i]).length;
    expect(same).toBeGreaterThan(60); // independent: about half agree
    expect(same).toBeLessThan(140);
  });

  it('spreads hashes of near-identical texts over the whole range', async () => {
    const top = Array.from({ length: 1000 }, (_, i) => bucketHash(`x:${i}`) >= 2 ** 31).filter(Boolean).length;
    expect(top).toBeGreaterThan(430);
    expect(top).toBeLessThan(570);
  });
});

describe('tracker.variant() and exposures', () => {
  it('is stable across pages for a visitor, and records one exposure per visitor', async () => {
    const p = page(journeyPlan());
    const v = p.tracker.variant('free_shipping_banner');
    expect(['control', 'banner']).toContain(v);
    expect(p.tracker.variant('free_shipping_banner')).toBe(v);
    const next = await nextPage(journeyPlan());
    expect(next.tracker.variant('free_shipping_banner')).toBe(v);
    expect([...(p.heard.exposure ?? []), ...(next.heard.exposure ?? [])]).toEqual([{ experiment: 'free_shipping_banner', variant: v }]);
    // GA4's recommended experiment event, and the collector's exposure event, once.
    expect(p.sent.ga4.map((e) => [e.send.ga4?.event, e.properties.exp_variant_string])).toEqual([['experience_impression', `measureplan-free_shipping_banner-${v}`]]);
    expect(p.sent.collector.map((e) => [e.name, e.kind, e.properties.experiment_id, e.properties.variant_id])).toEqual([['experiment_viewed', 'signal', 'free_shipping_banner', v]]);
    expect(next.sent.ga4).toEqual([]);
    expect(p.sent.meta).toEqual([]); // not an ad conversion
  });

  it('keeps an exposed visitor in their variant when the plan changes the weights during the test (statistics QA 2026-12-06)', async () => {
    const plan = journeyPlan();
    const p = page(plan);
    const v = p.tracker.variant('free_shipping_banner');
    // Nearly all new visitors go to the other variant from now on: this visitor stays where they were.
    const other = v === 'control' ? [1, 10_000] : [10_000, 1];
    const next = await nextPage({ ...plan, experiments: { free_shipping_banner: { variants: ['control', 'banner'], weights: other, goal: 'purchase' } } });
    expect(next.tracker.variant('free_shipping_banner')).toBe(v);
    expect(next.heard.exposure ?? []).toEqual([]);
  });

  it('two tabs of the visitor opened at once (a restored session) record one exposure, not one per tab', async () => {
    const first = page(journeyPlan());
    first.tracker.track('phone_click'); // the visitor's id is stored
    leave();
    const a = page(journeyPlan()); // both tabs load from the same storage
    const b = page(journeyPlan());
    const v = a.tracker.variant('free_shipping_banner');
    expect(b.tracker.variant('free_shipping_banner')).toBe(v);
    expect([...(a.heard.exposure ?? []), ...(b.heard.exposure ?? [])]).toEqual([{ experiment: 'free_shipping_banner', variant: v }]);
    expect([...a.sent.collector, ...b.sent.collector].filter((e) => e.name === 'experiment_viewed')).toHaveLength(1);
  });

  it('from the exposure on, every conversion carries the visitor\'s experiments', async () => {
    const p = page(journeyPlan());
    p.tracker.track('view_item', { item_id: 'SKU-1' });
    const v = p.tracker.variant('free_shipping_banner');
    p.tracker.track('view_item', { item_id: 'SKU-2' });
    const views = p.sent.collector.filter((e) => e.name === 'view_item');
    expect(views.map((e) => e.experiments)).toEqual([undefined, { free_shipping_banner: v }]);
  });

  it('without analytics consent: the control, nothing recorded, and the page keeps that answer after a grant', async () => {
    const p = page(journeyPlan({ consent: { default: { analytics: 'denied', ads: 'denied' } } }));
    expect(p.tracker.variant('free_shipping_banner')).toBe('control');
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    expect(p.tracker.variant('free_shipping_banner')).toBe('control');
    expect(p.heard.exposure).toBeUndefined();
    expect(localStorage.getItem('mp_exp')).toBeNull();
  });

  it('an unknown experiment is reported, never thrown', async () => {
    const p = page(journeyPlan());
    expect(p.tracker.variant('nope')).toBeUndefined();
    expect(p.heard.error?.[0]).toMatchObject({ path: 'experiments.nope' });
  });

  it('tracker.experiment() records another tool\'s assignment: one exposure, and conversions carry it', async () => {
    const p = page(journeyPlan());
    p.tracker.experiment('checkout_copy', 'short');
    p.tracker.experiment('checkout_copy', 'short');
    p.tracker.experiment('free_shipping_banner', 'nonsense');
    p.tracker.track('begin_checkout');
    expect(p.heard.exposure).toEqual([{ experiment: 'checkout_copy', variant: 'short' }]);
    expect(p.heard.error?.map((e) => e.path)).toEqual(['experiments.free_shipping_banner.variants']);
    expect(p.sent.collector.at(-1)).toMatchObject({ name: 'begin_checkout', experiments: { checkout_copy: 'short' } });
  });

  it('a conversion held for the consent answer carries only the experiments the visitor was in when it was tracked (experiments QA 2026-12-06)', async () => {
    localStorage.setItem('mp_exp', JSON.stringify({ free_shipping_banner: 'banner' })); // an earlier page's exposure
    localStorage.setItem('mp_aid', JSON.stringify('v-returning'));
    const p = page(journeyPlan({ consent: {} as any }));
    p.tracker.track('purchase', { transaction_id: 'T-early', value: 10 });
    p.tracker.experiment('checkout_copy', 'short'); // another tool puts the visitor in after the order
    p.tracker.track('begin_checkout');
    p.tracker.consent({ analytics: 'granted', ads: 'granted' });
    await p.tracker.flush();
    const of = (name: string) => p.sent.collector.find((e) => e.name === name)?.experiments;
    expect(of('purchase')).toEqual({ free_shipping_banner: 'banner' });
    expect(of('begin_checkout')).toEqual({ free_shipping_banner: 'banner', checkout_copy: 'short' });
  });
});
