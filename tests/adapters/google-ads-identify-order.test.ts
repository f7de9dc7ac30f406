// @vitest-environment jsdom
/**
 * Enhanced conversions with identify() calls close together: a conversion waits for the hash of
 * the identify() in force when it was tracked and carries that user's data, even when another
 * identify() (a sign-out, the same user again, more traits) comes before the hash is done (QA: the
 * conversion went out with no user_data).
 */
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { beforeEach, expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import { googleAds } from '../../adapters/google-ads/index';
import { example } from '../plan/fixtures';
import { commands, resetWindow } from './harness';

const w = window as any;
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const wait = (ms = 10) => new Promise((r) => setTimeout(r, ms));
const until = async (what: () => boolean) => { for (let i = 0; i < 200 && !what(); i++) await wait(25); };
/** The user_data of each Google Ads conversion, in order. */
const userData = () => commands(w.dataLayer).filter((c) => c[0] === 'event' && c[1] === 'conversion').map((c) => (c[2] as any).user_data);
const both = { analytics: 'granted', ads: 'granted' } as const;
const KARI = { sha256_email_address: sha('kari@example.no') };

beforeEach(() => { resetWindow(); localStorage.clear(); });

async function tracker() {
  const plan: any = example('webshop');
  delete plan.vitals;
  plan.destinations.googleAds.enhancedConversions = true;
  const t = createTracker({ plan, adapters: [googleAds()] });
  t.consent(both);
  await wait();
  return t;
}
/** Tracks the phone_click conversions, then waits until `n` conversions reached the dataLayer. */
const sent = async (t: Awaited<ReturnType<typeof tracker>>, n: number) => {
  await until(() => userData().length >= n);
  await wait(50);
  await t.shutdown();
  return userData();
};

it('a conversion tracked between identify() and a sign-out in the same task carries the user\'s data; one after the sign-out none', async () => {
  const t = await tracker();
  t.identify('u-kari', { email: 'kari@example.no' });
  t.track('phone_click' as never);
  t.identify(null);
  t.track('phone_click' as never);
  expect(await sent(t, 2)).toEqual([KARI, undefined]);
});

it('a conversion tracked between two identify() calls of the same user carries the data', async () => {
  const t = await tracker();
  t.identify('u-kari', { email: 'kari@example.no' });
  t.track('phone_click' as never);
  t.identify('u-kari', { email: 'kari@example.no' });
  t.track('phone_click' as never);
  expect(await sent(t, 2)).toEqual([KARI, KARI]);
});

it('each conversion carries the traits of the identify() in force when it was tracked', async () => {
  const t = await tracker();
  t.identify('u-1', { email: 'a@example.no' });
  t.identify('u-1', { phone: '+47 912 34 567' });
  t.track('phone_click' as never);
  t.identify('u-1', { email: 'b@example.no' });
  t.track('phone_click' as never);
  const phone = sha('+4791234567');
  expect(await sent(t, 2)).toEqual([
    { sha256_email_address: sha('a@example.no'), sha256_phone_number: phone },
    { sha256_email_address: sha('b@example.no'), sha256_phone_number: phone },
  ]);
});

it('a conversion still waiting for the hash when ads consent is withdrawn goes without user data (unchanged)', async () => {
  const t = await tracker();
  t.identify('u-kari', { email: 'kari@example.no' });
  t.track('phone_click' as never);
  t.consent({ analytics: 'granted', ads: 'denied' });
  expect(await sent(t, 1)).toEqual([undefined]);
});
