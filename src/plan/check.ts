/**
 * The plan check without words: what the script tag carries. It finds every problem and names
 * it by path and code; `explain.ts` (loaded only when a plan is broken) turns codes into words.
 */
import type { Plan, PlanInput, NormalisedConversion } from './types';
import { walk, type Issue } from './shape';
import { PLAN_SHAPE } from './shape.gen';
import { checkRules } from './rules';
import { durationMs } from './duration';

/** How long a cart or a browse waits before it counts as abandoned, when the plan does not say. */
const DEFAULT_AFTER = '1h';

export type { Issue };

/** Every problem in a plan object, as coded issues (shape first, then cross-field rules). */
export function checkPlan(value: unknown): Issue[] {
  const issues: Issue[] = [];
  const emit = (path: string, code: string, v?: unknown, expected?: unknown) => { issues.push({ path, code, value: v, expected }); };
  // A plan pasted inside a wrapper ({ "plan": { … } }) is one mistake, not a dozen missing fields.
  const keys = value && typeof value === 'object' ? Object.keys(value) : [];
  const inner = keys.length === 1 ? (value as Record<string, unknown>)[keys[0]!] : undefined;
  if (inner && typeof inner === 'object' && 'conversions' in inner) return [Array.isArray(value) ? { path: '', code: 'in_list' } : { path: keys[0]!, code: 'nested', value: keys[0] }];
  walk(PLAN_SHAPE, value, '', emit);
  checkRules(value, emit);
  const seen = new Set<string>();
  // A field can break a shape rule and a cross-field rule at once; one message per cause is enough.
  return issues.filter((i) => { const k = `${i.path}|${i.code}`; return !seen.has(k) && !!seen.add(k); });
}

/**
 * JSON text (or an object) to a value, or the syntax error as a coded issue: the engine's words
 * and the text, which `explain.ts` (loaded only for a broken plan) reads for line, column and cause.
 */
export function readPlan(input: unknown): { value?: unknown; syntax?: Issue } {
  if (typeof input !== 'string') return { value: input };
  const text = input.replace(/^\uFEFF/, ''); // an editor's byte-order mark is not a JSON error
  try {
    // A file saved as Latin-1 ("ANSI") reads as JSON, its æ, ø, å turned into U+FFFD: no name or path would match.
    if (text.includes('\uFFFD')) throw new Error('not UTF-8');
    return { value: JSON.parse(text) };
  } catch (e) {
    return { syntax: { path: '', code: 'json', value: (e as Error).message, expected: text } };
  }
}

/** The checked plan with its defaults filled in (call only when checkPlan found nothing). */
export function normalise(input: PlanInput): Plan {
  const conversions: Record<string, NormalisedConversion> = {};
  for (const [name, c] of Object.entries(input.conversions)) {
    conversions[name] = { ...c, name, properties: { ...c.properties }, supports: [...(c.supports ?? [])], send: { ...c.send } };
  }
  const funnels: Plan['funnels'] = {};
  for (const [name, f] of Object.entries(input.funnels ?? {})) {
    const spec = Array.isArray(f) ? { steps: f as readonly string[] } : f as Exclude<typeof f, readonly string[]>;
    funnels[name] = { ...spec, steps: [...spec.steps], ...(spec.within ? { withinMs: durationMs(spec.within) } : {}) };
  }
  const abandonment: Plan['abandonment'] = {};
  const cart = input.abandonment?.cart;
  if (cart) abandonment.cart = { ...cart, after: cart.after ?? DEFAULT_AFTER, afterMs: durationMs(cart.after ?? DEFAULT_AFTER)! };
  const browse = input.abandonment?.browse;
  if (browse) {
    abandonment.browse = {
      ...browse, min: browse.min ?? 1, after: browse.after ?? DEFAULT_AFTER, afterMs: durationMs(browse.after ?? DEFAULT_AFTER)!,
      cancel: [...(browse.cancel ?? (cart ? [cart.add, cart.complete] : []))],
    };
  }
  const experiments: Plan['experiments'] = {};
  for (const [name, x] of Object.entries(input.experiments ?? {})) {
    experiments[name] = { ...x, variants: [...x.variants], weights: x.weights ? [...x.weights] : x.variants.map(() => 1) };
  }
  const plan: Plan = {
    version: 1,
    name: input.name,
    destinations: { ...input.destinations },
    consent: { default: { analytics: 'denied', ads: 'denied', ...input.consent?.default }, ...(input.consent?.cmp ? { cmp: input.consent.cmp } : {}), ...(input.consent?.gpc ? { gpc: input.consent.gpc } : {}) },
    conversions,
    funnels,
    abandonment,
    experiments,
  };
  if (input.currency) plan.currency = input.currency;
  if (input.bots) plan.bots = input.bots;
  if (input.linker) plan.linker = { domains: [...input.linker.domains] };
  if (input.vitals) plan.vitals = { send: { ...input.vitals.send }, attribution: !!input.vitals.attribution };
  return plan;
}
