// @vitest-environment jsdom
/**
 * What the page does between the tag running and its plan arriving, as the stub review of
 * 2026-12-07 reproduced it in real Chromium: an address tidied of `?gclid=…&utm_…` (the ad click
 * was lost and the page counted twice), a single-page app's own calls (all reported on the page
 * the visitor was on when the plan came in), and a foreign `window.measureplan` (the stub stood aside).
 */
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { freshTag } from '../support/fresh-tag';

const PLAN = {
  version: 1, name: 'early', currency: 'NOK',
  destinations: { collector: { url: '/collect', pages: true } },
  consent: { default: { analytics: 'granted', ads: 'granted' } },
  conversions: {
    landed: { kind: 'micro', trigger: { on: 'page_view', path: '/*' }, send: { collector: {} } },
    lead: { kind: 'macro', properties: { n: { type: 'number' } }, send: { collector: {} } },
  },
};
const W = window as any;
const page = freshTag();
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));
const realStub = () => new Function(readFileSync('src/loader/stub.min.js', 'utf8'))();

async function deliver(answer: (plan: unknown) => void) {
  answer(PLAN);
  expect(await W.measureplan.ready).toBe(true);
  await settle(50);
  await W.measureplan.flush();
  return page.posted();
}
const described = (sent: any[]) => sent.map((m) => (m.type === 'page' ? `page ${m.properties.path}` : `${m.event}${m.properties?.n ? ` ${m.properties.n}` : ''} ${m.context.page.path}`));

it('keeps the ad click and campaign of the landing address a page tidies before its plan is in, and counts the page once', async () => {
  history.replaceState(null, '', '/?gclid=GCLID123&utm_source=google&utm_medium=cpc');
  const answer = await page.latePlan();
  await settle();
  history.replaceState(null, '', '/'); // the site tidies its address (docs/triggers.md: the same page)
  await settle();
  const sent = await deliver(answer);
  expect(described(sent)).toEqual(['page /', 'landed /']);
  expect(W.measureplan.clickIds()).toEqual({ gclid: 'GCLID123' });
  W.measureplan.track('lead', { n: 1 });
  await W.measureplan.flush();
  const lead = page.posted().find((m) => m.event === 'lead');
  expect(lead.context.campaign).toMatchObject({ source: 'google', medium: 'cpc' });
  expect(lead.context.measureplan.click_ids).toEqual({ gclid: 'GCLID123' });
});

it("stamps each call made before the plan is in with the page it was made on, after that page's view", async () => {
  history.replaceState(null, '', '/');
  const answer = await page.latePlan();
  W.measureplan.track('lead', { n: 1 });
  await settle();
  history.pushState(null, '', '/b');
  W.measureplan.track('lead', { n: 2 }); // in the router's own task, before the route is checked
  await settle();
  history.pushState(null, '', '/c');
  await settle();
  W.measureplan.track('lead', { n: 3 });
  const sent = await deliver(answer);
  expect(described(sent)).toEqual([
    'page /', 'lead 1 /', 'page /b', 'lead 2 /b', 'page /c', 'lead 3 /c', 'landed /', 'landed /b', 'landed /c',
  ]);
});

it("answers undefined to clickIds() until the plan is in, as docs/script-tag.md says, not a misleading 'no click'", async () => {
  history.replaceState(null, '', '/?gclid=G1');
  const answer = await page.latePlan();
  expect(W.measureplan.clickIds()).toBeUndefined();
  await settle();
  await deliver(answer);
  expect(W.measureplan.clickIds()).toEqual({ gclid: 'G1' });
});

it('the stub takes the place of a foreign window.measureplan so that no call throws', async () => {
  // In Chromium an element with id="measureplan" is one too (named access on window; jsdom has none).
  W.measureplan = document.body.appendChild(Object.assign(document.createElement('div'), { id: 'measureplan' }));
  realStub();
  expect(() => W.measureplan.consent({ analytics: 'granted' })).not.toThrow();
  W.measureplan.track('lead', { n: 5 });
  const answer = await page.latePlan();
  await settle();
  const sent = await deliver(answer);
  expect(described(sent)).toContain('lead 5 /');
});

it('the stub pasted twice, or after the tag, keeps the one queue or the running tag', async () => {
  realStub();
  const first = W.measureplan;
  W.measureplan.track('lead', { n: 1 });
  realStub();
  expect(W.measureplan).toBe(first);
  const answer = await page.latePlan();
  const tag = W.measureplan;
  realStub();
  expect(W.measureplan).toBe(tag);
  await settle();
  expect(described(await deliver(answer))).toContain('lead 1 /');
});

// The second read of those fixes (2026-12-07) reproduced what follows.

it('a call made right after a pushState in the same task is stamped with the new page (final read 2026-12-07)', async () => {
  history.replaceState(null, '', '/');
  const answer = await page.latePlan();
  await settle();
  W.measureplan.track('lead', { n: 1 });
  history.pushState(null, '', '/b');
  W.measureplan.track('lead', { n: 2 });
  await settle();
  const sent = await deliver(answer);
  expect(sent.filter((m) => m.event === 'lead').map((m) => `${m.properties.n} ${m.context.page.path}`)).toEqual(['1 /', '2 /b']);
});

