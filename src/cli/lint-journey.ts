/**
 * Warnings about the journey parts of a valid plan: funnels whose steps are in an odd order or
 * reach GA4 under a name its ecommerce reports do not know, experiments that nothing decides,
 * abandonment tracked as a conversion that goes to no tool, and a browse that nothing ends.
 */
import type { Plan, PlanInput } from '../plan/types';
import { closest, quote } from './words';

export type JourneyRule =
  | 'funnel-macro-not-last' | 'funnel-step-unsupported' | 'funnel-order' | 'funnel-ga4-event'
  | 'experiment-without-goal' | 'abandonment-sent-nowhere' | 'browse-never-cancelled' | 'abandonment-no-products';

export interface JourneyWarning {
  path: string;
  rule: JourneyRule;
  message: string;
  hint: string;
}

/**
 * GA4's recommended ecommerce events, in the order a shopper meets them (the reference's §2.2;
 * `remove_from_cart` has no place in that order).
 */
export const GA4_ECOMMERCE = [
  'view_item_list', 'select_item', 'view_item', 'add_to_cart', 'view_cart', 'begin_checkout', 'add_shipping_info', 'add_payment_info', 'purchase',
] as const;
const RECOMMENDED: readonly string[] = [...GA4_ECOMMERCE, 'remove_from_cart'];

/** The words of a name, in any order, without filler and endings: `cart_add`, `added_to_cart` and `add_to_cart` agree. */
const SYNONYMS: Record<string, string> = { basket: 'cart', start: 'begin', product: 'item' };
function words(name: string): string {
  return name.toLowerCase().split(/[^a-z]+/)
    .filter((w) => w && !['to', 'the', 'a', 'info', 'information'].includes(w))
    .map((w) => w.replace(/(?<=..)(ed|s)$/, ''))
    .map((w) => SYNONYMS[w] ?? w)
    .sort().join(' ');
}
const BY_WORDS = new Map(RECOMMENDED.map((e) => [words(e), e]));

/**
 * GA4's recommended ecommerce event for a conversion, when one is obvious: its name is one (or
 * the same words), or the GA4 event it is sent as is one misspelt, in other capitals or words.
 */
export function recommendedEvent(conversion: string, event: string | undefined): string | undefined {
  if (RECOMMENDED.includes(conversion)) return conversion;
  const byName = BY_WORDS.get(words(conversion));
  if (byName) return byName;
  if (event === undefined || RECOMMENDED.includes(event)) return undefined;
  return BY_WORDS.get(words(event)) ?? closest(event, RECOMMENDED);
}

/** `funnels.checkout[1]` for a funnel written as a list, `funnels.signup.steps[1]` for one written as an object. */
function stepPath(input: PlanInput | undefined, funnel: string, i: number): string {
  const listed = !input?.funnels || Array.isArray(input.funnels[funnel]);
  return listed ? `funnels.${funnel}[${i}]` : `funnels.${funnel}.steps[${i}]`;
}

