// @vitest-environment jsdom
import { afterEach, expect, it } from 'vitest';
import { createTracker } from '../../src/index';
import { meta } from '../../adapters/meta';
import type { Adapter, PageContext } from '../../src/core/types';
import { example } from '../plan/fixtures';

const tick = () => new Promise((r) => setTimeout(r, 50));
const pageViews = () => Array.from((window as any).fbq.queue, (a: any) => Array.from(a)).filter((c) => c[1] === 'PageView');

afterEach(() => { for (const k of ['fbq', '_fbq']) delete (window as any)[k]; history.replaceState({}, '', '/'); });

it('route changes held while ads consent is pending reach Meta as no extra PageView; adapters hear they are past (vendors QA 2026-12-06)', async () => {
  // fbevents.js reads the URL itself: each held view, replayed after the grant, would be one more
  // PageView of the page the visitor is on by then. Its base code counts that page already.
  const plan: any = example('webshop');
  delete plan.vitals;
  const heard: [string, boolean | undefined][] = [];
  const spy: Adapter = { name: 'microsoftAds', category: 'ads', load() {}, send() {}, page(p: PageContext, _c, past) { heard.push([new URL(p.url).pathname, past]); } };
  const t = createTracker({ plan, adapters: [meta(), spy] });
  history.pushState({}, '', '/a'); t.page();
  history.pushState({}, '', '/b'); t.page();
  await tick();
  t.consent({ analytics: 'granted', ads: 'granted' });
  await tick();
  expect(pageViews()).toHaveLength(1); // the base code's, on /b
  expect(heard).toEqual([['/a', true], ['/b', false]]);
  history.pushState({}, '', '/c'); t.page();
  await tick();
  expect(pageViews()).toHaveLength(2);
  expect(heard[2]).toEqual(['/c', false]);
  await t.shutdown();
});
