import { describe, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { createTracker, definePlan } from '../../src/index';
import type { ConversionProps, Item, PlanInput } from '../../src/index';
import type {
  abandonmentSchema, browseSchema, cartSchema, conversionSchema, destinationsSchema, experimentSchema, funnelSchema, planSchema, propertySchema,
  sendSchema, vitalsSchema, linkerSchema,
} from '../../src/plan/schema';
import type {
  AbandonmentSpec, BrowseAbandonmentSpec, CartAbandonmentSpec, ConversionSpec, Destinations, ExperimentSpec, FunnelSpec, PropertySpec, SendSpec,
  VitalsSpec, LinkerSpec,
} from '../../src/plan/types';

const plan = definePlan({
  version: 1,
  name: 'Typed shop',
  currency: 'EUR',
  destinations: { ga4: { measurementId: 'G-ABCDEF1234' } },
  conversions: {
    purchase: {
      kind: 'macro',
      properties: {
        transaction_id: { type: 'string' },
        value: { type: 'number', min: 0 },
        items: { type: 'items' },
        coupon: { type: 'string', optional: true },
      },
      value: 'value',
      send: { ga4: { event: 'purchase' } },
    },
    demo_request: {
      kind: 'macro',
      properties: { company_size: { type: 'string', enum: ['1-10', '11-50'] }, seats: { type: 'integer' }, gdpr: { type: 'boolean' } },
    },
    visited_pricing: { kind: 'micro', supports: ['purchase'], trigger: { on: 'page_view', path: '/pricing*' } },
  },
});
const tracker = createTracker({ plan });
const items: Item[] = [{ item_id: 'SKU-1', price: 10, quantity: 2 }];

describe('typed track()', () => {
  it('accepts calls that match the plan', () => {
    tracker.track('purchase', { transaction_id: 'T-1', value: 20, items });
    tracker.track('purchase', { transaction_id: 'T-1', value: 20, items, coupon: 'SUMMER' });
    tracker.track('demo_request', { company_size: '11-50', seats: 3, gdpr: true });
    tracker.track('visited_pricing');
    tracker.track('visited_pricing', {});
  });

  it('rejects what breaks the plan, at compile time', () => {
    // @ts-expect-error unknown conversion name
    tracker.track('purchse', { transaction_id: 'T-1', value: 20, items });
    // @ts-expect-error missing required property "value"
    tracker.track('purchase', { transaction_id: 'T-1', items });
    // @ts-expect-error wrong property type
    tracker.track('purchase', { transaction_id: 'T-1', value: '20', items });
    // @ts-expect-error enum value outside the list
    tracker.track('demo_request', { company_size: '5000+', seats: 3, gdpr: true });
    // @ts-expect-error property the plan does not declare
    tracker.track('demo_request', { company_size: '1-10', seats: 3, gdpr: true, extra: 1 });
    // @ts-expect-error properties are required when the conversion has required ones
    tracker.track('purchase');
    // @ts-expect-error items must carry an item_id
    tracker.track('purchase', { transaction_id: 'T-1', value: 20, items: [{ price: 3 }] });
    // @ts-expect-error a conversion without properties takes none
    tracker.track('visited_pricing', { path: '/pricing' });
  });

  it('derives property types from the plan', () => {
    expectTypeOf<ConversionProps<typeof plan, 'demo_request'>>().toEqualTypeOf<{ company_size: '1-10' | '11-50'; seats: number; gdpr: boolean }>();
    expectTypeOf<ConversionProps<typeof plan, 'purchase'>>().toEqualTypeOf<{ transaction_id: string; value: number; items: Item[]; coupon?: string }>();
  });

  it('stays loose for a plan known only at run time (JSON)', () => {
    const loose = createTracker({ plan: {} as PlanInput });
    loose.track('anything', { whatever: 1 });
    loose.track('anything');
  });

  it('consent() takes a decision per category, or "pending" to leave one undecided (as docs/api.md says)', () => {
    tracker.consent({ analytics: 'granted', ads: 'denied' });
    tracker.consent({ analytics: 'pending', ads: 'granted' });
    // @ts-expect-error a banner's true is no decision
    tracker.consent({ analytics: true });
    // @ts-expect-error nor is any other word
    tracker.consent({ ads: 'accepted' });
  });

  it('definePlan rejects a plan that breaks the contract', () => {
    // @ts-expect-error kind must be macro or micro
    definePlan({ version: 1, name: 'x', conversions: { a: { kind: 'mikro' } } });
    // @ts-expect-error unknown trigger
    definePlan({ version: 1, name: 'x', conversions: { a: { kind: 'micro', trigger: { on: 'hover', selector: 'a' } } } });
  });
});

describe('the hand-written plan types agree with the zod schema', () => {
  it('accepts everything zod accepts', () => {
    expectTypeOf<z.output<typeof planSchema>>().toExtend<PlanInput>();
  });
  it('has the same fields at every level', () => {
    expectTypeOf<keyof z.input<typeof planSchema>>().toEqualTypeOf<keyof PlanInput>();
    expectTypeOf<keyof z.input<typeof conversionSchema>>().toEqualTypeOf<keyof ConversionSpec>();
    expectTypeOf<keyof z.input<typeof propertySchema>>().toEqualTypeOf<keyof PropertySpec>();
    expectTypeOf<keyof z.input<typeof sendSchema>>().toEqualTypeOf<keyof SendSpec>();
    expectTypeOf<keyof z.input<typeof destinationsSchema>>().toEqualTypeOf<keyof Destinations>();
    expectTypeOf<keyof z.input<typeof abandonmentSchema>>().toEqualTypeOf<keyof AbandonmentSpec>();
    expectTypeOf<keyof z.input<typeof cartSchema>>().toEqualTypeOf<keyof CartAbandonmentSpec>();
    expectTypeOf<keyof z.input<typeof browseSchema>>().toEqualTypeOf<keyof BrowseAbandonmentSpec>();
    expectTypeOf<keyof z.input<typeof experimentSchema>>().toEqualTypeOf<keyof ExperimentSpec>();
    expectTypeOf<keyof z.input<typeof vitalsSchema>>().toEqualTypeOf<keyof VitalsSpec>();
    expectTypeOf<keyof z.input<typeof vitalsSchema>['send']>().toEqualTypeOf<keyof VitalsSpec['send']>();
    expectTypeOf<keyof z.input<typeof linkerSchema>>().toEqualTypeOf<keyof LinkerSpec>();
  });
  it('has the same two forms of a funnel: a list of steps, or an object with steps', () => {
    expectTypeOf<z.output<typeof funnelSchema>>().toExtend<FunnelSpec>();
    expectTypeOf<Extract<z.input<typeof funnelSchema>, readonly unknown[]>>().toEqualTypeOf<string[]>();
    expectTypeOf<keyof Exclude<z.input<typeof funnelSchema>, readonly unknown[]>>().toEqualTypeOf<keyof Exclude<FunnelSpec, readonly unknown[]>>();
  });
});

describe('definePlan with funnels, abandonment, experiments and page experience', () => {
  it('accepts every new field in both funnel forms', () => {
    definePlan({
      version: 1,
      name: 'Journey shop',
      conversions: {
        view_item: { kind: 'micro', supports: ['purchase'] },
        add_to_cart: { kind: 'micro', supports: ['purchase'] },
        purchase: { kind: 'macro' },
      },
      funnels: { checkout: ['view_item', 'add_to_cart', 'purchase'], quick: { steps: ['add_to_cart', 'purchase'], within: '30m', description: 'Straight to the order' } },
      abandonment: { cart: { add: 'add_to_cart', complete: 'purchase', after: '2h' }, browse: { view: 'view_item', min: 2, cancel: ['add_to_cart'] } },
      experiments: { banner: { variants: ['control', 'banner'], weights: [90, 10], goal: 'purchase' } },
      vitals: { send: { collector: {} }, attribution: true },
      linker: { domains: ['checkout.shop.no'] },
    });
  });

  it('rejects what breaks their contract, at compile time', () => {
    // @ts-expect-error a cart needs the conversion that completes it
    definePlan({ version: 1, name: 'x', conversions: {}, abandonment: { cart: { add: 'add_to_cart' } } });
    // @ts-expect-error an experiment needs its variants
    definePlan({ version: 1, name: 'x', conversions: {}, experiments: { banner: { goal: 'purchase' } } });
    // @ts-expect-error the linked sites are a list of host names
    definePlan({ version: 1, name: 'x', conversions: {}, linker: { domains: 'checkout.shop.no' } });
    // @ts-expect-error page experience goes only to GA4 or the collector
    definePlan({ version: 1, name: 'x', conversions: {}, vitals: { send: { meta: {} } } });
    // @ts-expect-error a funnel's object form needs its steps
    definePlan({ version: 1, name: 'x', conversions: {}, funnels: { f: { within: '1h' } } });
  });
});
