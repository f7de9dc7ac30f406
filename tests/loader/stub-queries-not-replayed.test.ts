// @vitest-environment jsdom
// Pinned by the mutation review of 2026-12-06: src/loader/index.ts must not replay the stub's questions (stub.js: "the
// questions (clickIds, variant, funnel, cart) answer undefined until then (the tag does not replay
// them)"). Replayed, variant() records an exposure the visitor never saw.
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { freshTag } from '../support/fresh-tag';

const PLAN = {
  version: 1, name: 'review', currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  consent: { default: { analytics: 'granted', ads: 'granted' } },
  conversions: { purchase: { kind: 'macro', properties: {}, send: { collector: {} } } },
  experiments: { banner: { variants: ['control', 'banner'], weights: [50, 50], goal: 'purchase' } },
};
const W = window as any;
freshTag();

it('a variant() asked of the stub before the tag loaded is not asked again (no exposure recorded)', async () => {
  const s = document.createElement('script');
  s.type = 'application/json';
  s.setAttribute('data-measureplan-plan', '');
  s.textContent = JSON.stringify(PLAN);
  document.head.appendChild(s);
  // The stub snippet (src/loader/stub.js), then a question asked of it.
  (function (w: any, n: string) { const q: unknown[] = [], m: any = (w[n] = { q }); ['track', 'page', 'identify', 'consent', 'experiment', 'flush', 'on', 'shutdown', 'clickIds', 'variant', 'funnel', 'cart'].forEach((k) => { m[k] = function () { q.push([k, [].slice.call(arguments)]); }; }); })(window, 'measureplan');
  expect(W.measureplan.variant('banner')).toBeUndefined();
  await import('../../src/loader/index');
  await W.measureplan.ready;
  await new Promise((r) => setTimeout(r, 100));
  const exposures: unknown[] = [];
  await W.measureplan.flush();
  for (const k of Object.keys(localStorage)) if (k.includes('exp')) exposures.push([k, localStorage.getItem(k)]);
  expect(exposures).toEqual([]);
});
