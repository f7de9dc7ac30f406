// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { googleAds } from '../../adapters/google-ads/index';
import { bench, commands, eventFor, resetWindow } from './harness';
import { example } from '../plan/fixtures';

const AW = 'AW-123456789';
const LEAD = 'AW-987654321';
const denied = { ad_storage: 'denied', ad_user_data: 'denied', ad_personalization: 'denied', analytics_storage: 'denied' };
const adsOnly = { ad_storage: 'granted', ad_user_data: 'granted', ad_personalization: 'granted', analytics_storage: 'denied' };
const dataLayer = () => commands((window as any).dataLayer);
/** The user_data of each Google Ads conversion sent so far. */
const userData = () => dataLayer().filter((c) => c[1] === 'conversion').map((c) => (c[2] as { user_data?: unknown }).user_data);

// printf '%s' value | sha256sum
const SHA = {
  'test@example.com': '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b',
  'johnsmith@gmail.com': '3586de92bb3636d0885a12eff961429a32e4ebd764b96f50d85d016f9338d586',
  'jane.doe@example.com': '86e0b9e56c17cc4d12387e1949b85053fbe73bc3ce5a1188713a9d300cc6133d',
  '+4791234567': 'ffcbee1d17948bbad790c0b467ce90267dc1d9f9f4494f28451642fee49ff9a9',
  '+14155550123': '36a2cef4ff9bf7a1abd2a93359136b870393be4106e6c5d19b72ff564f9deca4',
};

/** A loaded Google Ads adapter on a bench; the dataLayer is cleared after the install commands. */
async function loaded(options: Parameters<typeof bench>[0] = {}) {
  const b = bench({ status: { analytics: 'pending' }, ...options });
  const a = googleAds();
  await a.load(b.ctx);
  const install = dataLayer();
  (window as any).dataLayer.length = 0;
  return { b, a, install };
}

beforeEach(() => resetWindow());

describe('googleAds load', () => {
  it('installs the Google tag with the plan consent default first, then the current consent, js, config', async () => {
    const { b, install } = await loaded();
    expect(install).toEqual([
      ['consent', 'default', denied],
      ['consent', 'update', adsOnly],
      ['js', expect.any(Date)],
      ['config', AW],
    ]);
    expect(b.scripts).toEqual([`https://www.googletagmanager.com/gtag/js?id=${AW}`]);
    expect(b.warnings).toEqual([]);
  });

  it('takes the consent default from the plan', async () => {
    const plan = example('webshop');
    plan.consent = { default: { analytics: 'denied', ads: 'granted' } };
    const { install } = await loaded({ plan });
    expect(install[0]).toEqual(['consent', 'default', adsOnly]);
  });

  it('config carries no allow_enhanced_conversions even with enhanced conversions on (user_data is enough)', async () => {
    const { install } = await loaded({ plan: 'leadgen' });
    expect(install.at(-1)).toEqual(['config', LEAD]);
  });

  it('warns and keeps the queue when gtag.js is blocked', async () => {
    const b = bench({ blockScripts: true });
    const a = googleAds();
    await a.load(b.ctx);
    expect(b.warnings).toHaveLength(1);
    expect(b.warnings[0]!.message).toContain(`gtag/js?id=${AW}`);
    await a.send(eventFor(b, 'phone_click'), b.ctx);
    expect(dataLayer().at(-1)).toEqual(['event', 'conversion', { send_to: `${AW}/PhOnE123` }]);
  });
});

