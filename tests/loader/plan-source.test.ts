// @vitest-environment jsdom
/**
 * Where the script tag reads its plan (security review 2026-12-06): a tag with `data-plan` never
 * reads an inline plan, so a JSON script written into the page by someone else (a review; JSON
 * scripts pass a CSP nonce) cannot swap in a plan of its own.
 */
import { afterEach, expect, it } from 'vitest';
import { findPlan } from '../../src/loader/plan-source';

const json = (text: string, marked: boolean) => {
  const s = document.createElement('script');
  s.type = 'application/json';
  if (marked) s.setAttribute('data-measureplan-plan', '');
  s.textContent = text;
  document.body.appendChild(s);
};
const tag = (plan?: string) => {
  const s = document.createElement('script');
  if (plan) s.setAttribute('data-plan', plan);
  return s;
};
afterEach(() => { document.body.innerHTML = ''; });

it('uses data-plan, not a marked or unmarked inline plan elsewhere on the page', () => {
  json('{"conversions":{"evil":{}}}', true);
  json('{"conversions":{"evil2":{}}}', false);
  const found = findPlan(tag('http://localhost:3000/plans/webshop.json'), document);
  expect(typeof found === 'string' ? found : found.where).toBe('the plan at http://localhost:3000/plans/webshop.json');
  if (typeof found !== 'string') found.text.catch(() => undefined); // nothing answers in this test
});

it('without data-plan, reads the marked inline plan, else the first unmarked one that names conversions', async () => {
  json('{"state":{}}', false);
  json('{"conversions":{"a":{}}}', false);
  const unmarked = findPlan(tag(), document);
  expect(typeof unmarked !== 'string' && (await unmarked.text)).toBe('{"conversions":{"a":{}}}');
  json('{"conversions":{"b":{}}}', true);
  const marked = findPlan(tag(), document);
  expect(typeof marked !== 'string' && (await marked.text)).toBe('{"conversions":{"b":{}}}');
});
