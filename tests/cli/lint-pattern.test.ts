/** `measureplan validate` warns about a property pattern that takes exponential time (security review 2026-12-06). */
import { expect, it } from 'vitest';
import { slowPattern } from '../../src/cli/lint-pattern';
import { lintPlan } from '../../src/cli/lint';
import { parsePlan } from '../../src/plan/parse';
import type { PlanInput } from '../../src/plan/types';
import { example } from '../plan/fixtures';

it('knows the shapes that backtrack without end, and leaves ordinary patterns alone', () => {
  for (const p of ['^([A-Z0-9]+-?)+$', '^(a+)+$', '(\\w*\\s?)*', '^(?:[a-z]+\\.?)*$', '^([a-z]{1,5})+$']) expect(slowPattern(p), p).toBe(true);
  for (const p of ['^[A-Z0-9]+(-[A-Z0-9]+)*$', '^[A-Z0-9-]{6,40}$', '^(foo|bar)+$', '^(\\d{3})+$', '^\\(a+\\)+$', '^[A-Z]{3}$', '^(ab)+$', '^G-[A-Z0-9]{4,16}$']) expect(slowPattern(p), p).toBe(false);
});

it('warns at the pattern, with a safe way to write it', () => {
  const input = { version: 1, name: 'Shop', currency: 'NOK', destinations: { collector: { url: '/collect' } },
    conversions: { purchase: { kind: 'macro', value: 1, properties: { coupon: { type: 'string', pattern: '^([A-Z0-9]+-?)+$' } }, send: { collector: {} } } } } as unknown as PlanInput;
  const r = parsePlan(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const [w, ...more] = lintPlan(r.plan, input).filter((x) => x.rule === 'pattern-slow');
  expect(more).toEqual([]);
  expect(w).toMatchObject({ path: 'conversions.purchase.properties.coupon.pattern' });
  expect(w!.hint).toContain('"^[A-Z0-9]+(-[A-Z0-9]+)*$"');
});

it('finds nothing in the example plans', () => {
  for (const name of ['webshop', 'leadgen'] as const) {
    const input = example(name) as PlanInput;
    const r = parsePlan(input);
    if (!r.ok) throw new Error('invalid');
    expect(lintPlan(r.plan, input).filter((x) => x.rule === 'pattern-slow'), name).toEqual([]);
  }
});
