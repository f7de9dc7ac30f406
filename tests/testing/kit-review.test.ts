// @vitest-environment jsdom
// The test kit against the real tracker and adapters, as the kit QA of 2026-12-07 found them apart
// (findings 3 to 7; the Playwright findings are in kit-review-playwright.test.ts and
// tests/e2e/testing-kit-origins.test.ts, fake timers without a page in kit-review-node.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { collector } from '../../adapters/collector/index';
import { createTracker, type Tracker } from '../../src/index';
import { createTestTracker, installMatchers, measureplanMatchers } from '../../src/testing/index';
import { example } from '../plan/fixtures';
import { settles } from '../support/settles';

installMatchers(expect);
const items = [{ item_id: 'SKU-TENT-2', item_name: 'Tent', price: 2499, quantity: 1 }];

beforeEach(() => { localStorage.clear(); history.replaceState(null, '', '/'); });
afterEach(() => { vi.useRealTimers(); vi.unstubAllGlobals(); });

describe('fake timers (finding 3)', () => {
  it('await tracker.flush() resolves under vi.useFakeTimers() for a conversion with a dedupe key, and it is sent', async () => {
    vi.useFakeTimers();
    const plan = example('webshop');
    const order = (id: string) => ({ transaction_id: id, value: 2499, items });
    const { tracker, recorder } = createTestTracker({ plan });
    tracker.track('purchase', order('T-1001'));
    expect(await settles(tracker.flush())).toBe('flushed');
    expect(recorder).toHaveSentConversion('purchase', { to: ['ga4', 'meta'], times: 1 });
    // The same visitor's next page: another claim (no lock held for the first), and the key still counts once.
    const next = createTestTracker({ plan, keepStorage: true });
    next.tracker.track('purchase', order('T-1002'));
    expect(await settles(next.tracker.flush())).toBe('flushed');
    expect(next.recorder).toHaveSentConversion('purchase', { to: ['ga4'], properties: { transaction_id: 'T-1002' }, times: 1 });
    const again = createTestTracker({ plan, keepStorage: true });
    again.tracker.track('purchase', order('T-1001'));
    expect(await settles(again.tracker.flush())).toBe('flushed');
    expect(again.recorder).not.toHaveSentAnything();
    expect(again.recorder.skipped().map((s) => s.reason)).toContain('duplicate transaction_id T-1001');
  });
});

/** What the real collector POSTs for a scenario, fetch captured (the kit's calls('collector') must show the same). */
async function realCollector(plan: ReturnType<typeof example>, scenario: (t: Tracker<any>) => void) {
  const posted: Record<string, any>[] = [];
  const capture = async (_url: string, init: { body: string }) => {
    for (const m of JSON.parse(init.body).batch) posted.push(m);
    return new Response('{}', { status: 200 });
  };
  vi.stubGlobal('fetch', capture);
  const tracker = createTracker({ plan, adapters: [collector({ flushInterval: 10 })] });
  tracker.consent({ analytics: 'granted', ads: 'granted' });
  scenario(tracker);
  await tracker.flush();
  await tracker.shutdown();
  vi.unstubAllGlobals();
  return posted;
}
async function kitCollector(plan: ReturnType<typeof example>, scenario: (t: Tracker<any>) => void, keepStorage = false) {
  const { tracker, recorder } = createTestTracker({ plan, keepStorage });
  scenario(tracker);
  await tracker.flush();
  await tracker.shutdown();
  return recorder.calls('collector').map((c) => c[1] as Record<string, any>);
}
const brief = (m: Record<string, any>) => ({ type: m.type, event: m.event, userId: m.userId, url: m.context.page.url, click_ids: m.context.measureplan?.click_ids, ads: m.context.measureplan?.consent?.ads });

