/**
 * The crowd's plan (scripts/crowd/journeys.mjs) and its synthetic messages
 * (scripts/crowd/synthetic.mjs): deterministic, with the shares and drop-offs it promises, and in
 * the collector adapter's shape, valid against the plan. The browser crowd is tests/e2e/crowd.test.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { validateProperties } from '../../src/core/validate';
import type { ConversionEvent } from '../../src/core/types';
import type { Plan } from '../../src/plan/types';
// @ts-expect-error plain ESM helpers without types
import { SHARES, countSteps, decide, planCrowd, planShopper } from '../../scripts/crowd/journeys.mjs';
// @ts-expect-error plain ESM helpers without types
import { THRESHOLDS, rating, syntheticBatches, syntheticMessages } from '../../scripts/crowd/synthetic.mjs';

const planJson = JSON.parse(readFileSync('examples/plans/webshop.json', 'utf8'));
const parsed = parsePlan(planJson);
if (!parsed.ok) throw new Error('the webshop plan does not parse');
const plan: Plan = parsed.plan;
const ENRICHMENT = ['value', 'currency', 'funnel', 'funnel_step', 'funnel_steps'];
const take = (n: number, options: object) => { const out: any[] = []; for (const m of syntheticMessages(options)) { out.push(m); if (out.length >= n) break; } return out; };
const all = (options: object): any[] => [...syntheticMessages(options)];

describe('journeys: the planned crowd', () => {
  it('is the same for the same seed, another for another seed, and shopper i does not depend on the crowd size', () => {
    expect(planCrowd({ shoppers: 300, seed: 1 })).toEqual(planCrowd({ shoppers: 300, seed: 1 }));
    expect(planCrowd({ shoppers: 300, seed: 2 })).not.toEqual(planCrowd({ shoppers: 300, seed: 1 }));
    expect(planCrowd({ shoppers: 1000, seed: 5 }).slice(0, 50)).toEqual(planCrowd({ shoppers: 50, seed: 5 }));
    expect(planShopper(5, 17)).toEqual(planCrowd({ shoppers: 20, seed: 5 })[17]);
  });

  const crowd = planCrowd({ shoppers: 40_000, seed: 11 });
  const steps = countSteps(crowd);

  it('drops off along the funnel, step by step', () => {
    expect(steps.view_item).toBeGreaterThan(steps.add_to_cart);
    expect(steps.add_to_cart).toBeGreaterThan(steps.begin_checkout);
    expect(steps.begin_checkout).toBeGreaterThan(steps.purchase);
    expect(steps.purchase).toBeGreaterThan(0);
    // Each shopper's own journey is ordered too: a cart only from viewed products, a checkout only with a cart.
    for (const j of crowd.slice(0, 5000)) {
      for (const sku of j.cart) expect(j.views).toContain(sku);
      if (j.checkout) expect(j.cart.length - (j.remove ? 1 : 0)).toBeGreaterThan(0);
      if (j.remove) expect(j.cart).toContain(j.remove);
      if (j.views.length) expect(j.views.length).toBeLessThanOrEqual(4);
    }
  });

  it('has the shares it promises, within tolerance', () => {
    const n = crowd.length;
    const share = (f: (j: any) => boolean, of: any[] = crowd) => of.filter(f).length / of.length;
    expect(steps.consent_all / n).toBeCloseTo(SHARES.consent.all, 1);
    expect(Math.abs(steps.consent_analytics / n - SHARES.consent.analytics)).toBeLessThan(0.01);
    expect(Math.abs(steps.consent_none / n - SHARES.consent.none)).toBeLessThan(0.01);
    expect(Math.abs(share((j) => !!j.landing.query.gclid) - 0.30)).toBeLessThan(0.015);
    expect(Math.abs(share((j) => !!j.landing.query.fbclid) - 0.15)).toBeLessThan(0.01);
    expect(Math.abs(share((j) => !!j.landing.query.msclkid) - 0.05)).toBeLessThan(0.007);
    expect(Math.abs(steps.newsletter_signup / n - 0.08)).toBeLessThan(0.008);
    expect(steps.phone_click / n).toBeGreaterThanOrEqual(0.03);
    expect(steps.phone_click / n).toBeLessThanOrEqual(0.05);
    const viewers = crowd.filter((j: any) => j.views.length);
    expect(Math.abs(share((j) => j.cart.length > 0, viewers) - 0.35)).toBeLessThan(0.02);
    const carts = crowd.filter((j: any) => j.cart.length - (j.remove ? 1 : 0) > 0);
    expect(Math.abs(share((j) => j.checkout, carts) - 0.55)).toBeLessThan(0.03);
    const checkouts = crowd.filter((j: any) => j.checkout);
    // Half the exposed visitors see the banner: about 60 % of checkouts end in an order.
    expect(Math.abs(steps.purchase_at_first_visit / checkouts.length - 0.6)).toBeLessThan(0.03);
    expect(share((j) => j.comeBackAfterMin !== null && j.comeBackAfterMin <= 60)).toBe(0); // a return is always after more than an hour
  });

  it('lets the banner variant and fast pages convert better', () => {
    const checkouts = crowd.filter((j: any) => j.checkout);
    const bought = (variant: string, of = checkouts) => of.filter((j: any) => decide(j, variant).purchased).length / of.length;
    expect(bought('banner') / bought('control')).toBeGreaterThan(1.3);
    const fast = checkouts.filter((j: any) => j.speed === 'fast');
    const slow = checkouts.filter((j: any) => j.speed === 'slow');
    expect(bought('control', fast)).toBeGreaterThan(bought('control', slow));
  });

  it('rates vitals with web-vitals\' thresholds', () => {
    expect(rating('LCP', 2500)).toBe('good');
    expect(rating('LCP', 2501)).toBe('needs-improvement');
    expect(rating('LCP', 4001)).toBe('poor');
    expect(rating('CLS', 0.1)).toBe('good');
    expect(rating('INP', 500)).toBe('needs-improvement');
    expect(THRESHOLDS).toEqual({ LCP: [2500, 4000], INP: [200, 500], CLS: [0.1, 0.25], FCP: [1800, 3000], TTFB: [800, 1800] });
  });
});

describe('synthetic messages', () => {
  const options = { shoppers: 3000, seed: 3, start: '2026-03-02T00:00:00Z', days: 14 };
  const messages = all(options);

  it('are the same for the same seed and others for another seed', () => {
    expect(JSON.stringify(take(500, options))).toBe(JSON.stringify(messages.slice(0, 500)));
    expect(JSON.stringify(take(500, { ...options, seed: 4 }))).not.toBe(JSON.stringify(messages.slice(0, 500)));
  });

  it('have unique messageIds, one anonymousId per consenting shopper, and nothing from shoppers who said no', () => {
    expect(new Set(messages.map((m) => m.messageId)).size).toBe(messages.length);
    const visitors = new Set(messages.map((m) => m.anonymousId));
    const consenting = planCrowd({ shoppers: options.shoppers, seed: options.seed }).filter((j: any) => j.consent !== 'none').length;
    expect(visitors.size).toBe(consenting);
    const id = /^([0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}|purchase:FS-\d+)$/;
    expect(messages.map((m) => m.messageId).filter((x) => !id.test(x))).toEqual([]);
  });

  it('lie within the period, each shopper\'s in time order', () => {
    const from = Date.parse(options.start);
    const to = from + options.days * 86_400_000;
    const last = new Map<string, number>();
    const wrong: string[] = []; // one expect below, not three per message
    for (const m of messages) {
      const t = Date.parse(m.timestamp);
      // A return visit may cross the end; NaN fails every comparison.
      if (!(t >= from && t < to + 86_400_000 && t >= (last.get(m.anonymousId) ?? 0))) wrong.push(`${m.anonymousId} ${m.event} ${m.timestamp}`);
      last.set(m.anonymousId, t);
    }
    expect(wrong).toEqual([]);
  });

  it('pass the plan\'s property validation (enrichment keys aside, where the plan does not declare them)', () => {
    let checked = 0;
    const wrong: unknown[] = []; // one expect below, not one per message
    for (const m of messages) {
      const c = plan.conversions[m.event];
      if (!c) { if (m.context.measureplan.kind !== 'signal') wrong.push(`${m.event}: kind ${m.context.measureplan.kind}, not signal`); continue; }
      const props = { ...m.properties };
      for (const k of ENRICHMENT) if (!(k in c.properties)) delete props[k];
      const problems = validateProperties(c.properties, props);
      if (problems.length) wrong.push({ message: `${m.event} ${JSON.stringify(m.properties)}`, problems });
      checked++;
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(1000);
  });

  it('carry the funnel, value and experiment annotations the tracker adds', () => {
    const byEvent = (name: string) => messages.filter((m) => m.event === name);
    expect(byEvent('add_to_cart')[0].properties).toMatchObject({ funnel: 'checkout', funnel_step: 2, funnel_steps: 4, currency: 'NOK' });
    for (const m of byEvent('purchase')) expect(m.messageId).toBe(`purchase:${m.properties.transaction_id}`);
    expect(byEvent('newsletter_signup')[0].properties).toEqual({ value: 15, currency: 'NOK' });
    const exposures = byEvent('experiment_viewed');
    expect(new Set(exposures.map((m) => m.anonymousId)).size).toBe(exposures.length); // once per visitor
    const exposure = new Map(exposures.map((x) => [x.anonymousId, x]));
    for (const m of byEvent('purchase')) {
      const seen = exposure.get(m.anonymousId);
      if (seen) expect(m.context.measureplan.experiments).toEqual({ free_shipping_banner: seen.properties.variant_id });
    }
    const vitals = byEvent('web_vital');
    expect(vitals.length).toBeGreaterThan(0);
    // One expect over all of them, not three per metric.
    expect(vitals.filter((m) => !['LCP', 'INP', 'CLS', 'FCP', 'TTFB'].includes(m.properties.metric_name)
      || m.properties.metric_rating !== rating(m.properties.metric_name, m.properties.metric_value)
      || m.properties.value !== m.properties.metric_value).map((m) => m.properties)).toEqual([]);
    // Every purchase follows a view_item of the same visitor.
    const firstView = new Map<string, string>();
    for (const m of byEvent('view_item')) if (!firstView.has(m.anonymousId)) firstView.set(m.anonymousId, m.timestamp);
    for (const m of byEvent('purchase')) expect(firstView.get(m.anonymousId)! < m.timestamp).toBe(true);
    // A return to a left cart is a new session without the ad's UTM parameters.
    const first = new Map<string, any>();
    for (const x of messages) if (!first.has(x.anonymousId)) first.set(x.anonymousId, x);
    for (const m of byEvent('cart_abandoned')) {
      const before = first.get(m.anonymousId);
      expect(m.context.measureplan.session_id).not.toBe(before.context.measureplan.session_id);
      expect(m.context.campaign).toBeUndefined();
    }
  });

  it('keep click ids as the tag does: for the visit with ads consent; without it, out of click_ids and the page URLs', () => {
    const crowd = planCrowd({ shoppers: options.shoppers, seed: options.seed });
    const byVisitor = new Map<string, any[]>();
    for (const m of messages) { let l = byVisitor.get(m.anonymousId); if (!l) byVisitor.set(m.anonymousId, (l = [])); l.push(m); }
    const checked = { ads: 0, without: 0 };
    for (const list of byVisitor.values()) {
      const i = parseInt(list[0].anonymousId.slice(-8), 16);
      const j = crowd[i];
      if (!j.landing.query.gclid) continue;
      if (j.consent === 'all') {
        for (const m of list) expect(m.context.measureplan.click_ids).toEqual({ gclid: j.landing.query.gclid });
        expect(list[0].context.page.url).toContain(`gclid=${j.landing.query.gclid}`);
        checked.ads++;
      } else {
        for (const m of list) expect(m.context.measureplan).not.toHaveProperty('click_ids');
        expect(JSON.stringify(list)).not.toContain(j.landing.query.gclid);
        checked.without++;
      }
    }
    expect(checked.ads).toBeGreaterThan(50);
    expect(checked.without).toBeGreaterThan(20);
  });

  it('show the experiment\'s effect and the cost of slow pages', () => {
    const variant = new Map<string, string>();
    const buyers = new Set<string>();
    const lcp = new Map<string, string>();
    for (const m of syntheticMessages({ shoppers: 40_000, seed: 9 })) {
      if (m.event === 'experiment_viewed') variant.set(m.anonymousId, m.properties.variant_id);
      else if (m.event === 'purchase') buyers.add(m.anonymousId);
      else if (m.event === 'web_vital' && m.properties.metric_name === 'LCP' && m.context.page.path.startsWith('/product/') && !lcp.has(m.anonymousId)) lcp.set(m.anonymousId, m.properties.metric_rating);
    }
    const rate = (ids: string[]) => ids.filter((a) => buyers.has(a)).length / ids.length;
    const of = (map: Map<string, string>, v: string) => [...map].filter(([, x]) => x === v).map(([a]) => a);
    expect(rate(of(variant, 'banner')) / rate(of(variant, 'control'))).toBeGreaterThan(1.12);
    expect(rate(of(lcp, 'poor'))).toBeLessThan(rate(of(lcp, 'good')) * 0.85);
  }, 30_000); // 40,000 shoppers: about 2 s alone, over 5 s beside the other test files

  it('reach each step with the shoppers the plan counts', () => {
    const planned = countSteps(planCrowd({ shoppers: options.shoppers, seed: options.seed }).filter((j: any) => j.consent !== 'none'));
    const reached: Record<string, Set<string>> = {};
    for (const m of messages) (reached[m.event] ??= new Set()).add(m.anonymousId);
    for (const step of ['visited_pricing', 'newsletter_signup', 'phone_click', 'view_item', 'add_to_cart', 'remove_from_cart', 'begin_checkout', 'purchase', 'cart_abandoned']) {
      expect(reached[step]?.size ?? 0, step).toBe(planned[step]);
    }
    expect(reached.experiment_viewed!.size).toBe(planned.exposed);
  });

  it('come in the collector adapter\'s batches', () => {
    const batches = [...syntheticBatches({ ...options, shoppers: 300 }, { size: 100 })];
    expect(batches.slice(0, -1).every((b) => b.batch.length === 100)).toBe(true);
    expect(batches.flatMap((b) => b.batch)).toEqual(all({ ...options, shoppers: 300 }));
    expect(batches[0].sentAt).toBe(batches[0].batch[99].timestamp);
  });
});

describe('synthetic messages have the shape the collector adapter sends', () => {
  const agent = { userAgent: 'Mozilla/5.0 (test)', language: 'nb-NO' };
  let adapter: typeof import('../../adapters/collector/message');
  let trackMessage: (e: ConversionEvent, consent?: ConversionEvent['consent']) => any;
  beforeAll(async () => {
    // The adapter reads the browser's user agent and language once, from `navigator`.
    vi.stubGlobal('navigator', agent);
    adapter = await import('../../adapters/collector/message');
    ({ trackMessage } = adapter);
  });
  afterAll(() => { vi.unstubAllGlobals(); });

  /** The tracker's event behind a synthetic message: what trackMessage() turns into a message. */
  function eventOf(m: any): ConversionEvent {
    const mp = m.context.measureplan;
    const c = plan.conversions[m.event];
    const properties = { ...m.properties };
    // The tracker's value (the conversion's `value`, a web_vital's metric) and currency; a value
    // named after a property of the call stays among the call's properties, where it was.
    const value: number | undefined = (c && c.value !== undefined) || m.event === 'web_vital' ? properties.value : undefined;
    const currency: string | undefined = properties.currency;
    delete properties.currency;
    if (m.event === 'web_vital' || typeof c?.value === 'number') delete properties.value;
    const names: Record<string, string> = { source: 'utm_source', medium: 'utm_medium', name: 'utm_campaign', term: 'utm_term', content: 'utm_content' };
    const utm: Record<string, string> = {};
    for (const [k, v] of Object.entries(m.context.campaign ?? {})) utm[names[k]!] = v as string;
    const e: ConversionEvent = {
      id: m.messageId, name: m.event, kind: mp.kind, properties, timestamp: m.timestamp, page: m.context.page,
      anonymousId: m.anonymousId, sessionId: mp.session_id, clickIds: mp.click_ids, utm, send: {}, consent: mp.consent,
    };
    if (value !== undefined) e.value = value;
    if (currency !== undefined) e.currency = currency;
    if (mp.experiments) e.experiments = mp.experiments;
    if (mp.vitals) e.vitals = mp.vitals;
    if (m.userId !== undefined) e.userId = m.userId;
    return e;
  }

  const keys = (o: any): string[] => Object.keys(o).sort();

  it('for every kind of message: the same keys at every level and the same values', () => {
    const messages = all({ shoppers: 1500, seed: 21, identify: 0.5 }).filter((m) => m.type === 'track');
    const seen = new Set<string>();
    for (const m of messages) {
      const variant = `${m.event}|${keys(m.context)}|${keys(m.context.measureplan)}|${m.userId !== undefined}`;
      if (seen.has(variant)) continue;
      seen.add(variant);
      const expected = trackMessage(eventOf(m));
      const ours = { ...m, context: { ...m.context, userAgent: agent.userAgent, locale: agent.language } };
      expect(keys(ours)).toEqual(keys(expected));
      expect(keys(ours.context)).toEqual(keys(expected.context));
      expect(keys(ours.context.measureplan)).toEqual(keys(expected.context.measureplan));
      expect(keys(ours.context.page)).toEqual(keys(expected.context.page));
      expect(ours).toEqual(expected);
      // And in the adapter's key order, so the JSON is byte-for-byte what a browser posts.
      expect(JSON.stringify(ours)).toBe(JSON.stringify(expected));
    }
    // Conversions, with and without journey annotations, signals, identified or not.
    expect([...seen].filter((s) => s.startsWith('web_vital|')).length).toBeGreaterThan(0);
    expect([...seen].some((s) => s.includes('experiments'))).toBe(true);
    expect([...seen].some((s) => s.includes('vitals'))).toBe(true);
    expect([...seen].some((s) => s.endsWith('|true'))).toBe(true);
    expect(seen.size).toBeGreaterThan(15);
  });

  it('and identify and page messages like identifyMessage() and pageMessage()', () => {
    const withPages = { ...planJson, destinations: { ...planJson.destinations, collector: { url: '/collect', pages: true } } };
    const messages = all({ shoppers: 200, seed: 2, identify: 1, plan: withPages });
    const crowd = planCrowd({ shoppers: 200, seed: 2 });
    const local = (m: any) => ({ ...m, context: { ...m.context, userAgent: agent.userAgent, locale: agent.language } });
    const identify = messages.find((m) => m.type === 'identify');
    expect(JSON.stringify(local(identify))).toBe(JSON.stringify(adapter.identifyMessage(identify.messageId, { userId: identify.userId, traits: {} }, identify.context.page, identify.anonymousId, identify.timestamp)));
    const pages = messages.filter((m) => m.type === 'page');
    expect(pages.length).toBeGreaterThan(200);
    for (const p of pages.slice(0, 50)) {
      const ads = crowd[parseInt(p.anonymousId.slice(-8), 16)]!.consent === 'all' ? 'granted' : 'denied';
      expect(JSON.stringify(local(p))).toBe(JSON.stringify(adapter.pageMessage(p.messageId, p.context.page, p.anonymousId, p.userId, p.timestamp, { analytics: 'granted', ads }, p.context.measureplan.click_ids)));
    }
    // Identified from the checkout on: every later message of the visitor carries the user id.
    const after = messages.filter((m) => m.anonymousId === identify.anonymousId && m.timestamp > identify.timestamp);
    for (const m of after) expect(m.userId).toBe(identify.userId);
  });
});
