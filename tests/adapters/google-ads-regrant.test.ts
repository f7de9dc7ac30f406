// @vitest-environment jsdom
/**
 * Enhanced conversions after ads consent is withdrawn and granted again on the same page: the
 * withdrawal drops the visitor's hashes, and the new grant makes them again (vendor QA 2026-12-06:
 * every later conversion of the signed-in visitor went without `user_data`).
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import { googleAds } from '../../adapters/google-ads/index';
import { example } from '../plan/fixtures';

const w = window as any;
const settle = async () => { for (let i = 0; i < 30; i++) await new Promise((r) => setTimeout(r, 0)); };
const conversions = () => Array.from(w.dataLayer ?? [], (a: any) => Array.from(a) as any[]).filter((c) => c[0] === 'event' && c[1] === 'conversion').map((c) => c[2]);

it('a signed-in visitor\'s conversions carry user_data again after ads is withdrawn and granted anew', async () => {
  const plan: any = example('webshop');
  delete plan.vitals;
  plan.destinations.googleAds.enhancedConversions = true;
  const t = createTracker({ plan, adapters: [googleAds()] });
  t.consent({ analytics: 'granted', ads: 'granted' });
  t.identify('C-1', { email: 'Kari@Example.no' });
  await settle();
  t.track('phone_click' as never);
  await settle();
  t.consent({ analytics: 'granted', ads: 'denied' });
  await settle();
  t.consent({ analytics: 'granted', ads: 'granted' });
  t.track('phone_click' as never); // at once: it waits for the hash
  await settle();
  await t.shutdown();
  const [before, after, ...rest] = conversions();
  expect(rest).toEqual([]);
  expect(before.user_data?.sha256_email_address).toMatch(/^[0-9a-f]{64}$/);
  expect(after.user_data).toEqual(before.user_data);
});
