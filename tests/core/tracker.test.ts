// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import { startTracker } from '../../src/core/tracker';
import { normalise } from '../../src/plan/check';
import type { PlanInput } from '../../src/plan/types';
import { VERIFY_MS } from '../../src/core/dedupe';
import type { Adapter, ConversionEvent, TrackerEvents } from '../../src/core/types';
import { example } from '../plan/fixtures';

/** A recording adapter: what the dispatcher called, in order. */
function recorder(name: Adapter['name'], category: Adapter['category'], extra: Partial<Adapter> = {}) {
  const calls: [string, unknown?][] = [];
  const sent: ConversionEvent[] = [];
  const adapter: Adapter = {
    name, category,
    load: () => { calls.push(['load']); },
    send: (e) => { calls.push(['send', e.name]); sent.push(e); },
    consent: (s) => { calls.push(['consent', { ...s }]); },
    identify: (who) => { calls.push(['identify', who.userId]); },
    ...extra,
  };
  return { adapter, calls, sent };
}

const items = [{ item_id: 'SKU-1', item_name: 'Tent', price: 2499, quantity: 1 }];
const purchase = { transaction_id: 'T-1001', value: 2499, items };

function setup(options: { consent?: Record<string, string>; url?: string; plan?: any } = {}) {
  if (options.url) history.replaceState(null, '', options.url);
  const plan = options.plan ?? example('webshop');
  if (options.consent) plan.consent = { default: options.consent };
  const ga4 = recorder('ga4', 'analytics');
  const meta = recorder('meta', 'ads');
  const collector = recorder('collector', 'analytics');
  const tracker = createTracker({ plan, adapters: [ga4.adapter, meta.adapter, collector.adapter] });
  const errors: TrackerEvents['error'][] = [];
  const accepted: TrackerEvents['event'][] = [];
  tracker.on('error', (e) => errors.push(e));
  tracker.on('event', (e) => accepted.push(e));
  return { tracker, ga4, meta, collector, errors, accepted };
}

beforeEach(() => { localStorage.clear(); history.replaceState(null, '', '/'); });
afterEach(() => { vi.useRealTimers(); });

describe('validation against the plan', () => {
  it('forwards nothing for an unknown conversion and reports it with its path', () => {
    const t = setup({ consent: { analytics: 'granted', ads: 'granted' } });
    (t.tracker.track as any)('purchse', purchase);
    expect(t.ga4.sent).toEqual([]);
    expect(t.errors).toEqual([expect.objectContaining({ path: 'conversions.purchse', reason: expect.stringContaining('not a conversion in the plan') })]);
  });

  it('forwards nothing when properties break the spec, and names each broken property', () => {
    const t = setup({ consent: { analytics: 'granted', ads: 'granted' } });
    (t.tracker.track as any)('purchase', { transaction_id: 7, value: -1, items: [{ price: 'x' }], extra: true });
    expect(t.ga4.sent).toEqual([]);
    expect(t.meta.sent).toEqual([]);
    expect(t.errors.map((e) => e.path).sort()).toEqual([
      'conversions.purchase.properties.extra',
      'conversions.purchase.properties.items[0].item_id',
      'conversions.purchase.properties.items[0].price',
      'conversions.purchase.properties.transaction_id',
      'conversions.purchase.properties.value',
    ]);
  });

  it('checks enum, pattern, integer and maxLength', async () => {
    const t = setup({ plan: { ...example('leadgen'), consent: { default: { analytics: 'granted', ads: 'granted' } } } });
    (t.tracker.track as any)('demo_request', { company_size: '5000+', lead_id: 'lower-case' });
    expect(t.errors.map((e) => e.reason)).toEqual([
      expect.stringContaining('must be one of "1-10", "11-50", "51-250", "251+"'),
      expect.stringContaining('must match'),
    ]);
    t.tracker.track('demo_request', { company_size: '11-50', lead_id: 'LEAD-0001' });
    await t.tracker.flush(); // demo_request is deduplicated by lead_id: delivered after its claim
    expect(t.accepted).toHaveLength(1);
  });

  it('never throws into the caller, even for nonsense input, but throws in strict mode', () => {
    const t = setup();
    expect(() => (t.tracker.track as any)(undefined, 5)).not.toThrow();
    expect(() => (t.tracker.consent as any)(null)).not.toThrow();
    expect(() => (t.tracker.identify as any)(42)).not.toThrow();
    const strict = createTracker({ plan: example('webshop'), strict: true });
    expect(() => (strict.track as any)('nope')).toThrow(/not a conversion/);
  });

  it('a broken plan logs one console.error listing every problem and tracks nothing', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const plan = example('webshop');
    (plan as any).version = 2;
    (plan.destinations as any).ga4.measurementId = 'nope';
    const ga4 = recorder('ga4', 'analytics');
    const tracker = createTracker({ plan, adapters: [ga4.adapter] });
    tracker.consent({ analytics: 'granted' });
    tracker.track('visited_pricing');
    await vi.waitFor(() => expect(error).toHaveBeenCalled()); // the explanations load only for a broken plan
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]![0]).toContain('must be 1');
    expect(error.mock.calls[0]![0]).toMatch(/^measureplan: the plan has 2 problems[\s\S]*version[\s\S]*destinations\.ga4\.measurementId/);
    expect(ga4.calls).toEqual([]);
  });
});

