// What the compiler says about mistakes in a typed plan and its calls (QA of the npm path, 2026-12-05).
import { describe, expectTypeOf, it } from 'vitest';
import { createTracker, definePlan } from '../../src/index';
import type { ConversionProps, ThisConversionTakesNoProperties } from '../../src/index';

describe('definePlan', () => {
  it('refuses a misspelled field at any depth, at the typo', () => {
    // @ts-expect-error "linit" is not a field (limit)
    definePlan({ version: 1, name: 'x', conversions: { a: { kind: 'macro', linit: 'once_per_page' } } });
    // @ts-expect-error "optinal" is not a field (optional)
    definePlan({ version: 1, name: 'x', conversions: { b: { kind: 'micro', properties: { v: { type: 'number', optinal: true } } } } });
    // @ts-expect-error "selecter" is not a field of a click trigger
    definePlan({ version: 1, name: 'x', conversions: { c: { kind: 'micro', trigger: { on: 'click', selecter: 'a' } } } });
    // @ts-expect-error "destination" is not a field (destinations)
    definePlan({ version: 1, name: 'x', conversions: {}, destination: { ga4: { measurementId: 'G-ABCDEFGH' } } });
    // @ts-expect-error consent.gpc is "deny-ads" or "banner", not a boolean
    definePlan({ version: 1, name: 'x', consent: { gpc: true }, conversions: {} });
    // @ts-expect-error bots is "skip" or "measure", not a boolean
    definePlan({ version: 1, name: 'x', bots: false, conversions: {} });
  });

  it('accepts every field of the plan, union shapes included (triggers, funnels, dedupe, value)', () => {
    const plan = definePlan({
      version: 1,
      name: 'x',
      currency: 'EUR',
      destinations: { ga4: { measurementId: 'G-ABCDEFGH' }, collector: { url: '/collect', pages: true } },
      consent: { default: { analytics: 'denied', ads: 'denied' }, cmp: 'tcf', gpc: 'banner' },
      bots: 'measure',
      conversions: {
        purchase: {
          kind: 'macro',
          properties: { transaction_id: { type: 'string' }, v: { type: 'number', min: 0 }, e: { type: 'string', enum: ['a', 'b'], optional: true }, items: { type: 'items' } },
          value: 'v',
          dedupe: { key: 'transaction_id', days: 30 },
          trigger: { on: 'click', selector: 'a', properties: { v: 'data-v' } },
          send: { ga4: { event: 'purchase' }, collector: {} },
        },
        view: { kind: 'micro', supports: ['purchase'], value: 1, trigger: { on: 'page_view', path: '/p*', query: { a: 'b' } }, limit: 'once_per_session' },
        scroll: { kind: 'micro', trigger: { on: 'scroll', percent: 50 }, dedupe: 'x' },
      },
      funnels: { f: { steps: ['view', 'purchase'], within: '1h' }, g: ['view', 'purchase'] },
      abandonment: { cart: { add: 'view', complete: 'purchase', after: '1h' }, browse: { view: 'view', min: 2, cancel: ['purchase'] } },
      experiments: { banner: { variants: ['control', 'b'], weights: [50, 50], goal: 'purchase' } },
      vitals: { send: { ga4: {} }, attribution: true },
    });
    createTracker({ plan }).track('purchase', { transaction_id: 'T', v: 1, items: [] });
  });
});

describe('messages for a wrong call', () => {
  const plan = definePlan({ version: 1, name: 'x', conversions: { purchase: { kind: 'macro' }, signup: { kind: 'micro' } } });
  const tracker = createTracker({ plan });

  it('names the conversions a wrong name could have been', () => {
    // The parameter is the plain union of names (not an alias that prints the whole plan).
    expectTypeOf(tracker.track).parameter(0).toEqualTypeOf<'purchase' | 'signup'>();
  });

  it('says a conversion without properties takes none', () => {
    expectTypeOf<ConversionProps<typeof plan, 'signup'>>().toEqualTypeOf<{ readonly [property: string]: ThisConversionTakesNoProperties }>();
    // @ts-expect-error signup declares no properties
    tracker.track('signup', { foo: 1 });
    tracker.track('signup');
    tracker.track('signup', {});
  });
});

// A name that may be one of several conversions (typescale QA 2026-12-07): the properties both had
// in common passed, and the purchase was refused at run time for its missing transaction id.
describe('a name that may be one of several conversions', () => {
  const plan = definePlan({
    version: 1, name: 'x', conversions: {
      purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' }, item_id: { type: 'string', optional: true } } },
      view_item: { kind: 'micro', properties: { item_id: { type: 'string' } } },
      signup: { kind: 'micro' },
      phone_click: { kind: 'micro' },
    },
  });
  const tracker = createTracker({ plan });
  const placed = Math.random() > 0.5;

  it('takes only properties that fit every one of them', () => {
    // @ts-expect-error purchase needs its transaction_id and value
    tracker.track(placed ? 'purchase' : 'view_item', { item_id: 'SKU-1' });
    tracker.track(placed ? 'purchase' : 'view_item', { item_id: 'SKU-1', transaction_id: 'T-1', value: 10 });
  });

  it('needs the properties when one of them needs any, and takes none when none does', () => {
    // @ts-expect-error purchase needs properties
    tracker.track(placed ? 'purchase' : 'signup');
    tracker.track(placed ? 'signup' : 'phone_click');
    // @ts-expect-error neither takes a property
    tracker.track(placed ? 'signup' : 'phone_click', { foo: 1 });
  });

  it('a single name takes exactly what it did', () => {
    expectTypeOf<ConversionProps<typeof plan, 'view_item'>>().toEqualTypeOf<{ item_id: string }>();
    tracker.track('purchase', { transaction_id: 'T-1', value: 10 });
  });
});
