// @vitest-environment jsdom
/**
 * The tag with `type="module"` (performance plugins add it; deploy QA 2026-12-06): there is no
 * document.currentScript for a module, and the tag's data-plan, nonce and folder were lost ("no
 * plan found" with data-plan in place, files beside it asked for in the page's folder).
 */
import { expect, it } from 'vitest';
import { freshTag } from '../support/fresh-tag';

const page = freshTag();
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

it('finds its data-plan and asks for the files beside it in its own folder, with its nonce', async () => {
  const tag = document.createElement('script');
  tag.type = 'module';
  tag.src = 'https://cdn.example/mp/measureplan.iife.js?v=3';
  tag.nonce = 'r4nd0m';
  tag.setAttribute('data-plan', 'http://localhost:3000/plan.json');
  document.head.appendChild(tag); // jsdom runs no module; the import below plays it, with currentScript null
  page.fetch.mockImplementation(async () => new Response(JSON.stringify({ version: 1, name: 'broken', conversions: { Bad: { kind: 'macro' } } })));
  await import('../../src/loader/index');
  await settle();
  expect(page.fetch.mock.calls.map(([u]) => String(u))).toContain('http://localhost:3000/plan.json');
  const asked = [...document.querySelectorAll('script[src*="explain"]')] as HTMLScriptElement[];
  expect(asked.map((s) => [s.src, s.nonce])).toEqual([['https://cdn.example/mp/measureplan.explain.js?v=3', 'r4nd0m']]);
  asked[0]!.dispatchEvent(new Event('error'));
  await settle();
  expect(page.errors.flat().join('\n')).not.toContain('no plan found');
});

it('takes the tag with data-plan for itself, not another file of a measureplan folder after it (diff read 2026-12-06)', async () => {
  const tag = document.createElement('script');
  tag.type = 'module';
  tag.src = 'https://shop.example/measureplan/measureplan.iife.js';
  tag.setAttribute('data-plan', 'http://localhost:3000/plan.json');
  document.head.appendChild(tag);
  const other = document.createElement('script');
  other.src = 'https://shop.example/measureplan/consent-banner.js';
  document.head.appendChild(other);
  page.fetch.mockImplementation(async () => new Response(JSON.stringify({ version: 1, name: 'shop', conversions: { signup: { kind: 'micro' } } })));
  await import('../../src/loader/index');
  await settle();
  expect(page.fetch.mock.calls.map(([u]) => String(u))).toContain('http://localhost:3000/plan.json');
  expect(page.errors.flat().join('\n')).not.toContain('no plan found');
});
