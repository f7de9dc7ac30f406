/**
 * The whole plans the README and docs/ show are plans a newcomer copies first: each must pass the
 * plan check (docs QA 2026-12-06: docs/plan.md's first example had no conversion and failed
 * `measureplan validate`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { checkPlan } from '../../src/plan/check';

const files = ['README.md', ...readdirSync('docs').filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`),
  ...readdirSync('docs/adapters').filter((f) => f.endsWith('.md')).map((f) => `docs/adapters/${f}`)];
const plans = files.flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/```json\n([\s\S]*?)```/g)].flatMap((m) => {
  try {
    const plan = JSON.parse(m[1]!);
    return plan && typeof plan === 'object' && 'version' in plan && 'conversions' in plan ? [[`${file} at offset ${m.index}`, plan] as const] : [];
  } catch { return []; } // a fragment of a plan, or text with comments
}));

it('finds the whole plans (the README\'s and docs/plan.md\'s at least)', () => {
  expect(plans.map(([where]) => where.split(' ')[0])).toEqual(expect.arrayContaining(['README.md', 'docs/plan.md']));
});

it.each(plans)('%s passes the plan check', (_where, plan) => {
  expect(checkPlan(plan)).toEqual([]);
});
