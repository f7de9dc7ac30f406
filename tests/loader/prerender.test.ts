// @vitest-environment jsdom
/**
 * A page the browser prerenders ahead of a click (speculation rules): nothing is tracked, loaded
 * or stored until the visitor sees it, and nothing at all if they never do (prerender QA
 * 2026-12-07, real Chromium: a product page never shown sent its page view and view_item, and put
 * the product on the browse-abandonment list). Chromium's own behaviour is in
 * tests/e2e/prerender.test.ts; here `document.prerendering` is played by the test.
 */
import 'fake-indexeddb/auto';
import { afterEach, expect, it } from 'vitest';
import { installTriggers } from '../../src/triggers/index';
import { parsePlan } from '../../src/plan/parse';
import { freshTag } from '../support/fresh-tag';

const PLAN = {
  version: 1, name: 'prerender', currency: 'NOK',
  destinations: { collector: { url: '/collect', pages: true }, meta: { pixelId: '123456789012345' } },
  consent: { default: { analytics: 'granted', ads: 'granted' } },
  conversions: {
    landed: { kind: 'micro', trigger: { on: 'page_view', path: '/*' }, send: { collector: {}, meta: { event: 'ViewContent' } } },
    lead: { kind: 'macro', send: { collector: {} } },
  },
};
const W = window as any;
const page = freshTag();
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const prerendering = (on: boolean) => Object.defineProperty(document, 'prerendering', { value: on, configurable: true });
const activate = () => { prerendering(false); document.dispatchEvent(new Event('prerenderingchange')); };
afterEach(() => { delete (document as any).prerendering; });

it('a prerendered page is checked but not started: nothing sent, loaded or stored until it is shown, then all of it once', async () => {
  prerendering(true);
  const answer = await page.latePlan();
  W.measureplan.track('lead'); // the page's own code runs in the prerender too
  await settle();
  answer(PLAN);
  await settle(100);
  expect(page.posted()).toEqual([]);
  expect(document.querySelectorAll('script[src]').length).toBe(0); // no vendor tag inserted
  expect(Object.keys(localStorage)).toEqual([]);
  activate();
  expect(await W.measureplan.ready).toBe(true);
  await settle(50);
  await W.measureplan.flush();
  expect(page.posted().map((m) => (m.type === 'page' ? 'page' : m.event))).toEqual(['page', 'lead', 'landed']);
  expect(document.querySelector('script[src*="connect.facebook.net"]')).not.toBeNull();
});

it('a prerendered page never shown tracks nothing', async () => {
  prerendering(true);
  const answer = await page.latePlan();
  await settle();
  answer(PLAN);
  await settle(200);
  expect(page.posted()).toEqual([]);
  expect(Object.keys(localStorage)).toEqual([]);
  delete W.measureplan; // its shutdown() would wait for the page to be shown, as every call does
});

it("installTriggers (npm) fires a prerendered page's page_view conversions once it is shown", async () => {
  prerendering(true);
  const parsed = parsePlan(PLAN);
  if (!parsed.ok) throw new Error('the test plan is invalid');
  const fired: string[] = [];
  const t = installTriggers(parsed.plan, (name) => { fired.push(name); });
  await settle();
  expect(fired).toEqual([]);
  activate();
  expect(fired).toEqual(['landed']);
  t.stop();
});

it('installTriggers (npm): a route the prerendered app takes before it is shown counts once, at activation (second read 2026-12-07)', async () => {
  prerendering(true);
  const parsed = parsePlan(PLAN);
  if (!parsed.ok) throw new Error('the test plan is invalid');
  const fired: string[] = [];
  const routes: string[] = [];
  const t = installTriggers(parsed.plan, (name) => { fired.push(`${name}@${location.pathname}`); }, { onRoute: () => routes.push(location.pathname) });
  history.pushState(null, '', '/en/'); // the router's redirect
  await settle(50);
  expect(fired).toEqual([]);
  activate();
  await settle(50);
  expect(fired).toEqual(['landed@/en/']);
  // The app's own page view for the route it took (onRoute: tracker.page()) comes at activation, once.
  expect(routes).toEqual(['/en/']);
  t.stop();
});

/** An npm app's triggers on a page prerendered while its document still loads: the conversions fired and the app's own page views (onRoute). */
function loadingPrerender() {
  prerendering(true);
  Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
  const parsed = parsePlan(PLAN);
  if (!parsed.ok) throw new Error('the test plan is invalid');
  const fired: string[] = [];
  const routes: string[] = [];
  const t = installTriggers(parsed.plan, (name) => { fired.push(`${name}@${location.pathname}`); }, { onRoute: () => routes.push(location.pathname) });
  return { fired, routes, t };
}

it('installTriggers (npm): a route taken in the prerender gets its onRoute when the page is shown before it is parsed too (fix-early 2026-12-07)', async () => {
  const { fired, routes, t } = loadingPrerender();
  try {
    history.pushState(null, '', '/en/'); // the router's redirect, while the document loads
    await settle(50);
    activate(); // the visitor clicks before the prerendered document is parsed
    delete (document as any).readyState;
    document.dispatchEvent(new Event('DOMContentLoaded'));
    await settle(50);
    expect(fired).toEqual(['landed@/en/']);
    expect(routes).toEqual(['/en/']); // as when it is shown after it is parsed (the test above)
  } finally {
    delete (document as any).readyState;
    t.stop();
  }
});

it('installTriggers (npm): shown while loading, a route on before the document is parsed has its onRoute once (final read 2026-12-07)', async () => {
  const { fired, routes, t } = loadingPrerender();
  try {
    history.pushState(null, '', '/en/'); // the router's redirect in the prerender
    await settle(50);
    activate(); // shown while the document still loads
    history.pushState(null, '', '/en/shop'); // the app routes on before the document is parsed
    await settle(50);
    delete (document as any).readyState;
    document.dispatchEvent(new Event('DOMContentLoaded'));
    await settle(50);
    expect(routes).toEqual(['/en/shop']); // one page view of the route, not two
    expect(fired).toEqual(['landed@/en/shop']);
  } finally {
    delete (document as any).readyState;
    t.stop();
  }
});