describe('googleAds conversions', () => {
  it('sends the webshop purchase with value, currency and transaction_id', async () => {
    const { b, a } = await loaded();
    await a.send(eventFor(b, 'purchase', { transaction_id: 'T-1001', value: 1299, items: [{ item_id: 'SKU-TENT-2' }], coupon: 'WINTER10' }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'conversion', { send_to: `${AW}/AbC-D_efG1`, value: 1299, currency: 'NOK', transaction_id: 'T-1001' }]]);
  });

  it('sends the webshop phone_click with only send_to (no value, no transaction_id)', async () => {
    const { b, a } = await loaded();
    await a.send(eventFor(b, 'phone_click'), b.ctx);
    expect(dataLayer()).toEqual([['event', 'conversion', { send_to: `${AW}/PhOnE123` }]]);
  });

  it('sends the leadgen demo_request with its constant value', async () => {
    const { b, a } = await loaded({ plan: 'leadgen' });
    await a.send(eventFor(b, 'demo_request', { company_size: '11-50', lead_id: 'LEAD-000123' }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'conversion', { send_to: `${LEAD}/DeMo-ReQ_01`, value: 400, currency: 'EUR' }]]);
  });

  it('leaves out a transaction_id over 64 characters, with a warning, instead of cutting it', async () => {
    const { b, a } = await loaded();
    const long = 'T-' + '9'.repeat(63);
    await a.send(eventFor(b, 'purchase', { transaction_id: long, value: 10, items: [] }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'conversion', { send_to: `${AW}/AbC-D_efG1`, value: 10, currency: 'NOK' }]]);
    expect(b.warnings.map((w) => w.message)).toEqual(['googleAds purchase: transaction_id left out: Google Ads takes at most 64 characters, this one has 65']);
  });

  it('leaves out a transaction_id that is an e-mail address or phone number, with a warning (security QA 2026-12-06)', async () => {
    const { b, a } = await loaded();
    await a.send(eventFor(b, 'purchase', { transaction_id: 'kari.nordmann@example.no', value: 10, items: [] }), b.ctx);
    await a.send(eventFor(b, 'purchase', { transaction_id: '+47 912 34 567', value: 10, items: [] }), b.ctx);
    expect(dataLayer()).toEqual([0, 1].map(() => ['event', 'conversion', { send_to: `${AW}/AbC-D_efG1`, value: 10, currency: 'NOK' }]));
    expect(b.warnings.map((w) => w.message)).toEqual([0, 1].map(() => 'googleAds purchase: transaction_id withheld: looks like an e-mail or phone number'));
  });

  it('keeps an order number that has a phone number\'s shape (diff read 2026-12-06)', async () => {
    const { b, a } = await loaded();
    await a.send(eventFor(b, 'purchase', { transaction_id: '2026 000123', value: 10, items: [] }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'conversion', { send_to: `${AW}/AbC-D_efG1`, value: 10, currency: 'NOK', transaction_id: '2026 000123' }]]);
    expect(b.warnings).toEqual([]);
  });

  it('keeps a transaction_id of exactly 64 characters', async () => {
    const { b, a } = await loaded();
    const id64 = 'T'.repeat(64);
    await a.send(eventFor(b, 'purchase', { transaction_id: id64, value: 10, items: [] }), b.ctx);
    expect((dataLayer()[0]![2] as any).transaction_id).toBe(id64);
    expect(b.warnings).toEqual([]);
  });

  it('sends a Consent Mode update when ads consent is withdrawn', async () => {
    const { b, a } = await loaded();
    a.consent!({ analytics: 'granted', ads: 'denied' }, b.ctx);
    expect(dataLayer()).toEqual([['consent', 'update', { ...denied, analytics_storage: 'granted' }]]);
  });
});

