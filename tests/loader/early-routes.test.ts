// @vitest-environment jsdom
/**
 * A single-page app the visitor moves through while the script tag loads its plan (seconds on a
 * slow connection): those pages are not lost (SPA QA 2026-12-06, real Chromium: with the plan
 * 1.5 s late, a visit to /pricing, /product/tent and /product/boots kept only the last).
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { freshTag } from '../support/fresh-tag';

const PLAN = {
  version: 1, name: 'spa', currency: 'NOK',
  destinations: { collector: { url: '/collect', pages: true } },
  consent: { default: { analytics: 'granted', ads: 'granted' } },
  conversions: {
    visited_pricing: { kind: 'micro', trigger: { on: 'page_view', path: '/pricing*' }, send: { collector: {} } },
    view_item: { kind: 'micro', properties: { item_id: { type: 'string' } }, trigger: { on: 'page_view', path: '/product/*', properties: { item_id: 'data-sku' } }, send: { collector: {} } },
  },
};
const W = window as any;
const page = freshTag();
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));
/** Answers the late plan and gives what the collector got: page messages and conversions, with their paths. */
async function sentOnceIn(answer: (plan: unknown) => void): Promise<string[]> {
  answer(PLAN);
  expect(await W.measureplan.ready).toBe(true);
  await settle(50);
  await W.measureplan.flush();
  return page.posted().map((m) => (m.type === 'page' ? `page ${m.properties.path}` : `${m.event} ${m.context.page.path}`));
}

it('replays the page views and content-free page_view conversions of the routes taken before the plan was in', async () => {
  history.replaceState(null, '', '/');
  const answer = await page.latePlan();
  await settle();
  // The visitor goes on while the plan is on its way.
  history.pushState(null, '', '/pricing'); await settle();
  history.pushState(null, '', '/product/tent'); await settle();
  history.pushState(null, '', '/product/boots');
  document.body.innerHTML = '<main data-sku="BOOTS-1"></main>';
  await settle();
  const sent = await sentOnceIn(answer);
  expect(sent).toEqual([
    'page /', 'page /pricing', 'visited_pricing /pricing', 'page /product/tent', 'page /product/boots', 'view_item /product/boots',
  ]);
  // The tent's view_item reads its product from the page, which is gone: not made up from the boots.
  expect(page.posted().filter((m) => m.event === 'view_item').map((m) => m.properties.item_id)).toEqual(['BOOTS-1']);
});

it('stops watching routes when the plan cannot be used', async () => {
  page.fetch.mockImplementation(async () => new Response('nope', { status: 404 }));
  const tag = document.createElement('script');
  tag.setAttribute('data-plan', 'http://localhost:3000/plan.json');
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
  const added: string[] = [];
  const removed: string[] = [];
  const add = window.addEventListener.bind(window);
  const remove = window.removeEventListener.bind(window);
  window.addEventListener = ((type: string, ...rest: any[]) => { added.push(type); return (add as any)(type, ...rest); }) as any;
  window.removeEventListener = ((type: string, ...rest: any[]) => { removed.push(type); return (remove as any)(type, ...rest); }) as any;
  try {
    await import('../../src/loader/index');
    expect(await W.measureplan.ready).toBe(false);
  } finally {
    window.addEventListener = add;
    window.removeEventListener = remove;
  }
  expect(added).toEqual(expect.arrayContaining(['popstate']));
  expect(removed).toEqual(expect.arrayContaining(['popstate']));
});

// The page the visitor is on gets its page_view conversion from its triggers; the replay of the
// pages left before must not count it a second time (mutation review 2026-12-07: `if (left)` dropped).
it('the page the visitor is on when a late plan arrives counts its page_view conversion once', async () => {
  history.replaceState(null, '', '/');
  const answer = await page.latePlan();
  await settle();
  history.pushState(null, '', '/pricing');
  await settle();
  const sent = await sentOnceIn(answer);
  expect(sent).toEqual(['page /', 'page /pricing', 'visited_pricing /pricing']);
});