it("a replaceState before the plan that changes a parameter a page_view trigger's query names is a new page, as after it", async () => {
  const plan = structuredClone(PLAN) as any;
  plan.conversions.nl = { kind: 'micro', trigger: { on: 'page_view', path: '/pricing', query: { utm_source: 'newsletter' } }, send: { collector: {} } };
  history.replaceState(null, '', '/pricing?utm_source=newsletter');
  const answer = await page.latePlan();
  await settle();
  history.replaceState(null, '', '/pricing'); // tidied
  await settle();
  answer(plan);
  expect(await W.measureplan.ready).toBe(true);
  await settle(50);
  await W.measureplan.flush();
  expect(described(page.posted())).toEqual(['page /pricing', 'landed /pricing', 'nl /pricing', 'page /pricing', 'landed /pricing']);
  expect(page.posted().filter((m) => m.event === 'nl')[0].context.page.url).toContain('utm_source=newsletter');
});

it('with a shutdown() queued among them, the calls before it still come after their pages\' views', async () => {
  history.replaceState(null, '', '/');
  const answer = await page.latePlan();
  W.measureplan.track('lead', { n: 1 });
  await settle();
  history.pushState(null, '', '/b');
  await settle();
  W.measureplan.track('lead', { n: 2 });
  history.pushState(null, '', '/c');
  await settle();
  const done = W.measureplan.shutdown();
  W.measureplan.track('lead', { n: 3 });
  answer(PLAN);
  expect(await W.measureplan.ready).toBe(true);
  await done;
  // /c was reached before the shutdown() made on it: its view counts, the track after it does not.
  expect(described(page.posted())).toEqual(['page /', 'lead 1 /', 'page /b', 'lead 2 /b', 'page /c']);
});

it('a call made in the task of a route change, as the plan comes in, follows that route\'s page view', async () => {
  history.replaceState(null, '', '/');
  const answer = await page.latePlan();
  await settle();
  answer(PLAN);
  history.pushState(null, '', '/b');
  W.measureplan.track('lead', { n: 1 });
  expect(await W.measureplan.ready).toBe(true);
  await settle(80);
  await W.measureplan.flush();
  const sent = described(page.posted());
  expect(sent.indexOf('page /b')).toBeGreaterThanOrEqual(0);
  expect(sent.indexOf('page /b')).toBeLessThan(sent.indexOf('lead 1 /b'));
  expect(sent.filter((s) => s === 'page /b')).toHaveLength(1);
});

// The fix helper's read of 2026-12-07 (diffread31 D2, D3).

it('a call made on a tidied landing address stays before the page views of routes taken later, back on that route too', async () => {
  history.replaceState(null, '', '/?gclid=G1');
  const answer = await page.latePlan();
  await settle();
  history.replaceState(null, '', '/'); // tidied: the same page
  await settle();
  W.measureplan.track('lead', { n: 1 });
  await settle();
  history.pushState(null, '', '/b');
  await settle();
  W.measureplan.track('lead', { n: 2 });
  await settle();
  history.pushState(null, '', '/'); // the home link: the landing route again, a page of its own
  await settle();
  W.measureplan.track('lead', { n: 3 });
  const sent = await deliver(answer);
  expect(described(sent)).toEqual([
    'page /', 'lead 1 /', 'page /b', 'lead 2 /b', 'page /', 'lead 3 /', 'landed /', 'landed /b', 'landed /',
  ]);
  expect(sent.filter((m) => m.event === 'lead').map((m) => m.context.page.url.replace(/^https?:\/\/[^/]+/, ''))).toEqual(['/', '/b', '/']);
});

it("a replaceState to another page_view query before the plan, then a route away, is still that page, as after the plan", async () => {
  const plan = structuredClone(PLAN) as any;
  plan.conversions.cart_step = { kind: 'micro', trigger: { on: 'page_view', path: '/checkout', query: { step: 'cart' } }, send: { collector: {} } };
  plan.conversions.done_step = { kind: 'micro', trigger: { on: 'page_view', path: '/checkout', query: { step: 'done' } }, send: { collector: {} } };
  history.replaceState(null, '', '/checkout?step=cart');
  const answer = await page.latePlan();
  await settle();
  history.replaceState(null, '', '/checkout?step=done'); // the router's step: a page of its own for this plan
  await settle();
  history.replaceState(null, '', '/checkout?step=done&utm_source=x'); // a rewrite of that page, no page
  await settle();
  W.measureplan.track('lead', { n: 1 }); // on the ?step=done page
  history.pushState(null, '', '/thanks');
  await settle();
  answer(plan);
  expect(await W.measureplan.ready).toBe(true);
  await settle(50);
  await W.measureplan.flush();
  const sent = page.posted();
  // The pages and conversions of the same steps with the plan in (the page views up to the
  // replayed call's page before it, the page_view conversions once the plan's triggers are in).
  expect(described(sent)).toEqual([
    'page /checkout', 'page /checkout', 'lead 1 /checkout',
    'landed /checkout', 'cart_step /checkout', 'landed /checkout', 'done_step /checkout', 'page /thanks', 'landed /thanks',
  ]);
  expect(sent.filter((m) => m.type === 'page').map((m) => m.context.page.url.replace(/^https?:\/\/[^/]+/, ''))).toEqual(['/checkout?step=cart', '/checkout?step=done', '/thanks']);
  expect(sent.find((m) => m.event === 'lead').context.page.url).toMatch(/\?step=done&utm_source=x$/);
  expect(sent.find((m) => m.event === 'done_step').context.page.url).toMatch(/\/checkout\?step=done$/);
});
