/**
 * definePlan checks the references inside a plan at compile time (developer QA 2026-12-06): a
 * typo in `supports`, a funnel step, an experiment goal, abandonment, `value` or `send` made the
 * run-time check reject the whole plan, so that one typo switched all tracking off unseen.
 */
import { describe, it } from 'vitest';
import { definePlan } from '../../src/plan/define';

const base = { version: 1, name: 'Shop', currency: 'NOK', destinations: { ga4: { measurementId: 'G-F1X2Y3Z4W5' } } } as const;

describe('definePlan references', () => {
  it('accepts a plan whose references are all its own', () => {
    definePlan({
      ...base,
      conversions: {
        purchase: { kind: 'macro', value: 'value', properties: { value: { type: 'number' } }, send: { ga4: { event: 'purchase' } } },
        add_to_cart: { kind: 'micro', supports: ['purchase'], value: 10 },
        view_item: { kind: 'micro', supports: ['purchase'] },
      },
      funnels: { checkout: ['view_item', 'add_to_cart', 'purchase'], quick: { steps: ['add_to_cart', 'purchase'], within: '1h' } },
      experiments: { banner: { variants: ['control', 'b'], goal: 'purchase' } },
      abandonment: { cart: { add: 'add_to_cart', complete: 'purchase' }, browse: { view: 'view_item', cancel: ['add_to_cart'] } },
    });
  });

  it('refuses a typo in supports, a funnel step, a goal, abandonment, value and send', () => {
    definePlan({ ...base, conversions: { purchase: { kind: 'macro' }, signup: {
      kind: 'micro',
      // @ts-expect-error "purchse" is no conversion of the plan
      supports: ['purchse'],
    } } });
    definePlan({ ...base, conversions: { purchase: { kind: 'macro' } }, funnels: {
      // @ts-expect-error "nope" is no conversion of the plan
      f: ['purchase', 'nope'],
    } });
    definePlan({ ...base, conversions: { purchase: { kind: 'macro' } }, experiments: { banner: {
      variants: ['control', 'b'],
      // @ts-expect-error "purchace" is no conversion of the plan
      goal: 'purchace',
    } } });
    definePlan({ ...base, conversions: { purchase: { kind: 'macro' } }, abandonment: { cart: {
      // @ts-expect-error "add_to_cart" is no conversion of the plan
      add: 'add_to_cart',
      complete: 'purchase',
    } } });
    definePlan({ ...base, conversions: { purchase: {
      kind: 'macro', properties: { value: { type: 'number' } },
      // @ts-expect-error "valu" is no property of the conversion
      value: 'valu',
    } } });
    definePlan({ ...base, conversions: { purchase: { kind: 'macro', send: {
      // @ts-expect-error meta is not in the plan's destinations
      meta: { event: 'Purchase' },
    } } } });
  });
});