describe('enrichment', () => {
  it('builds one canonical event: id from transaction_id, value and currency, page, session, ids', async () => {
    const t = setup({ consent: { analytics: 'granted', ads: 'granted' }, url: '/checkout/done?utm_source=newsletter&utm_medium=email&gclid=Cj0KCQ' });
    document.title = 'Thank you';
    t.tracker.identify('user-42', { email: 'kari@example.no' });
    t.tracker.track('purchase', purchase);
    await t.tracker.flush(); // purchase is deduplicated by transaction_id: delivered after its claim
    const e = t.ga4.sent[0]!;
    expect(e).toMatchObject({
      id: 'purchase:T-1001', name: 'purchase', kind: 'macro', value: 2499, currency: 'NOK', items, transactionId: 'T-1001',
      page: { path: '/checkout/done', title: 'Thank you', url: expect.stringContaining('/checkout/done?utm_source=newsletter') },
      userId: 'user-42', utm: { utm_source: 'newsletter', utm_medium: 'email' }, clickIds: { gclid: 'Cj0KCQ' },
    });
    expect(e.anonymousId).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(e.timestamp).toISOString()).toBe(e.timestamp);
    expect(t.meta.sent[0]!.id).toBe(e.id);
  });

  it("a new user's traits start empty: the previous user's phone never goes out with the next user's e-mail", () => {
    const seen: Record<string, unknown>[] = [];
    const meta = recorder('meta', 'ads', { identify: (who) => { seen.push({ userId: who.userId, ...who.traits }); } });
    const tracker = createTracker({ plan: example('webshop'), adapters: [meta.adapter] });
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    tracker.identify('U-1', { email: 'kari@example.no', phone: '+4741234567' });
    tracker.identify('U-1', { first_name: 'Kari' }); // the same user: traits add up
    tracker.identify('U-2', { email: 'ola@example.no' }); // someone else signs in on this device
    expect(seen).toEqual([
      { userId: 'U-1', email: 'kari@example.no', phone: '+4741234567' },
      { userId: 'U-1', email: 'kari@example.no', phone: '+4741234567', first_name: 'Kari' },
      { userId: 'U-2', email: 'ola@example.no' },
    ]);
  });

  it('gives conversions without a transaction id a fresh random id each time', () => {
    const t = setup({ consent: { analytics: 'granted', ads: 'granted' } });
    t.tracker.track('phone_click');
    t.tracker.track('phone_click');
    const [a, b] = t.ga4.sent;
    expect(a!.id).not.toBe(b!.id);
    expect(a!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('keeps the anonymous id and session across pages, and starts a new session after 30 minutes idle', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-12-02T10:00:00Z'));
    const first = setup({ consent: { analytics: 'granted', ads: 'denied' } });
    first.tracker.track('phone_click');
    const one = first.ga4.sent[0]!;
    vi.setSystemTime(new Date('2026-12-02T10:20:00Z'));
    const second = setup({ consent: { analytics: 'granted', ads: 'denied' } });
    second.tracker.track('phone_click');
    expect(second.ga4.sent[0]!.anonymousId).toBe(one.anonymousId);
    expect(second.ga4.sent[0]!.sessionId).toBe(one.sessionId);
    vi.setSystemTime(new Date('2026-12-02T10:51:00Z'));
    second.tracker.track('phone_click');
    expect(second.ga4.sent[1]!.sessionId).not.toBe(one.sessionId);
    expect(second.ga4.sent[1]!.anonymousId).toBe(one.anonymousId);
  });

  it('keeps click ids 90 days for later attribution, and forgets them after', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-09-01T10:00:00Z'));
    setup({ consent: { analytics: 'granted', ads: 'granted' }, url: '/?gclid=G1&fbclid=F1&msclkid=M1&li_fat_id=L1&wbraid=W1&gbraid=B1' });
    history.replaceState(null, '', '/pricing');
    vi.setSystemTime(new Date('2026-11-29T09:00:00Z')); // 89 days later
    const later = setup({ consent: { analytics: 'granted', ads: 'granted' } });
    expect(later.tracker.clickIds()).toEqual({ gclid: 'G1', fbclid: 'F1', msclkid: 'M1', li_fat_id: 'L1', wbraid: 'W1', gbraid: 'B1' });
    vi.setSystemTime(new Date('2026-12-01T10:00:01Z')); // past 90 days
    expect(setup({ consent: { analytics: 'granted', ads: 'granted' } }).tracker.clickIds()).toEqual({});
  });
});

