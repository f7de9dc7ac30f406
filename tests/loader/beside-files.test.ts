// @vitest-environment jsdom
/**
 * The files next to the tag (measureplan.explain.js, .cmp.js, .vitals.js, .debug.js) are asked
 * for with the tag's own query: a tag cache-busted with `?v=3` never pairs with an old file
 * beside it (page-experience QA 2026-12-06).
 */
import { expect, it } from 'vitest';
import { freshTag } from '../support/fresh-tag';

freshTag();
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

it('asks for measureplan.explain.js with the query of measureplan.iife.js?v=3', async () => {
  const tag = document.createElement('script');
  tag.src = 'https://cdn.example/mp/measureplan.iife.js?v=3';
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
  const plan = document.createElement('script');
  plan.type = 'application/json';
  plan.setAttribute('data-measureplan-plan', '');
  plan.textContent = JSON.stringify({ version: 1, name: 'broken', conversions: { Bad: { kind: 'macro' } } }); // a broken plan: its words are fetched
  document.head.appendChild(plan);
  await import('../../src/loader/index');
  await settle();
  const asked = [...document.querySelectorAll('script[src]')] as HTMLScriptElement[];
  expect(asked.map((s) => s.src)).toEqual(['https://cdn.example/mp/measureplan.explain.js?v=3']);
  asked[0]!.dispatchEvent(new Event('error')); // jsdom loads nothing: the tag then reports the plan without the words
  await settle();
});
