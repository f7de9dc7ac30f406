// @vitest-environment jsdom
/**
 * A tracker shut down and created again in the same task (React's StrictMode, a remounted
 * provider) with consent known: the first tracker's gtag.js insert is cancelled by its shutdown,
 * and the second tracker must load it (framework QA 2026-12-06: GA4 got nothing on that page).
 */
import { expect, it } from 'vitest';
import { createTracker } from '../../src/index';
import { ga4 } from '../../adapters/ga4';
import { example } from '../plan/fixtures';

const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

it('loads gtag.js for the second tracker when the first one\'s insert was cancelled', async () => {
  const plan: any = example('webshop');
  delete plan.vitals;
  const gtagScripts = () => [...document.querySelectorAll('script[src*="googletagmanager.com/gtag/js"]')].length;
  const first = createTracker({ plan, adapters: [ga4()] });
  first.consent({ analytics: 'granted', ads: 'granted' });
  void first.shutdown();
  const second = createTracker({ plan, adapters: [ga4()] });
  second.consent({ analytics: 'granted', ads: 'granted' });
  second.track('view_item' as never, { item_id: 'A' } as never);
  await settle();
  expect(gtagScripts()).toBe(1);
  await second.shutdown();
});
