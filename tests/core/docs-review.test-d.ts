/**
 * The browser docs' TypeScript examples compile as written (README "Typed plans for developers",
 * docs/getting-started.md 2a, docs/api.md, docs/collector.md, docs/testing.md), and the lines they
 * call compile errors are errors.
 */
import { expect, expectTypeOf, test } from 'vitest';
import { createTracker, definePlan, installTriggers, parsePlan } from '../../src/index';
import { ga4 } from '../../adapters/ga4/index';
import { googleAds } from '../../adapters/google-ads/index';
import { meta } from '../../adapters/meta/index';
import { collector } from '../../adapters/collector/index';
import { createTestTracker, installMatchers, type MeasureplanMatchers } from '../../src/testing/index';

test('README: a typed plan; a wrong property type is a compile error', () => {
  const plan = definePlan({ version: 1, name: 'Shop', currency: 'EUR', conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value' },
  } });
  const tracker = createTracker({ plan });
  tracker.track('purchase', { transaction_id: 'T-1', value: 20 }); // ok
  // @ts-expect-error README: "compile error"
  tracker.track('purchase', { value: '20' });
  // @ts-expect-error an unknown conversion
  tracker.track('purchse', {});
});

test('getting-started 2a and api.md: createTracker with adapters, consent, track, the triggers', () => {
  const plan = definePlan({ version: 1, name: 'Fjellsport', currency: 'NOK',
    destinations: { ga4: { measurementId: 'G-F1X2Y3Z4W5' }, googleAds: { conversionId: 'AW-123456789' }, meta: { pixelId: '123456789012345' }, collector: { url: '/collect' } },
    conversions: {
      purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number', min: 0 }, items: { type: 'items' } }, value: 'value',
        send: { ga4: { event: 'purchase' }, googleAds: { label: 'AbC-D_efG1' }, meta: { event: 'Purchase' }, collector: {} } },
    } });
  const tracker = createTracker({ plan, adapters: [ga4(), googleAds(), meta(), collector({ batchSize: 100, flushInterval: 1000 })], debug: false });
  tracker.consent({ analytics: 'granted', ads: 'denied' });
  tracker.track('purchase', { transaction_id: 'FS-1001', value: 2499, items: [{ item_id: 'SKU-1', quantity: 1, price: 2499 }] });
  // @ts-expect-error getting-started: "compile error: wrong type, transaction_id missing"
  tracker.track('purchase', { value: '2499' });
  const checked = parsePlan(plan);
  if (checked.ok) installTriggers(checked.plan, (name, props) => tracker.track(name as never, props as never), { onRoute: () => tracker.page() });
  const off = tracker.on('duplicate', ({ conversion, key }) => `${conversion} ${key}`);
  expectTypeOf(off).toEqualTypeOf<() => void>();
  expectTypeOf(tracker.clickIds().gclid).toEqualTypeOf<string | undefined>();
  expectTypeOf(tracker.shutdown()).toEqualTypeOf<Promise<void>>();
});

test('testing.md: the matchers registered on vitest\'s expect, createTestTracker, installTriggers with the recorder\'s plan', () => {
  installMatchers(expect);
  const plan = definePlan({ version: 1, name: 'p', destinations: { googleAds: { conversionId: 'AW-123456789' } },
    conversions: { phone_click: { kind: 'micro', trigger: { on: 'click', selector: "a[href^='tel:']" }, send: { googleAds: { label: 'PhOnE123' } } } } });
  const { tracker, recorder } = createTestTracker({ plan, consent: { ads: 'denied' } });
  const triggers = installTriggers(recorder.plan!, (name, props) => tracker.track(name as never, props as never));
  triggers.stop();
  const m = {} as MeasureplanMatchers<void>;
  m.toHaveSentConversion('phone_click', { to: ['googleAds'], times: 1 });
  // @ts-expect-error testing.md: `destinations:` is not an option (`to:` is)
  m.toHaveSentConversion('phone_click', { destinations: ['googleAds'] });
});