describe('consent', () => {
  it('stores nothing and sends nothing before consent; the buffered events go out on grant, once', async () => {
    const t = setup({ url: '/?gclid=G1' });
    t.tracker.track('purchase', purchase);
    t.tracker.track('visited_pricing');
    expect(Object.keys(localStorage)).toEqual([]);
    expect(t.ga4.calls).toEqual([]);
    expect(t.meta.calls).toEqual([]);
    t.tracker.consent({ analytics: 'granted' });
    await t.tracker.flush(); // purchase (deduplicated) waited for the analytics decision, then for its claim
    expect(t.ga4.sent.map((e) => e.name)).toEqual(['visited_pricing', 'purchase']);
    expect(t.meta.calls).toEqual([]);
    expect(Object.keys(localStorage).sort()).toEqual(['mp_aid', 'mp_dd', 'mp_once', 'mp_sess']); // no click ids without ads consent
    t.tracker.consent({ ads: 'granted' });
    expect(t.meta.sent.map((e) => e.name)).toEqual(['purchase']);
    expect(localStorage.getItem('mp_clk')).toContain('G1');
    t.tracker.consent({ analytics: 'granted', ads: 'granted' });
    expect(t.ga4.sent).toHaveLength(2);
    expect(t.meta.sent).toHaveLength(1);
  });

  it('drops buffered events on an explicit denial and sends nothing new', () => {
    const t = setup();
    t.tracker.track('purchase', purchase);
    t.tracker.consent({ analytics: 'denied', ads: 'denied' });
    t.tracker.track('phone_click');
    t.tracker.consent({ analytics: 'granted' });
    expect(t.ga4.sent.map((e) => e.name)).toEqual([]);
    expect(t.meta.calls).toEqual([]);
  });

  it('loads an adapter only on grant, and tells loaded adapters about later changes', () => {
    const t = setup();
    t.tracker.consent({ ads: 'granted' });
    expect(t.meta.calls).toEqual([['load']]);
    t.tracker.consent({ ads: 'denied' });
    expect(t.meta.calls).toEqual([['load'], ['consent', { analytics: 'pending', ads: 'denied' }]]);
    t.tracker.track('purchase', purchase);
    expect(t.meta.sent).toEqual([]);
  });

  it('deletes its stored ids when analytics consent is withdrawn', () => {
    const t = setup({ consent: { analytics: 'granted', ads: 'granted' }, url: '/?fbclid=F1' });
    t.tracker.track('phone_click');
    expect(localStorage.length).toBeGreaterThan(0);
    t.tracker.consent({ analytics: 'denied', ads: 'denied' });
    expect(Object.keys(localStorage)).toEqual([]);
  });

  it('keeps at most 200 waiting deliveries per category and reports the overflow', () => {
    const t = setup();
    // phone_click waits for analytics twice (ga4 and collector): 100 clicks fill the buffer.
    for (let i = 0; i < 105; i++) t.tracker.track('phone_click');
    // A loop this long is handed to the dispatcher in slices; consent() hands over the rest first.
    t.tracker.consent({ analytics: 'granted' });
    expect(t.errors.filter((e) => /buffer .* is full/.test(e.reason))).toHaveLength(5 * 2);
    expect(t.ga4.sent).toHaveLength(100);
  });
});

