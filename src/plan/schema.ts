/**
 * The plan schema in zod 4: the source of `plan.schema.json` (editor completion and red
 * squiggles for marketers) and of the Node-side checks. Browser code never imports this file:
 * classic zod would add ~95 KB gzip to the script tag, so the browser runs the compact checker
 * in `check.ts`, and tests hold the two to the same verdicts.
 */
import { z } from 'zod';
import {
  ADS_LABEL, BOTS_MODES, CONSENT_PLATFORMS, GPC_MODES, HOST, CONSENT_STATES, CURRENCY, GA4_NAME, KINDS, LIMITS, NAME, PROPERTY_NAME, PROPERTY_SOURCE, PROPERTY_TYPES, VARIANT,
} from './vocabulary';
import { ID_FORMATS } from './id-formats';
import { DURATION } from './duration';

const text = z.string().min(1);
const consentState = z.enum(CONSENT_STATES);
const sources = z.record(z.string(), z.string().regex(PROPERTY_SOURCE)).describe('Property name → "data-<attribute>", "text", "href" or "field:<form field>".');
const id = (f: { re: RegExp; example: string }, what: string) => z.string().regex(f.re).describe(`${what}, like "${f.example}".`);

export const propertySchema = z.strictObject({
  type: z.enum(PROPERTY_TYPES).describe('string, number, integer, boolean, or items (a list of products).'),
  description: text.optional(),
  optional: z.boolean().optional().describe('true when the property may be left out.'),
  enum: z.array(z.union([z.string(), z.number()])).min(1).optional().describe('The only values allowed.'),
  min: z.number().optional(),
  max: z.number().optional(),
  pattern: text.optional().describe('A regular expression the text must match.'),
  maxLength: z.number().int().min(1).optional(),
});

