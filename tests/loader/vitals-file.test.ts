// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): which page-experience file the tag loads (src/loader/index.ts loadVitals), and
 * when. Kills L16 (the two file names swapped: a plan without `attribution` downloaded the larger
 * attribution build, one with it got no `target`) and V13 (env.ts: loaded before the page's load event).
 */
import { expect, it } from 'vitest';
import { freshTag, inlinePlan } from '../support/fresh-tag';
import { example } from '../plan/fixtures';

freshTag();
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));
const scripts = () => ([...document.querySelectorAll('script[src]')] as HTMLScriptElement[]).map((s) => s.src);

async function boot(vitals: object | undefined, readyState: string) {
  const tag = document.createElement('script');
  tag.src = 'https://cdn.example/mp/measureplan.iife.js';
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
  Object.defineProperty(document, 'readyState', { value: readyState, configurable: true });
  const plan: any = example('webshop');
  if (vitals) plan.vitals = vitals; else delete plan.vitals;
  plan.consent = { default: { analytics: 'granted', ads: 'granted' } };
  inlinePlan(JSON.stringify(plan));
  await import('../../src/loader/index');
  expect(await (window as any).measureplan.ready).toBe(true);
}
const waitFor = async (test: () => boolean) => { for (let i = 0; i < 150 && !test(); i++) await settle(20); };

it('a plan with vitals (no attribution) loads measureplan.vitals.js, after the load event', async () => {
  await boot({ send: { ga4: {} } }, 'loading');
  await settle(200);
  expect(scripts().filter((s) => s.includes('vitals'))).toEqual([]); // not before load
  Object.defineProperty(document, 'readyState', { value: 'complete', configurable: true });
  window.dispatchEvent(new Event('load'));
  await waitFor(() => scripts().some((s) => s.includes('vitals')));
  expect(scripts().filter((s) => s.includes('vitals'))).toEqual(['https://cdn.example/mp/measureplan.vitals.js']);
});

it('a plan with vitals.attribution loads measureplan.vitals-attribution.js', async () => {
  await boot({ send: { ga4: {} }, attribution: true }, 'complete');
  await waitFor(() => scripts().some((s) => s.includes('vitals')));
  expect(scripts().filter((s) => s.includes('vitals'))).toEqual(['https://cdn.example/mp/measureplan.vitals-attribution.js']);
});

it('a plan without vitals loads no vitals file', async () => {
  await boot(undefined, 'complete');
  await settle(300);
  expect(scripts().filter((s) => s.includes('vitals'))).toEqual([]);
});
