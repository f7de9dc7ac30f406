// @vitest-environment jsdom
/**
 * A re-created tracker while bat.js downloads (diff review 2026-12-06): tracker A granted,
 * its bat.js element added; A shut down while bat.js downloads; tracker B created (a remounted
 * provider); bat.js runs. Two UET tags for one ti, two pageLoads.
 */
import { beforeEach, expect, it } from 'vitest';
import { createTracker } from '../../src/index';
import { microsoftAds } from '../../adapters/microsoft-ads';
import { example } from '../plan/fixtures';

const w = () => window as any;
class FakeUET {
  static made: FakeUET[] = [];
  pushed: unknown[][] = [];
  constructor(public options: Record<string, unknown>) { FakeUET.made.push(this); }
  push(...args: unknown[]) { this.pushed.push(args); }
}
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));
beforeEach(() => { localStorage.clear(); FakeUET.made = []; });

it('one UET tag and one pageLoad when the tracker is re-created while bat.js downloads', async () => {
  const plan: any = example('webshop');
  delete plan.vitals;
  const granted = { analytics: 'granted', ads: 'granted' } as const;
  const a = createTracker({ plan, adapters: [microsoftAds()] });
  a.consent(granted);
  await settle(); // the bat.js element is in the page, downloading
  const el = document.querySelector('script[src*="bat.bing.com/bat.js"]')!;
  expect(el).toBeTruthy();
  await a.shutdown();
  const b = createTracker({ plan, adapters: [microsoftAds()] });
  b.consent(granted);
  await settle();
  w().UET = FakeUET; // bat.js has run
  el.dispatchEvent(new Event('load'));
  await settle();
  const pageLoads = FakeUET.made.flatMap((t) => t.pushed.filter((p) => p[0] === 'pageLoad'));
  expect(FakeUET.made).toHaveLength(1);
  expect(pageLoads).toHaveLength(1);
  await b.shutdown();
});
