import type { PlanInput } from '../../src/plan/types';

/** A small webshop plan with a funnel (with a window), cart and browse abandonment and an experiment. */
export function journeyPlan(extra: Partial<PlanInput> = {}): PlanInput & Record<string, any> {
  const item = { item_id: { type: 'string' }, item_name: { type: 'string', optional: true }, item_category: { type: 'string', optional: true }, value: { type: 'number', optional: true }, quantity: { type: 'integer', optional: true } } as const;
  return {
    version: 1,
    name: 'Journey test shop',
    currency: 'NOK',
    destinations: { ga4: { measurementId: 'G-F1X2Y3Z4W5' }, meta: { pixelId: '123456789012345' }, collector: { url: '/collect' } },
    consent: { default: { analytics: 'granted', ads: 'granted' } },
    conversions: {
      view_item: { kind: 'micro', supports: ['purchase'], properties: item, value: 'value', send: { ga4: { event: 'view_item' }, meta: { event: 'ViewContent' }, collector: {} } },
      add_to_cart: { kind: 'micro', supports: ['purchase'], properties: item, value: 'value', send: { ga4: { event: 'add_to_cart' }, meta: { event: 'AddToCart' }, collector: {} } },
      remove_from_cart: { kind: 'micro', properties: item, send: { ga4: { event: 'remove_from_cart' }, collector: {} } },
      begin_checkout: { kind: 'micro', supports: ['purchase'], send: { ga4: { event: 'begin_checkout' }, collector: {} } },
      purchase: {
        kind: 'macro', dedupe: 'transaction_id', value: 'value',
        properties: { transaction_id: { type: 'string' }, value: { type: 'number', min: 0 }, items: { type: 'items', optional: true } },
        send: { ga4: { event: 'purchase' }, meta: { event: 'Purchase' }, collector: {} },
      },
      cart_abandoned: {
        kind: 'micro', supports: ['purchase'], value: 'value',
        properties: { value: { type: 'number', min: 0 }, items: { type: 'items' } },
        send: { meta: { event: 'AbandonedCart' }, collector: {} },
      },
    },
    funnels: { checkout: { steps: ['view_item', 'add_to_cart', 'begin_checkout', 'purchase'], within: '1d' } },
    abandonment: {
      cart: { add: 'add_to_cart', remove: 'remove_from_cart', complete: 'purchase', after: '1h' },
      browse: { view: 'view_item', min: 2, after: '2h' },
    },
    experiments: { free_shipping_banner: { variants: ['control', 'banner'], weights: [50, 50], goal: 'purchase' } },
    ...extra,
  };
}