describe('calls(\'collector\') is what the real collector POSTs', () => {
  it('ads withdrawn before the POST: no click id in the messages still waiting (finding 4)', async () => {
    const plan = example('webshop');
    history.replaceState(null, '', '/checkout?gclid=TeSt-GCLID-123');
    const withdraw = (t: Tracker<any>) => { t.track('newsletter_signup', {}); t.consent({ analytics: 'granted', ads: 'denied' }); };
    const real = (await realCollector(plan, withdraw)).map(brief);
    localStorage.clear();
    const kit = (await kitCollector(plan, withdraw)).map(brief);
    expect(real).toEqual([
      { type: 'track', event: 'newsletter_signup', userId: undefined, url: 'http://localhost:3000/checkout', click_ids: undefined, ads: 'denied' },
      // The withdrawal itself, told to the store (US shop review 2026-12-07).
      { type: 'track', event: 'consent_updated', userId: undefined, url: 'http://localhost:3000/checkout', click_ids: undefined, ads: 'denied' },
    ]);
    expect(kit).toEqual(real);
  });

  it('analytics withdrawn before the POST: what waits is dropped, as the real collector drops it (diff read 2026-12-06)', async () => {
    const plan = example('webshop');
    const withdraw = (t: Tracker<any>) => { t.track('phone_click'); t.identify('u-1', { plan: 'pro' }); t.consent({ analytics: 'denied' }); };
    const real = await realCollector(plan, withdraw);
    localStorage.clear();
    const kit = await kitCollector(plan, withdraw);
    expect(real).toEqual([]);
    expect(kit).toEqual(real);
  });

  it('what was flushed (POSTed) before the withdrawal keeps its click id, as in the real collector', async () => {
    history.replaceState(null, '', '/checkout?gclid=TeSt-GCLID-123');
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    tracker.track('newsletter_signup', {});
    await tracker.flush();
    tracker.consent({ analytics: 'granted', ads: 'denied' });
    tracker.track('phone_click');
    await tracker.flush();
    expect(recorder.calls('collector').map((c) => brief(c[1] as Record<string, any>)).map((m) => [m.event, m.url, m.click_ids])).toEqual([
      ['newsletter_signup', 'http://localhost:3000/checkout?gclid=TeSt-GCLID-123', { gclid: 'TeSt-GCLID-123' }],
      ['consent_updated', 'http://localhost:3000/checkout', undefined],
      ['phone_click', 'http://localhost:3000/checkout', undefined],
    ]);
  });

  it('a returning signed-in visitor (identified on an earlier page) gets no identify message (finding 5)', async () => {
    const plan = example('webshop');
    const earlier = createTestTracker({ plan });
    earlier.tracker.identify('u-42', { email: 'kari@example.no' });
    await earlier.tracker.flush();
    expect(earlier.recorder.calls('collector').map((c) => c[0])).toEqual(['identify']); // told on this page: sent
    await earlier.tracker.shutdown();
    const stored = { ...localStorage };

    const signup = (t: Tracker<any>) => { t.track('newsletter_signup', {}); };
    const real = (await realCollector(plan, signup)).map(brief);
    localStorage.clear();
    for (const [k, v] of Object.entries(stored)) localStorage.setItem(k, v);
    const kit = (await kitCollector(plan, signup, true)).map(brief);
    expect(real.map((m) => [m.type, m.userId])).toEqual([['track', 'u-42']]);
    expect(kit).toEqual(real);
  });
});

describe('calls(\'ga4\') names the page a conversion was tracked on (finding 6)', () => {
  it('a purchase, then a route change in the same task: page_location and page_title are the checkout\'s', async () => {
    history.replaceState(null, '', '/checkout?gclid=abc');
    document.title = 'Checkout';
    const { tracker, recorder } = createTestTracker({ plan: example('webshop'), consent: { ads: 'denied' } });
    tracker.track('purchase', { transaction_id: 'T-1001', value: 2499, items });
    history.pushState(null, '', '/done');
    await tracker.flush();
    const purchase = recorder.calls('ga4').find((c) => c[0] === 'event' && c[1] === 'purchase')!;
    // The click id is ads data: without an ads grant it is taken out, as the real adapter does.
    expect(purchase[2]).toMatchObject({ page_location: 'http://localhost:3000/checkout', page_title: 'Checkout' });
    // Tracked where the page still is: the Google tag reads the page itself, no parameters added.
    tracker.track('visited_pricing');
    await tracker.flush();
    expect(recorder.calls('ga4').find((c) => c[1] === 'view_pricing')![2]).toEqual({ send_to: 'G-F1X2Y3Z4W5' });
  });
});

describe('matcher failures print asymmetric matchers as they describe themselves (finding 7)', () => {
  const failure = (fn: () => void) => { try { fn(); } catch (e) { return (e as Error).message; } return ''; };

  it('vitest: expect.any(Number), expect.stringMatching(/^T-/), in the options and in properties', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    tracker.track('newsletter_signup', {});
    await tracker.flush();
    const message = failure(() => expect(recorder).toHaveSentConversion('newsletter_signup', { to: ['ga4'], value: expect.any(String), id: expect.stringMatching(/^lead:/), properties: {} }));
    expect(message).toContain('with value Any<String>, id StringMatching /^lead:/, properties {}');
    expect(message).not.toContain('inverse');
    const purchase = failure(() => expect(recorder).toHaveSentConversion('purchase', { properties: { transaction_id: expect.stringMatching(/^T-/), value: expect.any(Number) } }));
    expect(purchase).toContain('properties {"transaction_id":StringMatching /^T-/,"value":Any<Number>}');
  });

  it('jest\'s shape: a matcher with toString() and its sample but no toAsymmetricMatcher()', async () => {
    const { recorder } = createTestTracker({ plan: example('webshop') });
    // As jest's StringMatching and ObjectContaining are: fields `sample` and `inverse`, toString() the name.
    const jestLike = (name: string, sample: unknown) => ({ sample, inverse: false, $$typeof: Symbol.for('jest.asymmetricMatcher'), asymmetricMatch: () => false, toString: () => name });
    const result = measureplanMatchers.toHaveSentConversion.call({ isNot: false }, recorder, 'purchase', { id: jestLike('StringMatching', /^purchase:/), properties: { items: jestLike('ArrayContaining', [{ item_id: 'SKU-1' }]) } });
    expect(result.pass).toBe(false);
    expect(result.message()).toContain('with id StringMatching /^purchase:/, properties {"items":ArrayContaining [{"item_id":"SKU-1"}]}');
  });
});
