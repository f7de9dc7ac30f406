import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { checkPlan, parsePlan } from '../../src/plan/parse';
import { normalise } from '../../src/plan/check';
import { planSchema } from '../../src/plan/schema';
import type { Plan, PlanInput } from '../../src/plan/types';
import { journey } from './fixtures';

const ajv = new Ajv2020({ allErrors: true, strict: false });
const validate = ajv.compile(JSON.parse(readFileSync(new URL('../../plan.schema.json', import.meta.url), 'utf8')));

const parsed = (input: unknown): Plan => {
  const result = parsePlan(input);
  if (!result.ok) throw new Error(JSON.stringify(result.errors, null, 2));
  return result.plan;
};
const edit = (change: (p: Record<string, any>) => void) => { const p = journey(); change(p); return p; };

describe('a plan with funnels, abandonment, experiments and page experience', () => {
  it('is accepted by parsePlan, the zod schema and plan.schema.json alike', () => {
    const plan = journey();
    expect(parsePlan(plan).errors).toEqual([]);
    expect(planSchema.safeParse(plan).success).toBe(true);
    expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
  });

  // Legal variations the browser checker and zod must both accept (each is a plan of its own).
  const legal: [string, (p: Record<string, any>) => void][] = [
    ['a funnel written as an object without a window', (p) => { p.funnels.pricing = { steps: ['visited_pricing', 'newsletter_signup'] }; }],
    ['windows in minutes, hours and days', (p) => { p.funnels.pricing.within = '30m'; p.abandonment.cart.after = '14d'; p.abandonment.browse.after = '90m'; }],
    ['a cart with only add and complete', (p) => { p.abandonment = { cart: { add: 'add_to_cart', complete: 'purchase' } }; }],
    ['a browse alone, with its defaults', (p) => { p.abandonment = { browse: { view: 'view_item' } }; }],
    ['an empty abandonment', (p) => { p.abandonment = {}; }],
    ['an experiment with three variants, no weights and no goal', (p) => { p.experiments.copy = { variants: ['A', 'b-2', 'c_3'] }; }],
    ['fractional weights', (p) => { p.experiments.free_shipping_banner.weights = [0.9, 0.1]; }],
    ['ten variants', (p) => { p.experiments.free_shipping_banner = { variants: 'abcdefghij'.split(''), goal: 'purchase' }; }],
    ['page experience to the collector only, without attribution', (p) => { p.vitals = { send: { collector: {} } }; }],
  ];
  for (const [name, change] of legal) {
    it(`accepts ${name}, in the browser checker and in zod`, () => {
      const plan = edit(change);
      expect(checkPlan(plan)).toEqual([]);
      expect(planSchema.safeParse(plan).success).toBe(true);
      expect(validate(plan), JSON.stringify(validate.errors)).toBe(true);
    });
  }

  // Shape mistakes: the browser checker and zod must both reject them (the corpus has their words).
  const illegal: [string, (p: Record<string, any>) => void][] = [
    ['a funnel as a number', (p) => { p.funnels.checkout = 4; }],
    ['a funnel object with a list of one', (p) => { p.funnels.pricing.steps = ['visited_pricing']; }],
    ['a window without a unit', (p) => { p.funnels.pricing.within = '24'; }],
    ['a window in seconds', (p) => { p.abandonment.cart.after = '90s'; }],
    ['a browse min of 51', (p) => { p.abandonment.browse.min = 51; }],
    ['a negative weight', (p) => { p.experiments.free_shipping_banner.weights = [-1, 2]; }],
    ['eleven variants', (p) => { p.experiments.free_shipping_banner = { variants: 'abcdefghijk'.split('') }; }],
    ['a variant name of 41 characters', (p) => { p.experiments.free_shipping_banner.variants[1] = 'v'.repeat(41); }],
    ['vitals sent to Meta', (p) => { p.vitals.send = { meta: {} }; }],
    ['vitals without send', (p) => { p.vitals = {}; }],
  ];
  for (const [name, change] of illegal) {
    it(`rejects ${name}, in the browser checker and in zod`, () => {
      const plan = edit(change);
      expect(checkPlan(plan).length).toBeGreaterThan(0);
      expect(planSchema.safeParse(plan).success).toBe(false);
      expect(validate(plan)).toBe(false);
    });
  }
});

