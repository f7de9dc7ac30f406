import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without types
import { describeConversion } from '../../scripts/storefront-server.mjs';

const plan = JSON.parse(readFileSync('examples/plans/webshop.json', 'utf8'));
const granted = { analytics: 'granted', ads: 'granted' };

describe('npm start: one line per message the collector receives', () => {
  it('names a conversion with its kind, value and the destinations the consent allows', () => {
    const line = describeConversion(plan, { event: 'purchase', properties: { value: 2499, currency: 'NOK' }, context: { measureplan: { kind: 'macro', consent: { analytics: 'granted', ads: 'denied' } } } });
    expect(line).toMatch(/^purchase\s+macro\s+2499 NOK\s+→ ga4, collector$/);
  });

  it('says what a journey signal measured instead of looking for it among the conversions', () => {
    expect(describeConversion(plan, { event: 'web_vital', properties: { metric_name: 'LCP', metric_value: 1840.5, metric_rating: 'good' }, context: { measureplan: { kind: 'signal', consent: granted } } }))
      .toMatch(/^web_vital\s+signal LCP 1840\.50 \(good\)$/);
    expect(describeConversion(plan, { event: 'experiment_viewed', properties: { experiment_id: 'free_shipping_banner', variant_id: 'banner' }, context: { measureplan: { kind: 'signal', consent: granted } } }))
      .toMatch(/^experiment_viewed\s+signal free_shipping_banner = banner$/);
  });
});