export function lintJourney(plan: Plan, input?: PlanInput): JourneyWarning[] {
  const warnings: JourneyWarning[] = [];
  const macros = Object.values(plan.conversions).filter((c) => c.kind === 'macro').map((c) => c.name);
  const warn = (path: string, rule: JourneyRule, message: string, hint: string) => warnings.push({ path, rule, message, hint });
  const ga4Checked = new Set<string>();
  /** Where a step stands in GA4's ecommerce order (by its name, or the GA4 event it is sent as); -1 when it is no ecommerce step. */
  const ecommerceOrder = (name: string) => {
    const event = plan.conversions[name]?.send.ga4?.event;
    return GA4_ECOMMERCE.indexOf((recommendedEvent(name, event) ?? event) as never);
  };

  for (const [funnel, { steps }] of Object.entries(plan.funnels)) {
    const last = steps[steps.length - 1]!;
    const goal = plan.conversions[last]?.kind === 'macro' ? last : undefined;
    steps.forEach((name, i) => {
      const c = plan.conversions[name];
      if (!c) return;
      const at = stepPath(input, funnel, i);
      const step = `Step ${i + 1} of funnel "${funnel}"`;
      if (i < steps.length - 1 && c.kind === 'macro') {
        warn(at, 'funnel-macro-not-last', `${step} is "${name}", a macro conversion; a business goal usually ends a funnel.`,
          `Move "${name}" to the end, or end the funnel at it and start another after it: the steps after a goal are not on the way to it.`);
      } else if (i < steps.length - 1 && goal && !c.supports.includes(goal)) {
        warn(at, 'funnel-step-unsupported', `${step} is "${name}", which does not support "${goal}", the goal the funnel ends in.`,
          `Add ${quote(goal)} to the "supports" of "${name}", or check that it belongs in this funnel.`);
      } else if (i < steps.length - 1 && !goal && !c.supports.length) {
        warn(at, 'funnel-step-unsupported', `${step} is "${name}", which supports no macro conversion.`,
          macros.length ? `Add the goal it leads to, e.g. "supports": [${macros.map(quote).join(', ')}], or end the funnel at that goal.` : 'The plan has no macro conversion yet: add the goal the business earns money on.');
      }
      const order = ecommerceOrder(name);
      const before = steps.slice(0, i).find((s) => ecommerceOrder(s) > order);
      if (order >= 0 && before) {
        warn(at, 'funnel-order', `In funnel "${funnel}", "${name}" comes after "${before}", but shoppers meet them the other way round.`,
          `GA4's ecommerce order is ${GA4_ECOMMERCE.join(' → ')}; list the steps in the order people take them.`);
      }
      const event = c.send.ga4?.event;
      const recommended = recommendedEvent(name, event);
      if (event !== undefined && recommended && event !== recommended && !ga4Checked.has(name)) {
        ga4Checked.add(name);
        warn(`conversions.${name}.send.ga4.event`, 'funnel-ga4-event',
          `Funnel step "${name}" is sent to GA4 as "${event}"; GA4's recommended ecommerce event for it is "${recommended}".`,
          `Use "event": "${recommended}": GA4's ecommerce reports and funnel explorations only know the recommended names.`);
      }
    });
  }

  for (const [name, x] of Object.entries(plan.experiments)) {
    if (x.goal !== undefined) continue;
    warn(`experiments.${name}.goal`, 'experiment-without-goal', `Experiment "${name}" has no goal: nothing says which variant wins.`,
      macros.length ? `Add "goal": ${quote(macros[0]!)} (the macro conversion it is judged on), so reports can compare the variants.` : 'Add a macro conversion to the plan and name it as the experiment\'s "goal".');
  }

  for (const kind of ['cart', 'browse'] as const) {
    const spec = plan.abandonment[kind];
    if (!spec) continue;
    const fallback = `${kind}_abandoned`;
    const name = spec.conversion ?? (plan.conversions[fallback] ? fallback : undefined);
    const c = name ? plan.conversions[name] : undefined;
    // Without a conversion, only the site's code hears of it (tracker.on): a choice, not a slip.
    if (c && !Object.keys(c.send).length) {
      warn(`abandonment.${kind}.conversion`, 'abandonment-sent-nowhere',
        `Abandoned ${kind === 'cart' ? 'carts' : 'browses'} are tracked as "${c.name}", which is sent nowhere: its "send" names no tool.`,
        `Name the tools that should hear of them in the "send" of "${c.name}", e.g. "collector": {} for your own reports or a Meta custom event for a retargeting audience.`);
    }
  }
  // The cart and the browse are made of the products these conversions carry (`items`, or one
  // product's `item_id`): one without either leaves them empty, so nothing is ever abandoned.
  const parts = [['cart', 'add'], ['cart', 'remove'], ['browse', 'view']] as const;
  for (const [kind, key] of parts) {
    const name = (plan.abandonment[kind] as Record<string, unknown> | undefined)?.[key];
    const c = typeof name === 'string' ? plan.conversions[name] : undefined;
    if (!c || Object.entries(c.properties).some(([k, p]) => p.type === 'items' || k === 'item_id')) continue;
    const carrying = Object.values(plan.conversions).filter((x) => x.name !== c.name && Object.entries(x.properties).some(([k, p]) => p.type === 'items' || k === 'item_id')).map((x) => x.name);
    warn(`abandonment.${kind}.${key}`, 'abandonment-no-products',
      `"${c.name}" carries no products (no "items" or "item_id" property), so the ${kind === 'cart' ? 'cart' : 'browse'} it ${key === 'view' ? 'records' : key === 'add' ? 'fills' : 'empties'} stays empty and is never reported as abandoned.`,
      carrying.length ? `Name a conversion that carries them, like ${quote(carrying[0]!)}, or give "${c.name}" an "items" property ({ "type": "items" }) or an "item_id".` : `Give "${c.name}" an "items" property ({ "type": "items" }) or an "item_id" property.`);
  }
  const browse = plan.abandonment.browse;
  if (browse && !browse.cancel.length) {
    warn('abandonment.browse.cancel', 'browse-never-cancelled', 'Nothing ends a browse: every product view counts towards an abandoned browse, even one followed by an order.',
      `Add "cancel": the conversions that end it, like ["add_to_cart", "purchase"] (without "cancel", those of "abandonment.cart" do).`);
  }
  return warnings;
}
