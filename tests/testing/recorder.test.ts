// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { installTriggers } from '../../src/index';
import { createTestTracker } from '../../src/testing/index';
import { example } from '../plan/fixtures';

const items = [{ item_id: 'SKU-TENT-2', item_name: 'Tent', price: 2499, quantity: 1 }];
const order = (id = 'T-1001') => ({ transaction_id: id, value: 2499, items });

beforeEach(() => { localStorage.clear(); });

describe('createTestTracker: what each destination would have received', () => {
  it('records the canonical conversion for every destination the plan sends it to, and nothing more', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    tracker.track('purchase', order());
    await tracker.flush();
    expect(recorder.sent().map((s) => [s.destination, s.as]).sort()).toEqual([
      ['collector', undefined], ['ga4', 'purchase'], ['googleAds', 'AbC-D_efG1'], ['meta', 'Purchase'], ['microsoftAds', 'purchase'],
    ]);
    expect(recorder.sent('linkedin')).toEqual([]);
    const [event] = recorder.conversions('purchase');
    expect(event).toMatchObject({ id: 'purchase:T-1001', name: 'purchase', kind: 'macro', value: 2499, currency: 'NOK', items, transactionId: 'T-1001', properties: order() });
    // One event object, the same everywhere it went.
    expect(new Set(recorder.sent().map((s) => s.event))).toEqual(new Set([event]));
    expect(recorder.errors()).toEqual([]);
  });

  it('does not count a journey signal (an experiment exposure) as a conversion, and keeps its vendor calls (kit QA 2026-12-06)', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    expect(tracker.variant('free_shipping_banner')).toBeTruthy();
    await tracker.flush();
    expect(recorder.sent()).toEqual([]);
    expect(recorder.conversions()).toEqual([]);
    expect(recorder.calls('ga4').some((c) => c[0] === 'event' && c[1] === 'experience_impression')).toBe(true);
  });

  it('also records the vendor calls the real adapters make, each destination on its own', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    tracker.track('purchase', order());
    tracker.track('visited_pricing');
    await tracker.flush();
    await new Promise((r) => setTimeout(r, 0)); // UET's pageLoad follows its (faked) script load
    const ga4Events = recorder.calls('ga4').filter((c) => c[0] === 'event');
    expect(ga4Events).toHaveLength(2); // in either order: the purchase waits for its dedupe claim
    expect(ga4Events).toEqual(expect.arrayContaining([
      ['event', 'view_pricing', { send_to: 'G-F1X2Y3Z4W5' }],
      ['event', 'purchase', { currency: 'NOK', value: 2499, transaction_id: 'T-1001', items, funnel: 'checkout', funnel_step: 4, funnel_steps: 4, send_to: 'G-F1X2Y3Z4W5' }],
    ]));
    expect(recorder.calls('ga4')[0]).toEqual(['consent', 'default', { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied' }]);
    expect(recorder.calls('googleAds').filter((c) => c[0] === 'event')).toEqual([['event', 'conversion', { send_to: 'AW-123456789/AbC-D_efG1', value: 2499, currency: 'NOK', transaction_id: 'T-1001' }]]);
    expect(recorder.calls('meta')).toEqual([
      ['consent', 'grant'], ['init', '123456789012345'], ['track', 'PageView'],
      ['track', 'Purchase', { funnel: 'checkout', funnel_step: 4, funnel_steps: 4, value: 2499, currency: 'NOK', content_ids: ['SKU-TENT-2'], contents: [{ id: 'SKU-TENT-2', quantity: 1, item_price: 2499 }], num_items: 1, content_type: 'product' }, { eventID: 'purchase:T-1001' }],
    ]);
    expect(recorder.calls('linkedin')).toEqual([['track', { conversion_id: 22222, event_id: recorder.conversions('visited_pricing')[0]!.id }]]);
    expect(recorder.calls('microsoftAds')).toContainEqual(['event', 'purchase', { event_category: 'checkout', revenue_value: 2499, event_value: 2499, currency: 'NOK', event_id: 'purchase:T-1001' }]);
    expect(recorder.calls('microsoftAds')).toContainEqual(['pageLoad']);
    const collected = recorder.calls('collector').map((c) => c[0] === 'track' && (c[1] as any).messageId);
    expect(collected).toContain('purchase:T-1001');
  });

  it('keeps the adapters\' warnings: a vendor rule a conversion broke', async () => {
    const plan: any = example('webshop');
    plan.conversions.add_to_cart.properties.email = { type: 'string', optional: true };
    const { tracker, recorder } = createTestTracker({ plan });
    tracker.track('add_to_cart', { item_id: 'SKU-1', value: 10, email: 'kari@example.no' });
    expect(recorder.warnings()).toEqual([expect.stringMatching(/ga4 add_to_cart: parameter email withheld/)]);
    expect(recorder.calls('ga4').find((c) => c[1] === 'add_to_cart')![2]).not.toHaveProperty('email');
  });

  it('with ads denied, the ads destinations get nothing, and the skip says why', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop'), consent: { ads: 'denied' } });
    tracker.track('purchase', order());
    tracker.track('phone_click');
    await tracker.flush();
    expect([...new Set(recorder.sent().map((s) => s.destination))].sort()).toEqual(['collector', 'ga4']);
    for (const d of ['googleAds', 'meta', 'linkedin', 'microsoftAds'] as const) expect(recorder.calls(d)).toEqual([]);
    expect(recorder.skipped().map((s) => s.reason)).toEqual(expect.arrayContaining(['meta: ads consent denied', 'googleAds: ads consent denied', 'microsoftAds: ads consent denied']));
  });

  it('with both denied, nothing is sent anywhere', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop'), consent: { analytics: 'denied', ads: 'denied' } });
    tracker.track('purchase', order());
    tracker.track('newsletter_signup');
    await tracker.flush();
    expect(recorder.sent()).toEqual([]);
  });

  it('"undecided" keeps the plan default: events wait for the decision, then go where it allows', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop'), consent: 'undecided' });
    tracker.track('phone_click');
    await tracker.flush();
    expect(recorder.sent()).toEqual([]);
    tracker.consent({ analytics: 'granted', ads: 'denied' });
    await tracker.flush();
    expect(recorder.sent().map((s) => s.destination).sort()).toEqual(['collector', 'ga4']);
  });

  it('a withdrawal reaches the vendors (Consent Mode update, Meta revoke) and nothing more is sent to ads', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    tracker.track('newsletter_signup');
    tracker.consent({ ads: 'denied' });
    tracker.track('add_to_cart', { item_id: 'SKU-1', value: 10 });
    await tracker.flush();
    expect(recorder.sent('meta').map((s) => s.conversion)).toEqual(['newsletter_signup']);
    expect(recorder.sent('ga4').map((s) => s.conversion)).toEqual(['newsletter_signup', 'add_to_cart']);
    expect(recorder.calls('meta').at(-1)).toEqual(['consent', 'revoke']);
    expect(recorder.calls('ga4')).toContainEqual(['consent', 'update', { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'granted' }]);
  });

  it('records what the tracker rejected instead of sending it', () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    tracker.track('purchase', { transaction_id: 'T-1', value: 'a lot', items } as never);
    (tracker.track as (n: string) => void)('checkout_done');
    expect(recorder.sent()).toEqual([]);
    expect(recorder.errors().map((e) => e.path)).toEqual(['conversions.purchase.properties.value', 'conversions.checkout_done']);
  });

  it('with strict, a rejected call throws', () => {
    const { tracker } = createTestTracker({ plan: example('webshop'), strict: true });
    expect(() => (tracker.track as (n: string) => void)('checkout_done')).toThrow(/"checkout_done" is not a conversion in the plan/);
  });

  it('throws on a plan with problems, listing them with their paths', () => {
    const plan: any = example('webshop');
    plan.destinations.meta.pixelId = 'not-a-pixel';
    expect(() => createTestTracker({ plan })).toThrow(/^measureplan: the plan given to createTestTracker has 1 problem[\s\S]*destinations\.meta\.pixelId/);
  });

  it('keeps limits and dedupe, and starts each test tracker as a new visitor unless told to keep storage', async () => {
    const first = createTestTracker({ plan: example('webshop') });
    first.tracker.track('newsletter_signup'); // once_per_user
    first.tracker.track('newsletter_signup');
    first.tracker.track('purchase', order());
    first.tracker.track('purchase', order()); // the same order number: forwarded once
    await first.tracker.flush();
    expect(first.recorder.conversions('newsletter_signup')).toHaveLength(1);
    expect(first.recorder.conversions('purchase')).toHaveLength(1);
    expect(first.recorder.skipped().map((s) => s.reason)).toEqual(expect.arrayContaining(['limit once_per_user']));

    const returning = createTestTracker({ plan: example('webshop'), keepStorage: true });
    returning.tracker.track('newsletter_signup');
    await returning.tracker.flush();
    expect(returning.recorder.sent()).toEqual([]);

    const fresh = createTestTracker({ plan: example('webshop') });
    fresh.tracker.track('newsletter_signup');
    await fresh.tracker.flush();
    expect(fresh.recorder.conversions('newsletter_signup')).toHaveLength(1);
  });

  it('reset() forgets what was recorded; the tracker carries on', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    tracker.track('phone_click');
    (tracker.track as (n: string) => void)('nope');
    recorder.reset();
    expect([recorder.sent(), recorder.errors(), recorder.calls('ga4'), recorder.skipped(), recorder.warnings()]).toEqual([[], [], [], [], []]);
    tracker.track('phone_click');
    expect(recorder.sent().map((s) => s.destination).sort()).toEqual(['collector', 'ga4', 'googleAds', 'microsoftAds']);
  });

  it('identify() reaches the destinations that use it: GA4 user_id, the collector\'s identify message', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('leadgen') });
    tracker.identify('user-42', { plan: 'pro' });
    await tracker.flush();
    expect(recorder.calls('ga4')).toContainEqual(['config', 'G-L3AD5G3N01', { user_id: 'user-42', send_page_view: false }]);
    expect(recorder.calls('collector').find((c) => c[0] === 'identify')![1]).toMatchObject({ type: 'identify', userId: 'user-42', traits: { plan: 'pro' } });
  });

  it('the plan\'s no-code triggers fire into it under jsdom, through installTriggers and recorder.plan', () => {
    document.body.innerHTML = '<footer><a href="tel:+4722334455">Call us</a></footer>';
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    const triggers = installTriggers(recorder.plan!, (name, props) => tracker.track(name as never, props as never));
    document.querySelector('a')!.addEventListener('click', (e) => e.preventDefault()); // jsdom does not dial
    document.querySelector('a')!.click();
    triggers.stop();
    expect(recorder.sent().map((s) => s.destination).sort()).toEqual(['collector', 'ga4', 'googleAds', 'microsoftAds']);
    expect(recorder.conversions()[0]!.name).toBe('phone_click');
  });
});
