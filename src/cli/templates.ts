/**
 * The starter plans `measureplan init` writes: small, valid, and close to what a webshop or a
 * B2B lead-generation site needs on day one. Vendor ids are placeholders in the right format;
 * `measureplan validate` warns until each is replaced.
 */
import type { PlanInput } from '../plan/types';

/** Placeholder ids and labels of the templates; `lintPlan` warns about each one left in a plan. */
export const PLACEHOLDER_IDS: readonly (string | number)[] = [
  'G-XXXXXXXXXX', 'AW-000000000', '000000000000000', '0000000', 'CONVERSION_LABEL', 9999999,
];

const SCHEMA = 'https://unpkg.com/measureplan/plan.schema.json';

const webshop: PlanInput = {
  $schema: SCHEMA,
  version: 1,
  name: 'My webshop',
  currency: 'EUR',
  destinations: {
    ga4: { measurementId: 'G-XXXXXXXXXX' },
    googleAds: { conversionId: 'AW-000000000' },
    meta: { pixelId: '000000000000000' },
    collector: { url: '/collect' },
  },
  consent: { default: { analytics: 'denied', ads: 'denied' } },
  conversions: {
    purchase: {
      kind: 'macro',
      description: 'Order completed in the webshop',
      properties: {
        transaction_id: { type: 'string', maxLength: 64 },
        value: { type: 'number', min: 0 },
        items: { type: 'items' },
      },
      value: 'value',
      limit: 'once_per_page',
      send: {
        ga4: { event: 'purchase' },
        googleAds: { label: 'CONVERSION_LABEL' },
        meta: { event: 'Purchase' },
        collector: {},
      },
    },
    add_to_cart: {
      kind: 'micro',
      description: 'Put a product in the cart',
      supports: ['purchase'],
      properties: { item_id: { type: 'string' }, value: { type: 'number', min: 0, optional: true } },
      value: 'value',
      trigger: { on: 'click', selector: 'button.add-to-cart', properties: { item_id: 'data-sku', value: 'data-price' } },
      send: { ga4: { event: 'add_to_cart' }, meta: { event: 'AddToCart' }, collector: {} },
    },
    begin_checkout: {
      kind: 'micro',
      description: 'Started the checkout',
      supports: ['purchase'],
      trigger: { on: 'page_view', path: '/checkout*' },
      limit: 'once_per_session',
      send: { ga4: { event: 'begin_checkout' }, meta: { event: 'InitiateCheckout' }, collector: {} },
    },
    newsletter_signup: {
      kind: 'micro',
      description: 'Signed up to the newsletter',
      supports: ['purchase'],
      value: 10,
      trigger: { on: 'submit', selector: 'form.newsletter' },
      limit: 'once_per_user',
      send: { ga4: { event: 'sign_up' }, meta: { event: 'Subscribe' }, collector: {} },
    },
  },
  funnels: { checkout: ['add_to_cart', 'begin_checkout', 'purchase'] },
};

const leadgen: PlanInput = {
  $schema: SCHEMA,
  version: 1,
  name: 'My B2B site: lead generation',
  currency: 'EUR',
  destinations: {
    ga4: { measurementId: 'G-XXXXXXXXXX' },
    googleAds: { conversionId: 'AW-000000000' },
    linkedin: { partnerId: '0000000' },
    collector: { url: '/collect' },
  },
  consent: { default: { analytics: 'denied', ads: 'denied' } },
  conversions: {
    demo_request: {
      kind: 'macro',
      description: 'Requested a demo: a lead for sales to follow up',
      value: 500,
      trigger: { on: 'submit', selector: 'form#demo-request' },
      limit: 'once_per_user',
      send: {
        ga4: { event: 'generate_lead' },
        googleAds: { label: 'CONVERSION_LABEL' },
        linkedin: { conversionId: 9999999 },
        collector: {},
      },
    },
    visited_pricing: {
      kind: 'micro',
      description: 'Looked at the pricing page',
      supports: ['demo_request'],
      trigger: { on: 'page_view', path: '/pricing*' },
      limit: 'once_per_session',
      send: { ga4: { event: 'view_pricing' }, collector: {} },
    },
    whitepaper_download: {
      kind: 'micro',
      description: 'Downloaded a whitepaper',
      supports: ['demo_request'],
      properties: { title: { type: 'string', maxLength: 100, optional: true } },
      value: 20,
      trigger: { on: 'click', selector: "a[href$='.pdf']", properties: { title: 'data-title' } },
      send: { ga4: { event: 'whitepaper_download' }, collector: {} },
    },
    contact_click: {
      kind: 'micro',
      description: 'Clicked the sales e-mail address or phone number',
      supports: ['demo_request'],
      trigger: { on: 'click', selector: "a[href^='mailto:'], a[href^='tel:']" },
      send: { ga4: { event: 'contact_click' }, collector: {} },
    },
  },
  funnels: { lead: ['visited_pricing', 'demo_request'] },
};

export const TEMPLATES = { webshop, leadgen } as const;
export type TemplateName = keyof typeof TEMPLATES;
