/**
 * The wholesale page's plan, written in TypeScript by the developers who own that page.
 * `definePlan` keeps the literal types (`'cafe' | 'office' | 'restaurant'`, not `string`), so
 * the tracker built from it checks every `track()` call, as the generated module does for
 * plan.json; a mistake in the plan itself (`kind: 'mikro'`) is a compile error too. At run time
 * `createTracker` validates the plan once more, exactly as it does a JSON plan.
 */
import { definePlan } from 'measureplan';

export const wholesalePlan = definePlan({
  version: 1,
  name: 'Tindra Coffee wholesale',
  currency: 'EUR',
  destinations: {
    ga4: { measurementId: 'G-T1NDRA2024' },
    collector: { url: '/collect' },
  },
  consent: { default: { analytics: 'denied', ads: 'denied' } },
  conversions: {
    wholesale_inquiry: {
      kind: 'macro',
      description: 'A café, office or restaurant asked for a wholesale offer',
      properties: {
        business: { type: 'string', enum: ['cafe', 'office', 'restaurant'] },
        locations: { type: 'integer', min: 1 },
        kg_per_month: { type: 'number', min: 0 },
        tasting_kit: { type: 'boolean', optional: true },
      },
      value: 150,
      send: { ga4: { event: 'generate_lead' }, collector: {} },
    },
    price_list_downloaded: {
      kind: 'micro',
      description: 'Downloaded the wholesale price list',
      supports: ['wholesale_inquiry'],
      properties: { format: { type: 'string', enum: ['pdf', 'csv'] } },
      limit: 'once_per_session',
      send: { ga4: { event: 'download_price_list' }, collector: {} },
    },
  },
});

export type WholesalePlan = typeof wholesalePlan;
