// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): how the tag fetches data-plan (src/loader/plan-source.ts). Kills P3 (credentials
 * other than docs/script-tag.md's "fetched from your site (same-origin credentials)") and P4 (an
 * HTTP error answer taken as the plan: a 404 page reported as a JSON syntax error of the plan,
 * sending the site owner to look for a typo in a file that is not even there).
 */
import { afterEach, expect, it, vi } from 'vitest';
import { findPlan } from '../../src/loader/plan-source';

afterEach(() => { vi.unstubAllGlobals(); });
const tag = (plan: string) => { const s = document.createElement('script'); s.setAttribute('data-plan', plan); return s; };

it('fetches data-plan with same-origin credentials', async () => {
  const fetch = vi.fn(async () => new Response('{"conversions":{}}'));
  vi.stubGlobal('fetch', fetch);
  const found = findPlan(tag('/plans/webshop.json'), document);
  if (typeof found === 'string') throw new Error(found);
  await found.text;
  expect(fetch).toHaveBeenCalledWith('/plans/webshop.json', expect.objectContaining({ credentials: 'same-origin' }));
});

it('a data-plan answered 404 is a plan that could not be loaded (HTTP 404), not a plan to parse', async () => {
  vi.stubGlobal('fetch', vi.fn(async () => new Response('<!doctype html><h1>Not found</h1>', { status: 404 })));
  const found = findPlan(tag('/plans/webshop.json'), document);
  if (typeof found === 'string') throw new Error(found);
  await expect(found.text).rejects.toThrow('HTTP 404');
});
