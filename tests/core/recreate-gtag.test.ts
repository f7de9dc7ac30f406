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

it('counts the page view once at GA4 when the tracker is re-created on the page (HMR, a remount after shutdown())', async () => {
  const plan: any = example('webshop');
  delete plan.vitals;
  const w = window as any;
  for (const k of ['dataLayer', 'gtag', '__measureplanGtag']) delete w[k]; // the test above's tag
  document.head.innerHTML = '';
  const first = createTracker({ plan, adapters: [ga4()] });
  first.consent({ analytics: 'granted', ads: 'granted' });
  await settle();
  await first.shutdown();
  const second = createTracker({ plan, adapters: [ga4()] });
  second.consent({ analytics: 'granted', ads: 'granted' });
  await settle();
  const configs = [...w.dataLayer].filter((c) => c[0] == 'config' && c[1] == plan.destinations.ga4.measurementId);
  // gtag's `config` sends GA4's page_view unless told `send_page_view: false`.
  expect(configs.filter((c) => c[2]?.send_page_view !== false)).toHaveLength(1);
  expect(configs).toHaveLength(2); // the second tracker's settings (user id, consent) still reach the tag
  await second.shutdown();
});
