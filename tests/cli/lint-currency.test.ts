/** `measureplan validate` warns about a plan currency that is three capitals but no ISO 4217 code (money QA 2026-12-06). */
import { expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { lintPlan } from '../../src/cli/lint';
import type { PlanInput } from '../../src/plan/types';
import { example } from '../plan/fixtures';

const warnings = (currency: string) => {
  const input = { ...example('webshop'), currency } as PlanInput;
  const r = parsePlan(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return lintPlan(r.plan, input).filter((w) => w.rule === 'currency-unknown');
};

it('warns about "XYZ" at currency, with what to write instead', () => {
  const [w, ...more] = warnings('XYZ');
  expect(more).toEqual([]);
  expect(w).toMatchObject({ path: 'currency', message: '"XYZ" is not an ISO 4217 currency code.' });
  expect(w!.hint).toMatch(/"NOK", "EUR" or "USD"/);
});

it('says nothing about real codes, three-decimal and zero-decimal ones included', () => {
  for (const c of ['NOK', 'EUR', 'USD', 'KWD', 'JPY']) expect(warnings(c)).toEqual([]);
});
