// @vitest-environment jsdom
/**
 * The second read of the consent changes (diff review 2026-12-06):
 * - with ads granted and analytics undecided, conversions go to the ad tools at once, as before,
 *   also behind one that waits for the analytics decision;
 * - a sign-out before the consent answer stays a sign-out after it (the stored user came back).
 */
import { beforeEach, expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter, ConversionEvent } from '../../src/core/types';
import { example } from '../plan/fixtures';

function page(path = '/shop') {
  history.replaceState(null, '', path);
  const sent: [string, ConversionEvent][] = [];
  const rec = (name: Adapter['name'], category: Adapter['category']): Adapter => ({ name, category, load: () => undefined, send: (e) => { sent.push([name, e]); } });
  const tracker = createTracker({ plan: example('webshop'), adapters: [rec('ga4', 'analytics'), rec('meta', 'ads')] });
  return { tracker, sent };
}
beforeEach(() => localStorage.clear());

it('ads granted, analytics undecided: Meta gets each conversion at once, those behind a waiting one included', async () => {
  const p = page();
  p.tracker.consent({ ads: 'granted' });
  p.tracker.track('newsletter_signup' as never); // once_per_user
  p.tracker.track('purchase' as never, { transaction_id: 'FS-1', value: 10, items: [{ item_id: 'A' }] } as never); // dedupe: waits for analytics
  p.tracker.track('add_to_cart' as never, { item_id: 'A', value: 10 } as never);
  await p.tracker.flush();
  expect(p.sent.filter(([d]) => d === 'meta').map(([, e]) => e.name)).toEqual(['newsletter_signup', 'add_to_cart']);
  await p.tracker.shutdown();
});

it('identify(null) before the consent answer: the grant does not bring the stored user back', async () => {
  const first = page();
  first.tracker.consent({ analytics: 'granted', ads: 'granted' });
  first.tracker.identify('u-42');
  await first.tracker.shutdown();
  expect(JSON.parse(localStorage.getItem('mp_uid')!)).toBe('u-42');
  const second = page('/account');
  second.tracker.identify(null); // signs out while the banner is still open
  second.tracker.track('add_to_cart' as never, { item_id: 'A', value: 10 } as never);
  second.tracker.consent({ analytics: 'granted', ads: 'granted' });
  second.tracker.track('add_to_cart' as never, { item_id: 'B', value: 10 } as never);
  await second.tracker.flush();
  expect(second.sent.filter(([d]) => d === 'ga4').map(([, e]) => e.userId)).toEqual([undefined, undefined]);
  expect(localStorage.getItem('mp_uid')).toBeNull();
  await second.tracker.shutdown();
});