describe('googleAds enhanced conversions', () => {
  it('hashes the identify() e-mail and phone and sends them as user_data with the very next conversion', async () => {
    const { b, a } = await loaded({ plan: 'leadgen' });
    a.identify!({ userId: 'u-1', traits: { email: '  Test@Example.com ', phone: '+1 (415) 555-0123' } }, b.ctx); // not awaited
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000124' }), b.ctx);
    expect(dataLayer()).toEqual([
      ['event', 'conversion', { send_to: `${LEAD}/DeMo-ReQ_01`, value: 400, currency: 'EUR', user_data: { sha256_email_address: SHA['test@example.com'], sha256_phone_number: SHA['+14155550123'] } }],
    ]);
    const all = JSON.stringify(dataLayer());
    expect(all).not.toMatch(/example\.com|555-0123|u-1/i);
  });

  it('removes the dots of a gmail.com address before hashing, but not of other domains', async () => {
    const { b, a } = await loaded({ plan: 'leadgen' });
    await a.identify!({ traits: { email: 'John.Smith@Gmail.com' } }, b.ctx);
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000200' }), b.ctx);
    await a.identify!({ traits: { email: 'Jane.Doe@example.com' } }, b.ctx);
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000200' }), b.ctx);
    expect(userData()).toEqual([{ sha256_email_address: SHA['johnsmith@gmail.com'] }, { sha256_email_address: SHA['jane.doe@example.com'] }]);
  });

  it('normalises phone numbers to E.164 (00 prefix, spaces) before hashing', async () => {
    const { b, a } = await loaded({ plan: 'leadgen' });
    await a.identify!({ traits: { phone: '0047 912 34 567' } }, b.ctx);
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000200' }), b.ctx);
    await a.identify!({ traits: { phone: '+47 912-34-567' } }, b.ctx);
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000200' }), b.ctx);
    expect(userData()).toEqual([{ sha256_phone_number: SHA['+4791234567'] }, { sha256_phone_number: SHA['+4791234567'] }]);
  });

  it('uses what identify() gave before ads consent, as soon as the adapter loads', async () => {
    const b = bench({ plan: 'leadgen' });
    b.identity = { userId: 'u-1', traits: { email: 'test@example.com' } };
    const a = googleAds();
    await a.load(b.ctx);
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000125' }), b.ctx);
    expect(dataLayer().slice(-1)).toEqual([
      ['event', 'conversion', { send_to: `${LEAD}/DeMo-ReQ_01`, value: 400, currency: 'EUR', user_data: { sha256_email_address: SHA['test@example.com'] } }],
    ]);
    expect(dataLayer().filter((c) => c[0] === 'set')).toEqual([]); // never in gtag's global scope, where GA4's hits would carry it
  });

  it('sends no user data when the plan does not enable enhanced conversions', async () => {
    const { b, a } = await loaded(); // webshop: enhancedConversions not set
    await a.identify!({ userId: 'u-1', traits: { email: 'test@example.com', phone: '+4791234567' } }, b.ctx);
    await a.send(eventFor(b, 'phone_click'), b.ctx);
    expect(dataLayer()).toEqual([['event', 'conversion', { send_to: `${AW}/PhOnE123` }]]);
  });

  it('sends no user data once ads consent is withdrawn, neither the new visitor’s nor the earlier one’s', async () => {
    const { b, a } = await loaded({ plan: 'leadgen' });
    await a.identify!({ traits: { email: 'first@example.com' } }, b.ctx);
    b.status = { analytics: 'granted', ads: 'denied' };
    a.forget!(b.ctx);
    await a.identify!({ traits: { email: 'test@example.com' } }, b.ctx);
    expect(dataLayer()).toEqual([]);
    b.status = { analytics: 'granted', ads: 'granted' };
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000200' }), b.ctx);
    expect(userData()).toEqual([undefined]);
  });

  it('sets nothing for traits without a usable e-mail or phone', async () => {
    const { b, a } = await loaded({ plan: 'leadgen' });
    await a.identify!({ traits: { email: 'not-an-address', phone: '12', name: 'Jane' } }, b.ctx);
    await a.identify!({ traits: undefined as any }, b.ctx);
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000200' }), b.ctx);
    expect(userData()).toEqual([undefined]);
    expect(b.warnings.map((w) => w.message)).toEqual(['googleAds: enhanced conversions: no user data sent, the e-mail/phone is not usable or could not be hashed (Web Crypto needs https)']);
  });

  it('warns and sends no user data where Web Crypto is missing (a page without https)', async () => {
    const { b, a } = await loaded({ plan: 'leadgen' });
    const subtle = Object.getOwnPropertyDescriptor(globalThis.crypto, 'subtle');
    Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined, configurable: true });
    try {
      await a.identify!({ traits: { email: 'test@example.com' } }, b.ctx);
    } finally {
      if (subtle) Object.defineProperty(globalThis.crypto, 'subtle', subtle);
      else delete (globalThis.crypto as any).subtle;
    }
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000128' }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'conversion', { send_to: `${LEAD}/DeMo-ReQ_01`, value: 400, currency: 'EUR' }]]);
    expect(b.warnings).toHaveLength(1);
    expect(JSON.stringify(dataLayer())).not.toContain('example.com');
  });

  it('keeps conversions in order while a hash is pending', async () => {
    const { b, a } = await loaded({ plan: 'leadgen' });
    a.identify!({ traits: { email: 'test@example.com' } }, b.ctx);
    const first = a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000126' }), b.ctx);
    const second = a.send(eventFor(b, 'demo_request', { company_size: '251+', lead_id: 'LEAD-000127' }), b.ctx);
    await Promise.all([first, second]);
    expect(dataLayer().map((c) => c[1])).toEqual(['conversion', 'conversion']);
    expect(userData()).toEqual([{ sha256_email_address: SHA['test@example.com'] }, { sha256_email_address: SHA['test@example.com'] }]);
  });

  // Found by a second read: a hash still running when the visitor signs out or withdraws consent
  // must not put that visitor's hashes back when it finishes.
  const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5)); };

  it('a sign-out right after identify() leaves no hashes of the previous visitor on later conversions', async () => {
    const { b, a } = await loaded({ plan: 'leadgen' });
    const first = a.identify!({ userId: 'u-1', traits: { email: 'test@example.com' } }, b.ctx); // still hashing
    const out = a.identify!({ traits: {} }, b.ctx); // identify(null): signed out
    await Promise.all([first, out]);
    await settle();
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000201' }), b.ctx);
    expect(userData()).toEqual([undefined]);
  });

  it('ads consent withdrawn while identify() hashes: the hashes are not kept for after a new grant', async () => {
    const { b, a } = await loaded({ plan: 'leadgen' });
    const first = a.identify!({ userId: 'u-1', traits: { email: 'test@example.com' } }, b.ctx);
    b.status = { analytics: 'granted', ads: 'denied' };
    a.forget!(b.ctx);
    await first;
    await settle();
    b.status = { analytics: 'granted', ads: 'granted' };
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000202' }), b.ctx);
    expect(userData()).toEqual([undefined]);
  });
});
