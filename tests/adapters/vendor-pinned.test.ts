// @vitest-environment jsdom
// Pinned by the mutation review of 2026-12-06: what the vendor adapters send that no earlier test
// held (each `describe` names the slip it catches); the bench is tests/adapters/harness.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import { ga4 } from '../../adapters/ga4/index';
import { googleAds } from '../../adapters/google-ads/index';
import { linkedin } from '../../adapters/linkedin/index';
import { meta } from '../../adapters/meta';
import { bench, commands, eventFor, resetWindow } from './harness';

const G = 'G-F1X2Y3Z4W5';
const AW_LEAD = 'AW-987654321';
const dataLayer = () => commands((window as any).dataLayer);

beforeEach(() => resetWindow());

describe('ga4: a `value` property the plan does not name as the value (G4)', () => {
  it('is sent with the plan currency (docs/adapters/ga4.md: "or else the plan\'s currency")', async () => {
    const b = bench({ status: { ads: 'pending' } });
    const a = ga4();
    await a.load(b.ctx);
    (window as any).dataLayer.length = 0;
    // begin_checkout has no `value` in the webshop plan: the site passes one as a property.
    a.send(eventFor(b, 'begin_checkout', { value: 2499 }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'begin_checkout', { currency: 'NOK', value: 2499, send_to: G }]]);
    expect(b.warnings).toEqual([]);
  });
});

describe('ga4: a journey signal carries its number without a currency (G7)', () => {
  it('a Core Web Vital in ms is no money: no plan currency is added to it', async () => {
    const b = bench({ status: { ads: 'pending' } });
    const a = ga4();
    await a.load(b.ctx);
    (window as any).dataLayer.length = 0;
    const e = { ...eventFor(b, 'visited_pricing', { value: 1840 }), kind: 'signal' as const, send: { ga4: { event: 'web_vitals_lcp' } } };
    a.send(e as any, b.ctx);
    expect(dataLayer()).toEqual([['event', 'web_vitals_lcp', { value: 1840, send_to: G }]]);
  });
});

describe('ga4: an order number declared as an integer (G5)', () => {
  it('goes to GA4 as the text every vendor deduplicates on (src/core/enrich.ts)', async () => {
    const b = bench({ status: { ads: 'pending' } });
    const a = ga4();
    await a.load(b.ctx);
    (window as any).dataLayer.length = 0;
    a.send(eventFor(b, 'purchase', { transaction_id: 100045, value: 5 }, { transactionId: '100045' }), b.ctx);
    expect((dataLayer()[0]![2] as any).transaction_id).toBe('100045');
  });
});

describe('googleAds: e-mail normalisation (A9)', () => {
  it('removes the dots of a googlemail.com address too (docs/adapters/google-ads.md, vendor-protocols.md §Google normalisation)', async () => {
    const b = bench({ plan: 'leadgen', status: { analytics: 'pending' } });
    const a = googleAds();
    await a.load(b.ctx);
    (window as any).dataLayer.length = 0;
    await a.identify!({ traits: { email: 'John.Smith@GoogleMail.com' } }, b.ctx);
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000200' }), b.ctx);
    // The hash of Google's normal form: dots of the local part removed, lower case.
    const expected = await crypto.subtle.digest('SHA-256', new TextEncoder().encode('johnsmith@googlemail.com'));
    const hex = Array.from(new Uint8Array(expected), (x) => x.toString(16).padStart(2, '0')).join('');
    expect(dataLayer()).toEqual([['event', 'conversion', { send_to: `${AW_LEAD}/DeMo-ReQ_01`, value: 400, currency: 'EUR', user_data: { sha256_email_address: hex } }]]);
  });
});

describe('googleAds: a phone number longer than E.164 allows (A11)', () => {
  it('is not sent (docs/adapters/google-ads.md: "a phone with … more than 15 [digits], no user data")', async () => {
    const b = bench({ plan: 'leadgen', status: { analytics: 'pending' } });
    const a = googleAds();
    await a.load(b.ctx);
    (window as any).dataLayer.length = 0;
    await a.identify!({ traits: { phone: '+47 9123 4567 8901 23' } }, b.ctx); // 16 digits
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000200' }), b.ctx);
    expect((dataLayer()[0]![2] as any).user_data).toBeUndefined();
  });
});

describe('linkedin: a tracker re-created on the page (L3)', () => {
  it('lists the partner id once in _linkedin_data_partner_ids', async () => {
    const b = bench({ plan: 'leadgen' });
    await linkedin().load(b.ctx);
    await linkedin().load(b.ctx); // shutdown() + a new tracker, React StrictMode
    expect((window as any)._linkedin_data_partner_ids).toEqual([b.plan.destinations.linkedin!.partnerId]);
  });
});

describe('meta: a conversion worth 0 (M23)', () => {
  it('sends value 0 with its currency (a fully discounted order is still a Purchase with a value)', async () => {
    const b = bench();
    const a = meta();
    await a.load(b.ctx);
    await a.send(eventFor(b, 'purchase', { transaction_id: 'T-0', value: 0 }), b.ctx);
    const track = commands((window as any).fbq.queue).find((c) => c[0] === 'track' && c[1] === 'Purchase');
    expect(track?.[2]).toEqual({ value: 0, currency: 'NOK' });
    expect(b.warnings).toEqual([]);
  });
});
