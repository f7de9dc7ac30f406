// @vitest-environment jsdom
/**
 * docs/adapters/*.md, docs/consent.md and docs/collector.md against what the adapters do: the
 * exact vendor calls the documents print for the example plans, through the real tracker.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Tracker } from '../../src/core/types';
import { ga4 } from '../../adapters/ga4/index';
import { googleAds } from '../../adapters/google-ads/index';
import { meta } from '../../adapters/meta/index';
import { microsoftAds } from '../../adapters/microsoft-ads/index';
import { collector } from '../../adapters/collector/index';
import { bench, commands, eventFor, resetWindow } from './harness';
import { example } from '../plan/fixtures';

const w = window as any;
const dataLayer = () => commands(w.dataLayer);
const fbqQueue = () => commands(w.fbq?.queue);
const G = 'G-F1X2Y3Z4W5';

const open: Tracker[] = [];
beforeEach(() => { resetWindow(); localStorage.clear(); });
afterEach(async () => { await Promise.all(open.splice(0).map((t) => t.shutdown())); resetWindow(); vi.unstubAllGlobals(); });

/** Lets the dedupe claim (purchase has `dedupe`: up to VERIFY_MS) and the adapters' promises settle. */
const settle = async () => { for (let i = 0; i < 20; i++) await Promise.resolve(); await new Promise((r) => setTimeout(r, 400)); for (let i = 0; i < 20; i++) await Promise.resolve(); };

function shop(adapters: Parameters<typeof createTracker>[0]['adapters']) {
  const t = createTracker({ plan: example('webshop'), adapters });
  open.push(t);
  const errors: string[] = [];
  t.on('error', (e) => errors.push(e.reason));
  return { t, errors };
}

const tent = { item_id: 'SKU-TENT-2', item_name: 'Lavvo 2', price: 1299, quantity: 1, item_category: 'Tents' };

describe('docs/adapters/ga4.md and meta.md: the webshop purchase, as printed', () => {
  it('GA4: gtag event purchase with the funnel step of the plan’s checkout funnel', async () => {
    const { t } = shop([ga4()]);
    t.consent({ analytics: 'granted', ads: 'denied' });
    t.track('purchase', { transaction_id: 'T-1001', value: 1299, coupon: 'WINTER10', items: [tent] });
    await settle();
    expect(dataLayer().filter((c) => c[0] === 'event')).toEqual([['event', 'purchase', {
      currency: 'NOK', value: 1299, transaction_id: 'T-1001', items: [tent], coupon: 'WINTER10',
      funnel: 'checkout', funnel_step: 4, funnel_steps: 4, send_to: G,
    }]]);
  });

  it('Meta: fbq track Purchase with the funnel step as custom data and the event id as eventID', async () => {
    const { t } = shop([meta()]);
    t.consent({ analytics: 'denied', ads: 'granted' });
    t.track('purchase', { transaction_id: 'T-1001', value: 2898, items: [{ item_id: 'SKU-1', price: 2499, quantity: 1 }, { item_id: 'SKU-2', price: 199.5, quantity: 2 }] });
    await settle();
    expect(fbqQueue().filter((c) => c[0] === 'track' && c[1] !== 'PageView')).toEqual([['track', 'Purchase', {
      funnel: 'checkout', funnel_step: 4, funnel_steps: 4,
      value: 2898, currency: 'NOK',
      content_ids: ['SKU-1', 'SKU-2'],
      contents: [{ id: 'SKU-1', quantity: 1, item_price: 2499 }, { id: 'SKU-2', quantity: 2, item_price: 199.5 }],
      num_items: 3, content_type: 'product',
    }, { eventID: 'purchase:T-1001' }]]);
  });
});

describe('docs/adapters/ga4.md: users', () => {
  it('identify with an empty user id clears GA4’s user_id; identify without one is refused and reaches no adapter', async () => {
    const { t, errors } = shop([ga4()]);
    t.consent({ analytics: 'granted', ads: 'denied' });
    t.identify('U-1', {});
    await settle();
    w.dataLayer.length = 0;
    t.identify('', { email: 'kari@example.com' });
    t.identify(undefined as unknown as string, { email: 'kari@example.com' });
    await settle();
    expect(dataLayer()).toEqual([['config', G, { user_id: null, send_page_view: false }]]);
    expect(errors).toEqual(['the user id must be a text (or null to forget the user)']);
  });
});

describe('docs/adapters/microsoft-ads.md: the currency stays when UET’s rule leaves the value out', () => {
  it('pushes currency and event_id without revenue_value/event_value for a negative value', async () => {
    const b = bench();
    const a = microsoftAds();
    await a.load(b.ctx);
    a.send(eventFor(b, 'add_to_cart', { item_id: 'SKU-1', item_name: 'Tent', value: -5, quantity: 1 }), b.ctx);
    expect(w.uetq.slice(-3)).toEqual(['event', 'add_to_cart', { currency: 'NOK', event_id: 'evt-add_to_cart-0001' }]);
  });
});

describe('docs/consent.md: the buffer of the undecided holds 200 deliveries per category', () => {
  it('a conversion for two ad tools takes two places: 100 wait, the 101st is refused for each tool', async () => {
    const { t, errors } = shop([googleAds(), microsoftAds()]);
    for (let i = 0; i < 101; i++) t.track('phone_click'); // googleAds and microsoftAds
    await settle();
    expect(errors).toEqual([
      'the buffer of events waiting for ads consent is full; googleAds will not receive this conversion',
      'the buffer of events waiting for ads consent is full; microsoftAds will not receive this conversion',
    ]);
  });
});

describe('docs/collector.md: click ids follow the ads consent the collector received the conversion under', () => {
  it('builds the message under the consent it was received under: ads granted after that, before the batch is built, adds no click ids', async () => {
    const bodies: any[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => { bodies.push(JSON.parse(String(init.body))); return new Response(null, { status: 200 }); });
    const b = bench();
    b.status = { analytics: 'granted', ads: 'denied' };
    const c = collector({ flushInterval: 60_000 });
    await c.load(b.ctx);
    c.send(eventFor(b, 'phone_click', {}, { clickIds: { gclid: 'G-CLICK-1' } }), b.ctx);
    b.status = { analytics: 'granted', ads: 'granted' };
    await c.flush!('manual');
    const m = bodies[0].batch[0];
    expect(m.context.measureplan.click_ids).toBeUndefined();
    expect(m.context.measureplan.consent).toEqual({ analytics: 'granted', ads: 'denied' });
    await c.shutdown!();
  });

  it('sends nothing with click ids while ads is denied, whatever it was received under (consent QA 2026-12-07)', async () => {
    const bodies: any[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => { bodies.push(JSON.parse(String(init.body))); return new Response(null, { status: 200 }); });
    const b = bench();
    const c = collector({ flushInterval: 60_000 });
    await c.load(b.ctx);
    c.send(eventFor(b, 'phone_click', {}, { clickIds: { gclid: 'G-CLICK-1' } }), b.ctx);
    b.status = { analytics: 'granted', ads: 'denied' };
    await c.flush!('manual');
    expect(bodies[0].batch[0].context.measureplan.click_ids).toBeUndefined();
    expect(bodies[0].batch[0].context.measureplan.consent).toEqual({ analytics: 'granted', ads: 'denied' });
    await c.shutdown!();
  });
});
