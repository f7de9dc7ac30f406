import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PlanInput } from '../../src/plan/types';

// Paths, not URL objects: under jsdom the global URL is jsdom's, which node:fs does not accept.
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const examplePath = (name: string) => join(root, 'examples/plans', `${name}.json`);
export const exampleText = (name: string) => readFileSync(examplePath(name), 'utf8');
export const example = (name: 'webshop' | 'leadgen'): PlanInput & Record<string, any> => JSON.parse(exampleText(name));

/**
 * The webshop with every journey field: both funnel forms, cart and browse abandonment with
 * their conversions, an experiment and page experience. Valid, and without any warning.
 */
export function journey(): PlanInput & Record<string, any> {
  const p = example('webshop');
  const abandoned = (description: string) => ({
    kind: 'micro', supports: ['purchase'], description,
    properties: { value: { type: 'number', optional: true }, items: { type: 'items' } }, send: { collector: {} },
  });
  Object.assign(p.conversions, {
    remove_from_cart: {
      kind: 'micro', supports: ['purchase'], description: 'Took a product out of the cart',
      properties: { items: { type: 'items' } }, send: { ga4: { event: 'remove_from_cart' }, collector: {} },
    },
    cart_abandoned: abandoned('Left a cart without ordering'),
    browse_abandoned: abandoned('Looked at products and put none in the cart'),
  });
  p.funnels = {
    checkout: ['view_item', 'add_to_cart', 'begin_checkout', 'purchase'],
    pricing: { steps: ['visited_pricing', 'newsletter_signup'], within: '24h', description: 'From the pricing page to the newsletter' },
  };
  p.abandonment = {
    cart: { add: 'add_to_cart', remove: 'remove_from_cart', complete: 'purchase', after: '2h', conversion: 'cart_abandoned' },
    browse: { view: 'view_item', min: 2, cancel: ['add_to_cart', 'purchase'], after: '1h', conversion: 'browse_abandoned' },
  };
  p.experiments = {
    free_shipping_banner: { variants: ['control', 'banner'], weights: [50, 50], goal: 'purchase', description: 'A free-shipping banner on product pages' },
  };
  p.vitals = { send: { ga4: {}, collector: {} }, attribution: true };
  return p;
}