describe('normalise() on the journey fields', () => {
  it('turns both funnel forms into steps, with the window in milliseconds when there is one', () => {
    const plan = parsed(journey());
    expect(plan.funnels.checkout).toEqual({ steps: ['view_item', 'add_to_cart', 'begin_checkout', 'purchase'] });
    expect(plan.funnels.pricing).toEqual({
      steps: ['visited_pricing', 'newsletter_signup'], within: '24h', withinMs: 86_400_000, description: 'From the pricing page to the newsletter',
    });
    expect(parsed(edit((p) => { p.funnels.pricing.within = '30m'; })).funnels.pricing!.withinMs).toBe(1_800_000);
    expect(parsed(edit((p) => { p.funnels.pricing.within = '14d'; })).funnels.pricing!.withinMs).toBe(14 * 86_400_000);
  });

  it('fills the abandonment defaults: after 1h, browse min 1, browse cancelled by the cart\'s add and complete', () => {
    const plan = parsed(edit((p) => {
      p.abandonment = { cart: { add: 'add_to_cart', complete: 'purchase' }, browse: { view: 'view_item' } };
    }));
    expect(plan.abandonment.cart).toEqual({ add: 'add_to_cart', complete: 'purchase', after: '1h', afterMs: 3_600_000 });
    expect(plan.abandonment.browse).toEqual({ view: 'view_item', min: 1, cancel: ['add_to_cart', 'purchase'], after: '1h', afterMs: 3_600_000 });
  });

  it('keeps what the plan says: its own delay, minimum, cancelling conversions and conversion', () => {
    const plan = parsed(journey());
    expect(plan.abandonment.cart).toEqual({
      add: 'add_to_cart', remove: 'remove_from_cart', complete: 'purchase', after: '2h', afterMs: 7_200_000, conversion: 'cart_abandoned',
    });
    expect(plan.abandonment.browse).toEqual({
      view: 'view_item', min: 2, cancel: ['add_to_cart', 'purchase'], after: '1h', afterMs: 3_600_000, conversion: 'browse_abandoned',
    });
  });

  it('leaves a browse without a cart and without cancel with nothing that cancels it', () => {
    expect(parsed(edit((p) => { p.abandonment = { browse: { view: 'view_item' } }; })).abandonment.browse!.cancel).toEqual([]);
  });

  it('gives experiments equal weights when the plan gives none, and keeps given ones', () => {
    const plan = parsed(edit((p) => { p.experiments.copy = { variants: ['a', 'b', 'c'] }; }));
    expect(plan.experiments.copy).toEqual({ variants: ['a', 'b', 'c'], weights: [1, 1, 1] });
    expect(plan.experiments.free_shipping_banner).toEqual({
      variants: ['control', 'banner'], weights: [50, 50], goal: 'purchase', description: 'A free-shipping banner on product pages',
    });
  });

  it('turns attribution into true or false, and leaves out what the plan leaves out', () => {
    expect(parsed(journey()).vitals).toEqual({ send: { ga4: {}, collector: {} }, attribution: true });
    expect(parsed(edit((p) => { p.vitals = { send: { collector: {} } }; })).vitals).toEqual({ send: { collector: {} }, attribution: false });
    const bare = parsed({ version: 1, name: 'Bare', conversions: { order: { kind: 'macro' } } });
    expect(bare.funnels).toEqual({});
    expect(bare.abandonment).toEqual({});
    expect(bare.experiments).toEqual({});
    expect(bare.vitals).toBeUndefined();
  });

  it('copies lists, so changing the normalised plan leaves the input alone', () => {
    const input = journey();
    const plan = normalise(input as PlanInput);
    plan.funnels.checkout!.steps.push('x');
    plan.experiments.free_shipping_banner!.weights.push(1);
    plan.abandonment.browse!.cancel.push('x');
    expect(input).toEqual(journey());
  });
});

describe('cross-field rules on the journey fields', () => {
  it('reports every journey mistake at once, each with its own path', () => {
    const plan = edit((p) => {
      p.funnels.pricing.steps = ['visited_pricing', 'newsletter_signp'];
      p.abandonment.cart.add = 'purchase';
      p.abandonment.browse.cancel = ['add_to_cart', 'nope'];
      p.experiments.free_shipping_banner = { variants: ['a', 'b', 'a'], weights: [1, 1], goal: 'view_item' };
      p.vitals = { send: {} };
    });
    expect(checkPlan(plan).map((i) => [i.path, i.code])).toEqual(expect.arrayContaining([
      ['funnels.pricing.steps[1]', 'funnel_unknown'],
      ['abandonment.cart.complete', 'cart_add_complete'],
      ['abandonment.browse.cancel[1]', 'abandonment_unknown'],
      ['experiments.free_shipping_banner.variants[2]', 'variant_repeat'],
      ['experiments.free_shipping_banner.weights', 'weights_length'],
      ['experiments.free_shipping_banner.goal', 'goal_micro'],
      ['vitals.send', 'vitals_empty'],
    ]));
  });

  it('reports a badly written name and, separately, that it names no conversion', () => {
    const issues = checkPlan(edit((p) => { p.abandonment.cart.conversion = 'Cart Left'; }));
    expect(issues.filter((i) => i.path === 'abandonment.cart.conversion').map((i) => i.code)).toEqual(['format', 'abandonment_unknown']);
  });

  it('never throws on journey fields of the wrong type', () => {
    const odd: unknown[] = [null, 3, 'x', [], [null], { steps: 'x' }, { steps: [1, null] }, { cart: [], browse: 'x' }];
    for (const v of odd) {
      const plan = edit((p) => { p.funnels = { f: v }; p.abandonment = { cart: v, browse: v }; p.experiments = { x: v }; p.vitals = v; });
      const result = parsePlan(plan);
      expect(result.ok).toBe(false);
      for (const e of result.errors) expect(e.message).toMatch(/[.)]$/);
    }
  });
});
