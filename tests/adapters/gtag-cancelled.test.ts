// @vitest-environment jsdom
/**
 * A gtag.js insert that was only cancelled (a tracker shut down and re-created in the same task,
 * React's StrictMode; analytics withdrawn in the task it was granted) is no block: the other
 * Google adapter is not reported blocked and its conversions are sent (diff read 2026-12-06).
 */
import { expect, it } from 'vitest';
import { createTracker } from '../../src/index';
import { ga4 } from '../../adapters/ga4';
import { example } from '../plan/fixtures';

const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

it('React StrictMode remount: the second tracker\'s GA4 is not reported blocked, its conversions are sent', async () => {
  const plan: any = example('webshop');
  delete plan.vitals;
  const first = createTracker({ plan, adapters: [ga4()] });
  first.consent({ analytics: 'granted', ads: 'granted' });
  void first.shutdown();
  const second = createTracker({ plan, adapters: [ga4()] });
  const errors: any[] = []; const sent: string[] = [];
  second.on('error', (e: any) => errors.push(e.reason));
  second.on('sent', (e: any) => sent.push(e.event.name + '→' + e.destination));
  second.consent({ analytics: 'granted', ads: 'granted' });
  second.track('view_item' as never, { item_id: 'A' } as never);
  await settle();
  // the gtag.js insert of the second tracker: jsdom never loads it; make it "load"
  const s = [...document.querySelectorAll('script[src*="googletagmanager.com/gtag/js"]')] as HTMLScriptElement[];
  s.forEach((x) => x.onload?.(new Event('load')));
  await settle();
  second.track('view_item' as never, { item_id: 'B' } as never);
  await settle();
  expect(errors).toEqual([]);
  expect(sent.length).toBe(2);
  await second.shutdown();
});

it('analytics withdrawn in the same task as the grant: Google Ads (which then loads gtag.js itself) is not reported blocked', async () => {
  const { googleAds } = await import('../../adapters/google-ads');
  delete (window as any).__measureplanGtag; document.head.innerHTML = '';
  const plan: any = example('webshop');
  delete plan.vitals;
  const t = createTracker({ plan, adapters: [ga4(), googleAds()] });
  const errors: any[] = []; const sent: string[] = [];
  t.on('error', (e: any) => errors.push(e.destination + ': ' + e.reason));
  t.on('sent', (e: any) => sent.push(e.event.name + '→' + e.destination));
  t.consent({ analytics: 'granted', ads: 'granted' });
  t.consent({ analytics: 'denied' });
  await settle();
  const s = [...document.querySelectorAll('script[src*="googletagmanager.com/gtag/js"]')] as HTMLScriptElement[];
  s.forEach((x) => x.onload?.(new Event('load')));
  await settle();
  t.track('purchase' as never, { transaction_id: 'T-1', value: 1, items: [{ item_id: 'A', price: 1, quantity: 1 }] } as never);
  await settle();
  expect(errors).toEqual([]);
  expect(sent).toContain('purchase→googleAds');
  await t.shutdown();
});
