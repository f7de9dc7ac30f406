// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): kills L23 (src/loader/index.ts:230 `if (left)` dropped): the page the visitor is on
 * when a late plan arrives gets its page_view conversion from its triggers, once; the replay of
 * the pages left before must not count it a second time.
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
  },
};
const W = window as any;
const page = freshTag();
const settle = (ms = 30) => new Promise((r) => setTimeout(r, ms));

it('the page the visitor is on when a late plan arrives counts its page_view conversion once', async () => {
  history.replaceState(null, '', '/');
  const answer = await page.latePlan();
  await settle();
  history.pushState(null, '', '/pricing');
  await settle();
  answer(PLAN);
  expect(await W.measureplan.ready).toBe(true);
  await settle(50);
  await W.measureplan.flush();
  const sent = page.posted().map((m) => (m.type === 'page' ? `page ${m.properties.path}` : `${m.event} ${m.context.page.path}`));
  expect(sent).toEqual(['page /', 'page /pricing', 'visited_pricing /pricing']);
});
