/**
 * `measureplan validate` warns about a trigger selector the browser would reject (an earlier
 * leftover: Node has no querySelector). tests/e2e/selector-lint.test.ts checks in real Chromium
 * that the browser rejects what is flagged here and takes what is not (jsdom is more lenient).
 */
import { describe, expect, it } from 'vitest';
import { selectorProblem } from '../../src/cli/lint-selector';
import { lintPlan } from '../../src/cli/lint';
import { parsePlan } from '../../src/plan/parse';
import type { PlanInput } from '../../src/plan/types';
import { example } from '../plan/fixtures';
import { VALID, WRONG } from './selector-corpus';

describe('selectors people write by mistake', () => {
  for (const [s, why] of [...WRONG, ['   ', /empty/] as [string, RegExp]]) {
    it(`${JSON.stringify(s)}: flagged, with the reason`, () => expect(selectorProblem(s)).toMatch(why));
  }
});

it('leaves valid selectors alone, those with colons, commas and brackets inside quotes too', () => {
  for (const s of VALID) expect(selectorProblem(s), s).toBeUndefined();
});

it('warns at the trigger\'s selector in validate\'s warnings, with how to try it', () => {
  const input = example('webshop') as any;
  input.conversions.phone_click.trigger = { on: 'click', selector: 'a:contains("Ring oss")' };
  const r = parsePlan(input as PlanInput);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  const found = lintPlan(r.plan, input).filter((w) => w.rule === 'selector-invalid');
  expect(found).toEqual([expect.objectContaining({ path: 'conversions.phone_click.trigger.selector', message: expect.stringContaining('":contains" is jQuery\'s') })]);
  expect(found[0]!.hint).toContain('document.querySelectorAll');
});

it('finds nothing in the example plans', () => {
  for (const name of ['webshop', 'leadgen'] as const) {
    const input = example(name) as PlanInput;
    const r = parsePlan(input);
    if (!r.ok) throw new Error('invalid');
    expect(lintPlan(r.plan, input).filter((x) => x.rule === 'selector-invalid'), name).toEqual([]);
  }
});