describe('limits', () => {
  it('once_per_page, once_per_session and once_per_user', async () => {
    const t = setup({ consent: { analytics: 'granted', ads: 'granted' } });
    t.tracker.track('purchase', purchase);
    t.tracker.track('purchase', purchase);
    t.tracker.track('visited_pricing');
    t.tracker.track('visited_pricing');
    t.tracker.track('newsletter_signup');
    await t.tracker.flush(); // purchase (deduplicated) arrives after its claim
    expect(t.ga4.sent.map((e) => e.name).sort()).toEqual(['newsletter_signup', 'purchase', 'visited_pricing']);
    const next = setup({ consent: { analytics: 'granted', ads: 'granted' } }); // next page, same session
    next.tracker.track('purchase', { ...purchase, transaction_id: 'T-1002' });
    next.tracker.track('visited_pricing');
    next.tracker.track('newsletter_signup');
    await next.tracker.flush();
    expect(next.ga4.sent.map((e) => e.name)).toEqual(['purchase']);
  });

  it('once_per_page starts again with a new (SPA) page view', async () => {
    const t = setup({ consent: { analytics: 'granted', ads: 'granted' } });
    t.tracker.track('purchase', purchase);
    t.tracker.track('purchase', { ...purchase, transaction_id: 'T-1002' });
    t.tracker.page();
    t.tracker.track('purchase', { ...purchase, transaction_id: 'T-1002' }); // a new order (the same one again would be a duplicate)
    await t.tracker.flush();
    expect(t.ga4.sent.map((e) => e.transactionId)).toEqual(['T-1001', 'T-1002']);
  });
});

