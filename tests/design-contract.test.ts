// @vitest-environment jsdom
/**
 * DESIGN.md's statements that an audit found the code breaking, each proven here (the tests
 * failed on the code before its fix). The statement is quoted above each test.
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { createTracker } from '../src/core/create';
import { collector } from '../adapters/collector/index';
import type { PlanInput } from '../src/plan/types';
import { freshTag } from './support/fresh-tag';

const W = window as any;
const page = freshTag();

const plan = (consent: 'granted' | 'denied'): PlanInput => ({
  version: 1,
  name: 'contract',
  currency: 'NOK',
  destinations: { collector: { url: '/collect', pages: true } },
  consent: { default: { analytics: consent, ads: consent } },
  conversions: { signup: { kind: 'macro', send: { collector: {} } } },
});
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));
const posted = () => page.posted();
const pagePaths = () => posted().filter((m) => m.type === 'page').map((m) => m.properties.path);

// "the plan from `data-plan="/path/plan.json"` or an inline `<script type="application/json">`"
it('the script tag reads its plan from an inline <script type="application/json"> (no other attribute)', async () => {
  const s = document.createElement('script');
  s.type = 'application/json';
  s.textContent = JSON.stringify(plan('granted'));
  document.head.appendChild(s);
  await import('../src/loader/index');
  expect(await W.measureplan.ready).toBe(true);
  W.measureplan.track('signup');
  await W.measureplan.flush();
  expect(posted().filter((m) => m.type === 'track').map((m) => m.event)).toEqual(['signup']);
  expect(page.errors).toEqual([]);
});

// "with `destinations.collector.pages: true` it also receives a `type: 'page'` message per page view"
// (and "While a category has only its plan default … its events wait …: sent when a grant arrives")
it('pages: true, a route change before the analytics grant: one page message per page view, each with its own page', async () => {
  history.replaceState(null, '', '/landing');
  const tracker = createTracker({ plan: plan('denied'), adapters: [collector({ flushInterval: 10 })] });
  history.pushState(null, '', '/pricing');
  tracker.page(); // the SPA's route change, while the visitor has not decided yet
  tracker.consent({ analytics: 'granted' });
  await tracker.flush();
  expect(pagePaths()).toEqual(['/landing', '/pricing']);
  await tracker.shutdown();
});

it('pages: true through the script tag: a route change before the analytics grant is not lost', async () => {
  history.replaceState(null, '', '/landing');
  const s = document.createElement('script');
  s.type = 'application/json';
  s.setAttribute('data-measureplan-plan', '');
  s.textContent = JSON.stringify(plan('denied'));
  document.head.appendChild(s);
  await import('../src/loader/index');
  expect(await W.measureplan.ready).toBe(true);
  history.pushState(null, '', '/pricing'); // the tag's route watcher calls page() a task later
  await settle();
  W.measureplan.consent({ analytics: 'granted' });
  await settle(); // the tag loads a granted adapter in a task of its own
  await W.measureplan.flush();
  expect(pagePaths()).toEqual(['/landing', '/pricing']);
});

// "a `type: 'page'` message per page view": a conversion and a route change in the same task
// (a click handler that tracks, then navigates the SPA) — the page view is the new page's.
it('pages: true, track() then a route change and page() in the same task: the page message names the new page', async () => {
  history.replaceState(null, '', '/a');
  const tracker = createTracker({ plan: plan('granted'), adapters: [collector({ flushInterval: 10 })] });
  await settle();
  tracker.track('signup');
  history.pushState(null, '', '/b');
  document.title = 'B';
  tracker.page();
  await tracker.flush();
  const pages = posted().filter((m) => m.type === 'page');
  expect(pages.map((m) => [m.properties.path, m.properties.title])).toEqual([['/a', ''], ['/b', 'B']]);
  expect(posted().find((m) => m.type === 'track')!.context.page.path).toBe('/a');
  await tracker.shutdown();
});
