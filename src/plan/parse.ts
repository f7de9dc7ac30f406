import type { ParseResult } from './types';
import { checkPlan, normalise, readPlan } from './check';
import { explain } from './explain';
import type { PlanInput } from './types';

export { checkPlan };

/**
 * Checks a measurement plan, given as JSON text or as an object, and returns either the
 * normalised plan or every problem found: each with its JSON path, a plain-words message and,
 * where one helps, a hint. It never throws.
 *
 * @example
 * const result = parsePlan(await (await fetch('/plan.json')).text());
 * if (!result.ok) for (const e of result.errors) console.error(`${e.path}: ${e.message} ${e.hint ?? ''}`);
 */
export function parsePlan(input: unknown): ParseResult {
  const { value, syntax } = readPlan(input);
  if (syntax) return { ok: false, errors: [explain(syntax)] };
  try {
    const issues = checkPlan(value);
    if (issues.length) return { ok: false, errors: issues.map(explain) };
    return { ok: true, plan: normalise(value as PlanInput), errors: [] };
  } catch (e) {
    // A checker bug must never escape into the host page; report it like any plan problem.
    return { ok: false, errors: [{ path: '', message: `The plan could not be checked: ${(e as Error).message}` }] };
  }
}
