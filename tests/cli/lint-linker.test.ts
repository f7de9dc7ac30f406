/** `measureplan validate` warns about linker domains shared by other companies' sites: a public suffix or a hosting platform's domain. */
import { afterAll, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { lintPlan } from '../../src/cli/lint';
import type { PlanInput } from '../../src/plan/types';
import { example } from '../plan/fixtures';
import { run, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.remove());

const warnings = (domains: string[]) => {
  const input = { ...example('webshop'), linker: { domains } } as PlanInput;
  const r = parsePlan(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return lintPlan(r.plan, input).filter((w) => w.rule === 'linker-shared-domain');
};

it('warns about a public suffix and a platform\'s shared domain, at their paths, with the host to write instead', () => {
  const [suffix, platform, ...more] = warnings(['shop.co.uk', 'co.uk', 'myshopify.com', 'checkout.shop.no']);
  expect(more).toEqual([]);
  expect(suffix).toMatchObject({ path: 'linker.domains[1]', message: expect.stringMatching(/^"co\.uk" is not one company's domain: it is a public suffix/) });
  expect(suffix!.hint).toBe('Write your own site\'s host name, like "shop.co.uk".');
  expect(platform).toMatchObject({ path: 'linker.domains[2]', message: expect.stringMatching(/shared by every site the platform hosts, so every site under it would receive your visitor's id/) });
});

it('says nothing about a shop\'s own hosts, on those suffixes or platforms too', () => {
  expect(warnings(['shop.co.uk', 'my-shop.myshopify.com', 'shop.no', 'checkout.shop.com.au'])).toEqual([]);
});

it('shows in `measureplan validate --format json`, and the plan stays valid', () => {
  const file = tmp.file('linked.json', JSON.stringify({ ...example('webshop'), linker: { domains: ['shop.no', 'github.io'] } }));
  const r = run(['validate', file, '--format', 'json']);
  expect(r.code).toBe(0);
  const out = JSON.parse(r.stdout).files[0];
  expect(out.valid).toBe(true);
  expect(out.warnings.filter((w: any) => w.rule === 'linker-shared-domain').map((w: any) => w.path)).toEqual(['linker.domains[1]']);
});
