import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { PlanInput } from '../../src/plan/types';
import { lintPlan } from '../../src/cli/lint';
import { recommendedEvent } from '../../src/cli/lint-journey';
import { planDocument } from '../../src/cli/plan-document';
import { renderHtml, renderMarkdown } from '../../src/cli/document';
import { journey } from '../plan/fixtures';
import { ensureBuilt, run, tempDir } from './helpers';

const tmp = tempDir();
beforeAll(ensureBuilt);
afterAll(() => tmp.remove());

type P = Record<string, any>;
const edit = (change: (p: P) => void): P => { const p = journey(); change(p); return p; };
/** The warnings `validate` shows for a plan, as [rule, path]. */
function warnings(input: P): [string, string][] {
  const result = parsePlan(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return lintPlan(result.plan, input as PlanInput).map((w) => [w.rule, w.path]);
}
const lint = (input: P) => { const r = parsePlan(input); if (!r.ok) throw new Error('invalid'); return lintPlan(r.plan, input as PlanInput); };
const markdown = (input: P) => { const r = parsePlan(input); if (!r.ok) throw new Error('invalid'); return renderMarkdown(planDocument(r.plan, 'plan.json')); };

describe('validate warnings about funnels', () => {
  it('has nothing to say about a plausible plan', () => {
    expect(warnings(journey())).toEqual([]);
  });

  it('warns about a macro conversion in the middle of a funnel', () => {
    const plan = edit((p) => { p.funnels.checkout = ['view_item', 'purchase', 'add_to_cart']; });
    expect(warnings(plan)).toContainEqual(['funnel-macro-not-last', 'funnels.checkout[1]']);
    const w = lint(plan).find((x) => x.rule === 'funnel-macro-not-last')!;
    expect(w.message).toBe('Step 2 of funnel "checkout" is "purchase", a macro conversion; a business goal usually ends a funnel.');
    expect(w.hint).toMatch(/Move "purchase" to the end/);
  });

  it('warns about a step that does not support the goal the funnel ends in, at the path of the form it is written in', () => {
    const plan = edit((p) => {
      p.conversions.demo_request = { kind: 'macro', value: 10, send: { collector: {} } };
      p.conversions.visited_pricing.supports = ['demo_request'];
      p.funnels.pricing = { steps: ['visited_pricing', 'purchase'] };
    });
    expect(warnings(plan)).toContainEqual(['funnel-step-unsupported', 'funnels.pricing.steps[0]']);
    const w = lint(plan).find((x) => x.rule === 'funnel-step-unsupported')!;
    expect(w.message).toBe('Step 1 of funnel "pricing" is "visited_pricing", which does not support "purchase", the goal the funnel ends in.');
    expect(w.hint).toMatch(/Add "purchase" to the "supports" of "visited_pricing"/);
  });

  it('warns about a micro step that supports nothing in a funnel that ends in a micro conversion', () => {
    const plan = edit((p) => { p.conversions.visited_pricing.supports = []; });
    expect(warnings(plan)).toEqual(expect.arrayContaining([['funnel-step-unsupported', 'funnels.pricing.steps[0]']]));
    expect(lint(plan).find((w) => w.rule === 'funnel-step-unsupported')!.message).toMatch(/"visited_pricing", which supports no macro conversion/);
  });

  it('does not warn about the last step of a funnel that ends in a micro conversion', () => {
    expect(warnings(edit((p) => { p.conversions.newsletter_signup.supports = ['purchase']; }))).toEqual([]);
  });

  it('warns about ecommerce steps in the opposite of the order shoppers take them', () => {
    const plan = edit((p) => { p.funnels.checkout = ['view_item', 'begin_checkout', 'add_to_cart', 'purchase']; });
    expect(warnings(plan)).toEqual([['funnel-order', 'funnels.checkout[2]']]);
    const w = lint(plan)[0]!;
    expect(w.message).toBe('In funnel "checkout", "add_to_cart" comes after "begin_checkout", but shoppers meet them the other way round.');
    expect(w.hint).toContain('view_item_list → select_item → view_item → add_to_cart → view_cart → begin_checkout');
  });

  it('knows a step by the GA4 event it is sent as, when its own name says nothing', () => {
    const plan = edit((p) => {
      p.conversions.product_page = { ...p.conversions.view_item, send: { ga4: { event: 'view_item' } } };
      p.funnels.checkout = ['add_to_cart', 'product_page', 'purchase'];
    });
    expect(warnings(plan)).toEqual([['funnel-order', 'funnels.checkout[1]']]);
  });

  it('warns about a funnel step sent to GA4 under another name than the recommended ecommerce event, and suggests it', () => {
    const plan = edit((p) => { p.conversions.add_to_cart.send.ga4.event = 'cart_add'; });
    expect(warnings(plan)).toEqual([['funnel-ga4-event', 'conversions.add_to_cart.send.ga4.event']]);
    const w = lint(plan)[0]!;
    expect(w.message).toBe('Funnel step "add_to_cart" is sent to GA4 as "cart_add"; GA4\'s recommended ecommerce event for it is "add_to_cart".');
    expect(w.hint).toMatch(/^Use "event": "add_to_cart"/);
  });

  it('says it once for a conversion that is a step of two funnels', () => {
    const plan = edit((p) => {
      p.conversions.add_to_cart.send.ga4.event = 'AddToCart';
      p.funnels.quick = ['add_to_cart', 'purchase'];
    });
    expect(warnings(plan)).toEqual([['funnel-ga4-event', 'conversions.add_to_cart.send.ga4.event']]);
  });

  it('leaves steps alone that have no obvious ecommerce event, or are not sent to GA4, or are not in a funnel', () => {
    expect(warnings(edit((p) => { p.conversions.visited_pricing.send.ga4.event = 'pricing_view'; }))).toEqual([]);
    expect(warnings(edit((p) => { delete p.conversions.begin_checkout.send.ga4; }))).toEqual([]);
    expect(warnings(edit((p) => { p.conversions.remove_from_cart.send.ga4.event = 'cart_remove'; }))).toEqual([]);
  });
});

describe("GA4's recommended ecommerce event for a conversion", () => {
  const cases: [string, string | undefined, string | undefined][] = [
    ['add_to_cart', 'cart_add', 'add_to_cart'],
    ['add_to_cart', 'add_to_cart', 'add_to_cart'],
    ['cart_add', 'cart_add', 'add_to_cart'],
    ['product_viewed', 'product_viewed', 'view_item'],
    ['checkout_started', undefined, 'begin_checkout'],
    ['shop_order', 'purchse', 'purchase'],
    ['shop_order', 'Purchase', 'purchase'],
    ['basket_add', undefined, 'add_to_cart'],
    ['shipping', 'add_shipping', 'add_shipping_info'],
    ['visited_pricing', 'view_pricing', undefined],
    ['newsletter_signup', 'sign_up', undefined],
    ['order', 'purchase', undefined],
  ];
  for (const [conversion, event, expected] of cases) {
    it(`is ${expected ?? 'none'} for "${conversion}" sent as ${event ?? 'nothing'}`, () => {
      expect(recommendedEvent(conversion, event)).toBe(expected);
    });
  }
});

describe('validate warnings about experiments and abandonment', () => {
  it('warns about an experiment without a goal, naming a macro conversion to use', () => {
    const plan = edit((p) => { delete p.experiments.free_shipping_banner.goal; });
    expect(warnings(plan)).toEqual([['experiment-without-goal', 'experiments.free_shipping_banner.goal']]);
    expect(lint(plan)[0]!.hint).toMatch(/Add "goal": "purchase"/);
  });

  it('warns about an abandonment tracked as a conversion that goes nowhere', () => {
    const plan = edit((p) => { p.conversions.cart_abandoned.send = {}; });
    expect(warnings(plan)).toEqual([['sent-nowhere', 'conversions.cart_abandoned.send'], ['abandonment-sent-nowhere', 'abandonment.cart.conversion']]);
    expect(lint(plan)[1]!.message).toBe('Abandoned carts are tracked as "cart_abandoned", which is sent nowhere: its "send" names no tool.');
  });

  it('also for the conversion an abandonment uses by default, by its name', () => {
    const plan = edit((p) => { delete p.abandonment.browse.conversion; p.conversions.browse_abandoned.send = {}; });
    expect(warnings(plan)).toContainEqual(['abandonment-sent-nowhere', 'abandonment.browse.conversion']);
  });

  it('does not warn about an abandonment without a conversion: the site\'s code hears of it', () => {
    expect(warnings(edit((p) => { delete p.abandonment.browse.conversion; delete p.conversions.browse_abandoned; }))).toEqual([]);
  });

  it('warns about a browse that nothing ends', () => {
    const plan = edit((p) => { p.abandonment = { browse: { view: 'view_item', conversion: 'browse_abandoned' } }; });
    expect(warnings(plan)).toEqual([['browse-never-cancelled', 'abandonment.browse.cancel']]);
  });

  it('warns about a cart or browse conversion that carries no products (marketer QA 2026-12-06)', () => {
    // begin_checkout as the cart's add: the cart stayed empty and no cart was ever abandoned, without a word.
    const plan = edit((p) => { p.abandonment.cart.add = 'begin_checkout'; });
    expect(warnings(plan)).toEqual([['abandonment-no-products', 'abandonment.cart.add']]);
    const w = lint(plan)[0]!;
    expect(w.message).toBe('"begin_checkout" carries no products (no "items" or "item_id" property), so the cart it fills stays empty and is never reported as abandoned.');
    expect(w.hint).toMatch(/^Name a conversion that carries them, like "/);
  });

  it('counts page experience and experiment exposures as use of GA4 and the collector', () => {
    const only = (send: P) => edit((p) => {
      for (const c of Object.values<any>(p.conversions)) delete c.send.collector;
      p.vitals = { send };
      p.experiments = {};
    });
    expect(warnings(only({ collector: {} })).map(([rule]) => rule)).not.toContain('destination-unused');
    expect(warnings(only({ ga4: {} }))).toContainEqual(['destination-unused', 'destinations.collector']);
  });
});

describe('measureplan validate on a journey plan', () => {
  it('accepts it without warnings, and shows a journey warning with its line and column', () => {
    const clean = run(['validate', tmp.file('journey.json', JSON.stringify(journey(), null, 2)), '--format', 'json']);
    expect(clean.code, clean.stderr).toBe(0);
    expect(JSON.parse(clean.stdout).summary).toEqual({ plans: 1, valid: 1, invalid: 0, problems: 0, warnings: 0 });

    const text = JSON.stringify(edit((p) => { p.conversions.add_to_cart.send.ga4.event = 'cart_add'; }), null, 2);
    const r = run(['validate', tmp.file('cart-add.json', text), '--format', 'json']);
    const [w] = JSON.parse(r.stdout).files[0].warnings;
    expect(w).toMatchObject({ rule: 'funnel-ga4-event', path: 'conversions.add_to_cart.send.ga4.event' });
    expect(text.split('\n')[w.line - 1]!.slice(w.column - 1)).toMatch(/^"cart_add"/);
  });

  it('explains a broken journey field with its line, column and hint', () => {
    const text = JSON.stringify(edit((p) => { p.experiments.free_shipping_banner.goal = 'purchse'; }), null, 2);
    const r = run(['validate', tmp.file('goal.json', text)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/goal\.json:\d+:\d+ {2}error {2}experiments\.free_shipping_banner\.goal/);
    expect(r.stdout).toContain('The goal "purchse" is not a conversion in this plan.');
    expect(r.stdout).toContain('hint: Did you mean "purchase"?');
  });
});

describe('the plan document on a journey plan', () => {
  it('shows each funnel with its steps and its time window', () => {
    const md = markdown(journey());
    expect(md).toContain('### `pricing`\n\nFrom the pricing page to the newsletter\n\n1. `visited_pricing`: Looked at the shipping and pricing page\n2. `newsletter_signup`: Signed up to the newsletter');
    expect(md).toContain('**Time allowed:** 24 hours from the first step to the last');
    expect(md).toMatch(/### `checkout`[\s\S]*\*\*Time allowed:\*\* no limit/);
  });

  it('says in words when a cart and a browse count as abandoned, and where that goes', () => {
    const md = markdown(journey());
    expect(md).toContain('## Abandonment');
    expect(md).toContain('- **Cart:** `add_to_cart` puts products into the cart, `remove_from_cart` takes them out again, `purchase` completes it. '
      + 'A cart not completed within 2 hours of its last change counts as abandoned. It is reported once, when the visitor comes back, as `cart_abandoned` (Collector).');
    expect(md).toContain('- **Browse:** a visitor who viewed at least 2 products (`view_item`) and did not go on to `add_to_cart` or `purchase` within 1 hour has abandoned the browse.');
    const quiet = markdown(edit((p) => { p.abandonment = { browse: { view: 'view_item', min: 1, after: '30m' } }; delete p.conversions.browse_abandoned; }));
    expect(quiet).toContain("a visitor who viewed a product (`view_item`) and is still browsing 30 minutes later (nothing ends a browse)");
    expect(quiet).toContain("only to the site's code (`tracker.on('browse_abandoned')`): the plan has no conversion for it.");
  });

  it('lists the experiments with their split, control and goal', () => {
    const md = markdown(edit((p) => { p.experiments.copy = { variants: ['a', 'b', 'c'], weights: [2, 1, 1] }; }));
    expect(md).toContain('## Experiments');
    expect(md).toContain('| `free_shipping_banner` | `control` 50% (the control) · `banner` 50% | `purchase` | A free-shipping banner on product pages |');
    expect(md).toContain('| `copy` | `a` 50% (the control) · `b` 25% · `c` 25% | no goal set | — |');
    expect(md).toContain('recorded with GA4 and your own collector');
  });

  it('says which page-experience metrics are measured and where they are sent', () => {
    const md = markdown(journey());
    expect(md).toContain('## Page experience');
    expect(md).toContain('LCP (loading: when the main content shows), INP (responsiveness to clicks and taps), CLS (layout shifts)');
    expect(md).toContain('- **Sent to:** GA4 (one event per metric: `LCP`, `INP`, …) and your own collector (`web_vital`).');
    expect(md).toContain('a slow or unstable value also names the element or interaction that caused it');
    expect(md).toMatch(/\| Collector \| .* \| analytics \| .*; also experiment exposures and Core Web Vitals \|/);
  });

  it('names the linked sites and what crosses to them', () => {
    const md = markdown(edit((p) => { p.linker = { domains: ['checkout.fjellsport.no', 'fjellsport.se'] }; }));
    expect(md).toContain('## Linked sites');
    expect(md).toContain('- `checkout.fjellsport.no`\n- `fjellsport.se`');
    expect(md).toContain('stays the same visitor there, in the same session, with the campaign and the ad click they came with');
  });

  it('leaves out the sections a plan does not use', () => {
    const md = markdown(edit((p) => { delete p.abandonment; delete p.experiments; delete p.vitals; }));
    for (const h of ['## Abandonment', '## Experiments', '## Page experience', '## Linked sites']) expect(md).not.toContain(h);
    expect(md).toContain('## Funnels');
  });

  it('links the new sections from the HTML page\'s table of contents', () => {
    const r = parsePlan(journey());
    const html = renderHtml(planDocument(r.ok ? r.plan : (undefined as never), 'plan.json'));
    for (const id of ['funnels', 'abandonment', 'experiments', 'page-experience']) expect(html).toContain(`<a href="#${id}">`);
  });

  it('is what measureplan docs writes', () => {
    const r = run(['docs', tmp.file('journey-docs.json', JSON.stringify(journey(), null, 2))]);
    expect(r.code, r.stderr).toBe(0);
    for (const h of ['## Funnels', '## Abandonment', '## Experiments', '## Page experience']) expect(r.stdout).toContain(h);
  });
});