describe('adapter isolation', () => {
  it('a throwing adapter does not stop the others and is reported', async () => {
    const error = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const bad = recorder('meta', 'ads', { send: () => { throw new Error('fbq exploded'); } });
    const good = recorder('ga4', 'analytics');
    const tracker = createTracker({ plan: { ...example('webshop'), consent: { default: { analytics: 'granted', ads: 'granted' } } }, adapters: [bad.adapter, good.adapter], debug: true });
    const errors: TrackerEvents['error'][] = [];
    tracker.on('error', (e) => errors.push(e));
    expect(() => tracker.track('purchase', purchase)).not.toThrow();
    await tracker.flush();
    expect(good.sent).toHaveLength(1);
    expect(errors[0]).toMatchObject({ destination: 'meta', reason: expect.stringContaining('fbq exploded') });
    expect(error.mock.calls.some((c) => String(c[0]).includes('fbq exploded'))).toBe(true);
  });

  it('a hanging adapter is reported after 10 s and nobody waits for it', async () => {
    vi.useFakeTimers();
    const hang = recorder('meta', 'ads', { send: () => new Promise(() => undefined) });
    const good = recorder('ga4', 'analytics');
    const tracker = createTracker({ plan: { ...example('webshop'), consent: { default: { analytics: 'granted', ads: 'granted' } } }, adapters: [hang.adapter, good.adapter] });
    const errors: TrackerEvents['error'][] = [];
    tracker.on('error', (e) => errors.push(e));
    tracker.track('purchase', purchase);
    await vi.advanceTimersByTimeAsync(VERIFY_MS + 50); // purchase is deduplicated: its claim first
    expect(good.sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10_001);
    expect(errors[0]).toMatchObject({ destination: 'meta', reason: expect.stringContaining('did not finish within 10 s') });
  });

  it('debug mode logs one collapsed group per conversion with what each destination got', () => {
    const group = vi.spyOn(console, 'groupCollapsed').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'groupEnd').mockImplementation(() => undefined);
    const tracker = createTracker({ plan: example('webshop'), adapters: [recorder('ga4', 'analytics').adapter], debug: true });
    tracker.track('purchase', purchase);
    expect(group).toHaveBeenCalledWith('measureplan: purchase (macro, 2499 NOK)');
    const lines = log.mock.calls.map((c) => String(c[0]));
    expect(lines).toEqual(expect.arrayContaining(['→ ga4: waiting for analytics consent', '→ meta: not sent: no adapter for it was given to createTracker']));
  });

  it('debug mode says at once that a conversion with a session limit waits for the analytics decision (docs QA 2026-12-06)', () => {
    const group = vi.spyOn(console, 'groupCollapsed').mockImplementation(() => undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'groupEnd').mockImplementation(() => undefined);
    const tracker = createTracker({ plan: example('webshop'), adapters: [recorder('ga4', 'analytics').adapter], debug: true });
    tracker.track('visited_pricing');
    expect(group).toHaveBeenCalledWith(expect.stringMatching(/^measureplan: visited_pricing \(micro/));
    expect(log.mock.calls.map((c) => String(c[0]))).toContain('→ ga4: waiting for analytics consent');
  });
});

describe('the script tag starts the tracker in steps (staggerLoads)', () => {
  const later = () => new Promise((r) => setTimeout(r, 20));
  const start = (consent: Record<string, string>) => {
    const plan = { ...example('webshop'), consent: { default: consent } };
    const ga4 = recorder('ga4', 'analytics');
    const meta = recorder('meta', 'ads');
    const tracker = startTracker(normalise(plan as PlanInput), { adapters: [ga4.adapter, meta.adapter], staggerLoads: true });
    return { tracker, ga4, meta };
  };

  it('a granted category loads its adapters in a later task, not while the tracker starts', async () => {
    const t = start({ analytics: 'granted', ads: 'granted' });
    expect(t.ga4.calls).toEqual([]);
    await later();
    expect(t.ga4.calls).toEqual([['load']]);
    expect(t.meta.calls).toEqual([['load']]);
  });

  it('a conversion before that loads its adapter first, once', async () => {
    const t = start({ analytics: 'denied', ads: 'denied' });
    await later();
    t.tracker.consent({ analytics: 'granted', ads: 'granted' }); // the loads are staggered
    t.tracker.track('phone_click');
    expect(t.ga4.calls).toEqual([['load'], ['send', 'phone_click']]);
    await later();
    expect(t.ga4.calls).toEqual([['load'], ['send', 'phone_click']]);
  });

  it('shutdown() before the staggered loads: no adapter is loaded afterwards', async () => {
    const t = start({ analytics: 'granted', ads: 'granted' });
    await t.tracker.shutdown();
    await later();
    t.tracker.track('phone_click');
    expect(t.ga4.calls).toEqual([]);
    expect(t.meta.calls).toEqual([]);
  });

  it('a denial before the staggered load: the adapter is never loaded', async () => {
    const t = start({ analytics: 'denied', ads: 'denied' });
    t.tracker.consent({ analytics: 'granted', ads: 'granted' });
    t.tracker.consent({ analytics: 'granted', ads: 'denied' });
    await later();
    expect(t.ga4.calls.map(([c]) => c)).toEqual(['load']);
    expect(t.meta.calls).toEqual([]);
  });
});

