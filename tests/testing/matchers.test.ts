import { beforeAll, describe, expect, it } from 'vitest';
import { createTestTracker, installMatchers, measureplanMatchers, type MeasureplanMatchers, type Recorder } from '../../src/testing/index';
import { example } from '../plan/fixtures';

declare module 'vitest' {
  interface Matchers<T = any> extends MeasureplanMatchers<T> {}
}

beforeAll(() => { installMatchers(expect); });

const items = [{ item_id: 'SKU-TENT-2', item_name: 'Tent', price: 2499, quantity: 1 }];

/** A purchase (T-1001) and a newsletter signup, with consent as given. */
async function shop(consent?: Parameters<typeof createTestTracker>[0]['consent']): Promise<Recorder> {
  const { tracker, recorder } = createTestTracker({ plan: example('webshop'), ...(consent ? { consent } : {}) });
  tracker.track('purchase', { transaction_id: 'T-1001', value: 2499, items });
  tracker.track('newsletter_signup');
  await tracker.flush();
  return recorder;
}

describe('toHaveSentConversion', () => {
  it('passes for a conversion sent with those destinations, value, currency, properties, id and times', async () => {
    const rec = await shop();
    expect(rec).toHaveSentConversion('purchase');
    expect(rec).toHaveSentConversion('purchase', { to: ['ga4', 'meta'], value: 2499, currency: 'NOK' });
    expect(rec).toHaveSentConversion('purchase', { to: ['googleAds', 'microsoftAds', 'collector'], properties: { transaction_id: 'T-1001' }, id: 'purchase:T-1001', times: 1 });
    expect(rec).toHaveSentConversion('purchase', { properties: { transaction_id: expect.stringMatching(/^T-/), items: [expect.objectContaining({ item_id: 'SKU-TENT-2' })] } });
    expect(rec).toHaveSentConversion('newsletter_signup', { to: ['meta'], value: 15, times: 1 });
  });

  it('fails for a conversion that was not sent, listing what each destination received', async () => {
    const rec = await shop();
    expect(() => expect(rec).toHaveSentConversion('phone_click')).toThrow(/expected phone_click to have been sent, but:\n {2}it was sent 0 times\nWhat each destination received:\n {2}ga4: .*purchase \(value 2499 NOK, id purchase:T-1001, {"transaction_id":"T-1001".*\n {2}googleAds: purchase \(value 2499 NOK[\s\S]*\n {2}linkedin: nothing\n/);
  });

  it('fails for a destination that did not receive it, and says when the plan does not send it there', async () => {
    const rec = await shop();
    expect(() => expect(rec).toHaveSentConversion('newsletter_signup', { to: ['ga4', 'googleAds'] })).toThrow(
      /to ga4 and googleAds to have been sent, but:\n {2}ga4 received it 1 time\n {2}googleAds received it 0 times \(the plan's send for newsletter_signup does not name googleAds\)/,
    );
  });

  it('fails for a destination whose consent was denied, and shows the skip', async () => {
    const rec = await shop({ ads: 'denied' });
    expect(rec).toHaveSentConversion('purchase', { to: ['ga4', 'collector'] });
    expect(() => expect(rec).toHaveSentConversion('purchase', { to: ['ga4', 'meta'] })).toThrow(/meta received it 0 times[\s\S]*meta: nothing[\s\S]*Not sent:\n[\s\S]*purchase: meta: ads consent denied/);
  });

  it('fails for a wrong value, currency, property or id, saying it was sent with other values', async () => {
    const rec = await shop();
    expect(() => expect(rec).toHaveSentConversion('purchase', { value: 99 })).toThrow(/expected purchase with value 99 to have been sent, but:\n {2}it was sent 0 times, but purchase was sent 1 time with other values/);
    expect(() => expect(rec).toHaveSentConversion('purchase', { to: ['meta'], value: 99 })).toThrow(/meta received purchase 1 time, 0 of them as described/);
    expect(() => expect(rec).toHaveSentConversion('purchase', { currency: 'EUR' })).toThrow(/with currency "EUR"/);
    expect(() => expect(rec).toHaveSentConversion('purchase', { properties: { transaction_id: 'T-1002' } })).toThrow(/with properties {"transaction_id":"T-1002"}/);
    expect(() => expect(rec).toHaveSentConversion('purchase', { properties: { coupon: 'SUMMER' } })).toThrow(/other values/);
    expect(() => expect(rec).toHaveSentConversion('purchase', { id: 'purchase:T-9' })).toThrow(/with id "purchase:T-9"/);
  });

  it('fails for the wrong number of times', async () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    tracker.track('phone_click');
    tracker.track('phone_click');
    expect(recorder).toHaveSentConversion('phone_click', { times: 2 });
    expect(recorder).toHaveSentConversion('phone_click', { to: ['ga4', 'googleAds'], times: 2 });
    expect(() => expect(recorder).toHaveSentConversion('phone_click', { times: 1 })).toThrow(/expected phone_click once to have been sent, but:\n {2}it was sent 2 times/);
    expect(() => expect(recorder).toHaveSentConversion('phone_click', { to: ['googleAds'], times: 3 })).toThrow(/phone_click to googleAds 3 times to have been sent, but:\n {2}googleAds received it 2 times/);
    expect(recorder).toHaveSentConversion('purchase', { times: 0 });
    expect(() => expect(recorder).toHaveSentConversion('phone_click', { times: 0 })).toThrow(/it was sent 2 times/);
  });

  it('with .not: passes when it was not sent as described, fails when it was', async () => {
    const rec = await shop({ ads: 'denied' });
    expect(rec).not.toHaveSentConversion('phone_click');
    expect(rec).not.toHaveSentConversion('purchase', { to: ['meta'] });
    expect(rec).not.toHaveSentConversion('purchase', { value: 1 });
    expect(() => expect(rec).not.toHaveSentConversion('purchase')).toThrow(/expected purchase not to have been sent, but:\n {2}it was sent 1 time/);
    expect(() => expect(rec).not.toHaveSentConversion('purchase', { to: ['ga4'], value: 2499 })).toThrow(/expected purchase to ga4 with value 2499 not to have been sent, but:\n {2}ga4 received it 1 time/);
  });

  it('throws on a misuse, with .not too: a typo never passes', async () => {
    const rec = await shop();
    expect(() => expect(rec).not.toHaveSentConversion('purchse')).toThrow(/"purchse" is not a conversion in the plan "Fjellsport webshop"; its conversions are purchase, view_item/);
    expect(() => expect(rec).not.toHaveSentConversion('purchase', { to: ['facebook' as never] })).toThrow(/"facebook" is not a destination/);
    expect(() => expect(rec).not.toHaveSentConversion('purchase', { destinations: ['meta'] } as never)).toThrow(/unknown option "destinations"/);
    expect(() => expect(rec).not.toHaveSentConversion('purchase', { to: 'meta' as never })).toThrow(/"to" is a list of destinations/);
    expect(() => expect(rec).not.toHaveSentConversion('purchase', { times: 1.5 })).toThrow(/"times" is a whole number/);
    expect(() => expect({ sent: () => [] }).toHaveSentConversion('purchase')).toThrow(/expected the recorder from createTestTracker\(\)/);
    const lead = createTestTracker({ plan: example('leadgen') });
    expect(() => expect(lead.recorder).not.toHaveSentConversion('demo_request', { to: ['meta'] })).toThrow(/the plan "Nordlys Software: B2B lead generation" has no destination meta/);
  });

  it('accepts createTestTracker()\'s whole result as well as the recorder', async () => {
    const kit = createTestTracker({ plan: example('webshop') });
    kit.tracker.track('phone_click');
    expect(kit).toHaveSentConversion('phone_click', { to: ['googleAds'] });
    expect(() => expect(kit).toHaveSentConversion('phone_click', { to: ['meta'] })).toThrow(/meta received it 0 times/);
  });
});

describe('toHaveSentAnything', () => {
  it('passes once something was sent, and fails with .not, listing it', async () => {
    const rec = await shop();
    expect(rec).toHaveSentAnything();
    expect(() => expect(rec).not.toHaveSentAnything()).toThrow(/expected nothing to have been sent, but 2 conversions went out \(8 deliveries in all\)\.\nWhat each destination received:\n {2}ga4: .*purchase/);
  });

  it('passes with .not when consent is denied, and fails without it, showing the skips', async () => {
    const rec = await shop({ analytics: 'denied', ads: 'denied' });
    expect(rec).not.toHaveSentAnything();
    expect(() => expect(rec).toHaveSentAnything()).toThrow(/expected something to have been sent, but no destination received anything\.\nWhat each destination received:\n {2}ga4: nothing[\s\S]*Not sent:\n {2}purchase: ga4: analytics consent denied/);
  });

  it('shows what the tracker rejected when nothing went out', () => {
    const { tracker, recorder } = createTestTracker({ plan: example('webshop') });
    tracker.track('purchase', { transaction_id: 'T-1', value: -5, items });
    expect(() => expect(recorder).toHaveSentAnything()).toThrow(/Rejected by the tracker:\n {2}conversions\.purchase\.properties\.value: value /);
  });
});

describe('toHaveSentTo', () => {
  it('passes for a destination that received something (or that conversion), fails for one that did not', async () => {
    const rec = await shop({ ads: 'denied' });
    expect(rec).toHaveSentTo('ga4');
    expect(rec).toHaveSentTo('collector', 'newsletter_signup');
    expect(rec).not.toHaveSentTo('meta');
    expect(rec).not.toHaveSentTo('ga4', 'phone_click');
    expect(() => expect(rec).toHaveSentTo('meta')).toThrow(/expected meta to have received anything, but it did not\.\nWhat each destination received:[\s\S]*meta: nothing/);
    expect(() => expect(rec).toHaveSentTo('ga4', 'phone_click')).toThrow(/expected ga4 to have received phone_click, but it did not/);
    expect(() => expect(rec).not.toHaveSentTo('ga4')).toThrow(/expected ga4 not to have received anything, but it received 2 conversions/);
    expect(() => expect(rec).not.toHaveSentTo('ga4', 'purchase')).toThrow(/expected ga4 not to have received purchase, but it received 1 time/);
  });

  it('throws for a destination or conversion the plan does not have', async () => {
    const rec = await shop();
    expect(() => expect(rec).not.toHaveSentTo('tiktok' as never)).toThrow(/"tiktok" is not a destination/);
    expect(() => expect(rec).not.toHaveSentTo('meta', 'Purchase')).toThrow(/"Purchase" is not a conversion in the plan/);
  });
});

describe('the matchers outside vitest (the shape jest\'s expect.extend takes)', () => {
  it('work as plain functions with a context that has no equals of its own', async () => {
    const rec = await shop();
    const ok = measureplanMatchers.toHaveSentConversion.call({ isNot: false }, rec, 'purchase', { to: ['meta'], properties: { items } });
    expect(ok.pass).toBe(true);
    expect(ok.message()).toMatch(/^expected purchase to meta with properties .* not to have been sent/);
    const wrong = measureplanMatchers.toHaveSentConversion.call({}, rec, 'purchase', { properties: { items: [{ ...items[0], quantity: 2 }] } });
    expect(wrong.pass).toBe(false);
    expect(measureplanMatchers.toHaveSentTo.call({}, rec, 'linkedin').pass).toBe(false);
    expect(measureplanMatchers.toHaveSentAnything.call({}, rec).pass).toBe(true);
  });
});