const base = { properties: sources.optional() };
export const triggerSchema = z.discriminatedUnion('on', [
  z.strictObject({ on: z.literal('page_view'), path: z.string().regex(/^[/*]/).optional().describe('Path glob; "*" matches any characters.'), regex: text.optional(), query: z.record(z.string(), text).optional(), ...base }),
  z.strictObject({ on: z.literal('click'), selector: text.describe('CSS selector of the clicked element.'), ...base }),
  z.strictObject({ on: z.literal('submit'), selector: text.describe('CSS selector of the form.'), ...base }),
  z.strictObject({ on: z.literal('scroll'), percent: z.number().min(1).max(100), ...base }),
  z.strictObject({ on: z.literal('visible'), selector: text, seconds: z.number().min(0).max(3600).optional(), ...base }),
]).describe('How the conversion is recognised on the site without code.');

export const sendSchema = z.strictObject({
  ga4: z.strictObject({ event: z.string().regex(GA4_NAME).describe('GA4 event name.') }).optional(),
  googleAds: z.strictObject({ label: z.string().regex(ADS_LABEL).describe('Conversion label, the part after the slash in send_to.') }).optional(),
  meta: z.strictObject({ event: z.string().regex(/^[A-Za-z0-9_ -]{1,50}$/).describe('A Meta standard event (Purchase, Lead, …) or a custom name.') }).optional(),
  linkedin: z.strictObject({ conversionId: z.number().int().min(1).describe('Campaign Manager conversion id.') }).optional(),
  microsoftAds: z.strictObject({ event: text.describe('UET event action.'), category: text.optional(), label: text.optional() }).optional(),
  collector: z.strictObject({}).optional(),
}).describe('Every destination that receives this conversion, and its name there.');

export const conversionSchema = z.strictObject({
  kind: z.enum(KINDS).describe('macro: what the business earns money on; micro: a step towards it.'),
  description: text.optional(),
  properties: z.record(z.string().regex(PROPERTY_NAME), propertySchema).optional(),
  value: z.union([z.number().min(0), z.string().regex(NAME)]).optional().describe('A fixed value, or the name of a numeric property.'),
  supports: z.array(z.string().regex(NAME)).optional().describe('Macro conversions this micro conversion leads to.'),
  trigger: triggerSchema.optional(),
  limit: z.enum(LIMITS).optional(),
  dedupe: z.union([
    z.string().regex(NAME),
    z.strictObject({ key: z.string().regex(NAME), days: z.number().int().min(1).max(3650).optional() }),
  ]).optional().describe('Exactly once: the property that identifies the conversion (e.g. "transaction_id"), kept 90 days unless "days" says otherwise.'),
  send: sendSchema.optional(),
});

export const destinationsSchema = z.strictObject({
  ga4: z.strictObject({ measurementId: id(ID_FORMATS.ga4, 'GA4 measurement id') }).optional(),
  googleAds: z.strictObject({ conversionId: id(ID_FORMATS.googleAds, 'Google Ads conversion id'), enhancedConversions: z.boolean().optional() }).optional(),
  meta: z.strictObject({ pixelId: id(ID_FORMATS.meta, 'Meta pixel id'), advancedMatching: z.boolean().optional() }).optional(),
  linkedin: z.strictObject({ partnerId: id(ID_FORMATS.linkedin, 'LinkedIn partner id') }).optional(),
  microsoftAds: z.strictObject({ tagId: id(ID_FORMATS.microsoftAds, 'Microsoft Advertising UET tag id') }).optional(),
  collector: z.strictObject({ url: z.string().regex(/^(\/(?![/\\])|https?:\/\/)\S*$/), pages: z.boolean().optional() }).optional(),
});

const name = (what: string) => z.string().regex(NAME).describe(what);
const duration = (what: string) => z.string().regex(DURATION).describe(`${what}: a whole number and a unit, like "30m", "1h" or "14d" (minutes, hours, days).`);
const steps = z.array(z.string().regex(NAME)).min(2).describe('The conversions that are its steps, in order (at least two).');

export const funnelSchema = z.union([
  steps,
  z.strictObject({
    steps,
    within: duration('The time allowed from the first step to the last').optional(),
    description: text.optional(),
  }),
]).describe('A funnel: its steps in order, or { "steps": [ … ], "within": "24h" } to give it a time window.');

export const cartSchema = z.strictObject({
  add: name('The conversion that puts products into the cart, like "add_to_cart".'),
  remove: name('The conversion that takes products out again, like "remove_from_cart".').optional(),
  complete: name('The macro conversion that completes the cart: the order, like "purchase".'),
  after: duration('How long an untouched cart waits before it counts as abandoned (default "1h")').optional(),
  conversion: name('The conversion tracked when a cart is found abandoned (default: "cart_abandoned", if the plan has it).').optional(),
}).describe('Cart abandonment: products added to the cart and never ordered.');

export const browseSchema = z.strictObject({
  view: name('The conversion that records a product view, like "view_item".'),
  min: z.number().int().min(1).max(50).optional().describe('How many products must have been viewed (default 1).'),
  cancel: z.array(z.string().regex(NAME)).min(1).optional().describe('Conversions that end the browse (default: the cart\'s "add" and "complete").'),
  after: duration('How long viewed products wait before the browse counts as abandoned (default "1h")').optional(),
  conversion: name('The conversion tracked when a browse is found abandoned (default: "browse_abandoned", if the plan has it).').optional(),
}).describe('Browse abandonment: products viewed and never added to the cart.');

export const abandonmentSchema = z.strictObject({ cart: cartSchema.optional(), browse: browseSchema.optional() })
  .describe('Carts and browses left without an order, noticed when the visitor comes back.');

export const experimentSchema = z.strictObject({
  variants: z.array(z.string().regex(VARIANT)).min(2).max(10).describe('Its variants (the first is the control): letters, digits, "-" and "_".'),
  weights: z.array(z.number().positive()).optional().describe('Relative weights, one per variant, like [50, 50] (default: equal).'),
  goal: name('The macro conversion the test is judged on, like "purchase".').optional(),
  description: text.optional(),
}).describe('An A/B test: its variants, their weights and the goal it is judged on.');

export const vitalsSchema = z.strictObject({
  send: z.strictObject({ ga4: z.strictObject({}).optional(), collector: z.strictObject({}).optional() })
    .describe('Where the Core Web Vitals go: "ga4": {} and/or "collector": {}.'),
  attribution: z.boolean().optional().describe('true: a poor value also names the element or interaction that caused it (a larger file).'),
}).describe('Page experience: Core Web Vitals (LCP, INP, CLS, FCP, TTFB) measured on every page.');

export const linkerSchema = z.strictObject({
  domains: z.array(z.string().regex(HOST).describe('A host name, like "checkout.shop.no" (its subdomains count too).')).min(1)
    .describe('The other sites of the shop: a link or form to one of them carries the visitor, the session, the campaign and the ad click there.'),
}).describe('Cross-domain measurement: one visitor across the shop\'s sites (list them all, on every site).');

export const planSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  name: text,
  currency: z.string().regex(CURRENCY).optional().describe('ISO 4217 code, like "NOK".'),
  destinations: destinationsSchema.optional(),
  consent: z.strictObject({
    default: z.strictObject({ analytics: consentState.optional(), ads: consentState.optional() }).optional(),
    cmp: z.enum(CONSENT_PLATFORMS).optional().describe('Read the visitor\'s choice from this consent platform.'),
    gpc: z.enum(GPC_MODES).optional().describe('A browser that sends Global Privacy Control ("do not sell or share"): "deny-ads" (the default) keeps ads denied there whatever the banner says; "banner" leaves it to a banner that reads the signal itself.'),
  }).optional(),
  bots: z.enum(BOTS_MODES).optional().describe('A browser that declares itself a crawler (Googlebot, bingbot, AhrefsBot…): "skip" (the default) stores and sends nothing for it; "measure" measures it like a visitor.'),
  conversions: z.record(z.string().regex(NAME), conversionSchema),
  funnels: z.record(z.string().regex(NAME), funnelSchema).optional(),
  abandonment: abandonmentSchema.optional(),
  experiments: z.record(z.string().regex(NAME), experimentSchema).optional(),
  vitals: vitalsSchema.optional(),
  linker: linkerSchema.optional(),
}).describe('A measureplan measurement plan.');
