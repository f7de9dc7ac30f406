/**
 * The plan schema in zod 4: the source of `plan.schema.json` (editor completion and red
 * squiggles for marketers) and of the Node-side checks. Browser code never imports this file:
 * classic zod would add ~95 KB gzip to the script tag, so the browser runs the compact checker
 * in `check-plan.ts`, and tests hold the two to the same verdicts.
 */
import { z } from 'zod';
import {
  ADS_LABEL, CONSENT_PLATFORMS, CONSENT_STATES, CURRENCY, GA4_NAME, ID_FORMATS, KINDS, LIMITS, NAME, PROPERTY_SOURCE, PROPERTY_TYPES,
} from './vocabulary';

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
  properties: z.record(z.string().regex(NAME), propertySchema).optional(),
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
  collector: z.strictObject({ url: z.string().regex(/^(\/(?!\/)|https?:\/\/)\S*$/), pages: z.boolean().optional() }).optional(),
});

export const planSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1),
  name: text,
  currency: z.string().regex(CURRENCY).optional().describe('ISO 4217 code, like "NOK".'),
  destinations: destinationsSchema.optional(),
  consent: z.strictObject({
    default: z.strictObject({ analytics: consentState.optional(), ads: consentState.optional() }).optional(),
    cmp: z.enum(CONSENT_PLATFORMS).optional().describe('Read the visitor\'s choice from this consent platform.'),
  }).optional(),
  conversions: z.record(z.string().regex(NAME), conversionSchema),
  funnels: z.record(z.string().regex(NAME), z.array(z.string().regex(NAME)).min(2)).optional(),
}).describe('A measureplan measurement plan.');