describe('the script tag: the default consent in a step of its own', () => {
  it('a call made after that step (where the tag replays the page\'s calls) carries the stored visitor', async () => {
    localStorage.setItem('mp_aid', JSON.stringify('visitor-from-an-earlier-page'));
    const plan = { ...example('webshop'), consent: { default: { analytics: 'granted', ads: 'granted' } } };
    const ga4 = recorder('ga4', 'analytics');
    const tracker = startTracker(normalise(plan as PlanInput), { adapters: [ga4.adapter], staggerLoads: true });
    await new Promise((r) => setTimeout(r, 20));
    tracker.track('phone_click');
    expect(ga4.sent[0]!.anonymousId).toBe('visitor-from-an-earlier-page');
  });
});

describe('shutdown() and what it leaves behind', () => {
  // The Google tag is installed once per page: each test here starts from a page without it.
  beforeEach(() => { for (const k of ['__measureplanGtag', 'dataLayer', 'gtag']) delete (window as any)[k]; });
  it('a vendor script whose insert is still queued is never added, and that is not reported as a failure', async () => {
    const { ga4 } = await import('../../adapters/ga4/index');
    const plan = { ...example('webshop'), consent: { default: { analytics: 'granted' as const, ads: 'denied' as const } } };
    const tracker = createTracker({ plan, adapters: [ga4()] });
    const errors: TrackerEvents['error'][] = [];
    tracker.on('error', (e) => errors.push(e));
    await tracker.shutdown(); // the gtag.js insert waits for a task of its own
    await new Promise((r) => setTimeout(r, 20));
    expect(document.querySelectorAll('script[src*="googletagmanager.com"]')).toHaveLength(0);
    expect(errors).toEqual([]);
  });

  it('without shutdown() that insert happens (the test above can fail)', async () => {
    const { ga4 } = await import('../../adapters/ga4/index');
    const plan = { ...example('webshop'), consent: { default: { analytics: 'granted' as const, ads: 'denied' as const } } };
    createTracker({ plan, adapters: [ga4()] });
    await new Promise((r) => setTimeout(r, 20));
    expect(document.querySelectorAll('script[src*="googletagmanager.com"]').length).toBeGreaterThan(0);
    for (const s of document.querySelectorAll('script[src*="googletagmanager.com"]')) s.remove();
  });

  it('a call after shutdown() (an SPA handler left behind) is reported and reaches no destination', async () => {
    const { tracker, ga4, collector, errors } = setup({ consent: { analytics: 'granted', ads: 'granted' } });
    tracker.track('phone_click');
    await tracker.shutdown();
    const before = [ga4.calls.length, collector.calls.length];
    tracker.track('phone_click');
    tracker.identify('U-9');
    tracker.page();
    tracker.consent({ analytics: 'denied', ads: 'denied' });
    await new Promise((r) => setTimeout(r, 0));
    expect([ga4.calls.length, collector.calls.length]).toEqual(before);
    expect(collector.sent.map((e) => e.name)).toEqual(['phone_click']);
    expect(errors.map((e) => [e.path, e.reason])).toEqual(['track', 'identify', 'page', 'consent'].map((p) => [p, 'the tracker was shut down; nothing was sent']));
  });

  it('a visitor coming back to the tab after shutdown() starts no abandonment check', async () => {
    const plan = example('webshop');
    plan.consent = { default: { analytics: 'granted', ads: 'granted' } };
    localStorage.setItem('mp_cart', JSON.stringify({ items: [{ item_id: 'SKU-1', price: 10, quantity: 1 }], since: Date.now() - 3 * 3_600_000, updated: Date.now() - 3 * 3_600_000 }));
    const tracker = createTracker({ plan, adapters: [] });
    const heard: unknown[] = [];
    tracker.on('cart_abandoned', (e) => heard.push(e));
    await tracker.shutdown();
    document.dispatchEvent(new Event('visibilitychange')); // jsdom's document is 'visible'
    await new Promise((r) => setTimeout(r, 20));
    expect(heard).toEqual([]);
    localStorage.clear();
  });
});
