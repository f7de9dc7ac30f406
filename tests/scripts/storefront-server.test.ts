import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without types
import { describeConversion } from '../../scripts/storefront-server.mjs';
// @ts-expect-error plain ESM helpers without types
import { printSummary } from '../../scripts/shopper.mjs';

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

describe('npm start -- --shopper: the summary table', () => {
  it("shows journey signals without a money value, with the destinations the plan's vitals and experiments reach (contract QA 2026-12-06)", () => {
    // It summed the web vitals' milliseconds as "3221.20 NOK" and said they went nowhere.
    const signal = (event: string, properties: object) => ({ type: 'track', event, properties, context: { measureplan: { kind: 'signal', consent: granted } } });
    const events = [
      signal('web_vital', { metric_name: 'LCP', metric_value: 1840.5, value: 1840.5 }),
      signal('web_vital', { metric_name: 'TTFB', metric_value: 1380.7, value: 1380.7 }),
      signal('experiment_viewed', { experiment_id: 'free_shipping_banner', variant_id: 'banner' }),
      { type: 'track', event: 'purchase', properties: { value: 2499, currency: 'NOK' }, context: { measureplan: { kind: 'macro', consent: granted } } },
      // A price the plan does not take as the conversion's value (analyst QA 2026-12-06: "2499 NOK" for view_item).
      { type: 'track', event: 'view_item', properties: { item_id: 'JKT', value: 2499 }, context: { measureplan: { kind: 'micro', consent: granted } } },
    ];
    const lines: string[] = [];
    printSummary({ events, commands: {}, plan, print: (l: string) => lines.push(l) });
    const row = (name: string) => lines.join('\n').split('\n').find((l) => l.trimStart().startsWith(name + ' '))!;
    expect(row('web_vital')).toMatch(/^\s*web_vital\s+signal\s+2\s+—\s+collector, ga4\s*$/);
    expect(row('experiment_viewed')).toMatch(/^\s*experiment_viewed\s+signal\s+1\s+—\s+ga4, collector\s*$/);
    expect(row('view_item')).toMatch(/^\s*view_item\s+micro\s+1\s+—\s/);
    expect(row('purchase')).toMatch(/^\s*purchase\s+macro\s+1\s+2499 NOK\s+ga4, googleAds, meta, microsoftAds, collector\s*$/);
  });
});
