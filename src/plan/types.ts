/**
 * The measurement plan as TypeScript types: the public contract (plan version 1).
 *
 * These types are written out by hand so that the published `.d.ts` is readable and needs no
 * zod; a type test asserts they equal what the zod schema in `schema.ts` accepts, so the two
 * cannot drift.
 */

export type ConsentState = 'granted' | 'denied';
export type ConsentCategory = 'analytics' | 'ads';
export type ConsentSettings = { analytics?: ConsentState; ads?: ConsentState };
/** Consent platforms the tracker can read the visitor's choice from. */
export type ConsentPlatform = 'tcf' | 'google' | 'cookiebot' | 'cookieinformation' | 'onetrust';

export type PropertyType = 'string' | 'number' | 'integer' | 'boolean' | 'items';

/** One property of a conversion in the plan's small type language. */
export interface PropertySpec {
  type: PropertyType;
  description?: string;
  optional?: boolean;
  enum?: readonly (string | number)[];
  min?: number;
  max?: number;
  pattern?: string;
  maxLength?: number;
}

/** Where a trigger reads a property from: `data-…`, `text`, `href` or `field:NAME`. */
export type PropertySource = string;

interface TriggerBase {
  /** Property name → where on the page its value comes from. */
  properties?: Readonly<Record<string, PropertySource>>;
}
export interface PageViewTrigger extends TriggerBase {
  on: 'page_view';
  /** Path glob, `*` matches any characters: `/pricing*`. */
  path?: string;
  /** Alternative to `path`: a regular expression tested against the path. */
  regex?: string;
  /** Query parameters that must all be present with these values. */
  query?: Readonly<Record<string, string>>;
}
export interface ClickTrigger extends TriggerBase { on: 'click'; selector: string }
export interface SubmitTrigger extends TriggerBase { on: 'submit'; selector: string }
export interface ScrollTrigger extends TriggerBase { on: 'scroll'; percent: number }
export interface VisibleTrigger extends TriggerBase { on: 'visible'; selector: string; seconds?: number }
export type Trigger = PageViewTrigger | ClickTrigger | SubmitTrigger | ScrollTrigger | VisibleTrigger;
export type TriggerKind = Trigger['on'];

export type Limit = 'once_per_page' | 'once_per_session' | 'once_per_user';

/** Per destination: what this conversion is called there. Only named destinations receive it. */
export interface SendSpec {
  ga4?: { event: string };
  googleAds?: { label: string };
  meta?: { event: string };
  linkedin?: { conversionId: number };
  microsoftAds?: { event: string; category?: string; label?: string };
  collector?: Record<string, never>;
}
export type DestinationName = keyof SendSpec;

export interface ConversionSpec {
  kind: 'macro' | 'micro';
  description?: string;
  properties?: Readonly<Record<string, PropertySpec>>;
  /** A constant value, or the name of a numeric property that carries it. */
  value?: number | string;
  /** For micro conversions: the macro conversions this one leads to. */
  supports?: readonly string[];
  trigger?: Trigger;
  limit?: Limit;
  /**
   * Exactly once: the property whose value identifies the conversion (an order number). A value
   * already forwarded is not forwarded again within `days` (default 90).
   */
  dedupe?: string | { key: string; days?: number };
  send?: SendSpec;
}

export interface Destinations {
  ga4?: { measurementId: string };
  googleAds?: { conversionId: string; enhancedConversions?: boolean };
  meta?: { pixelId: string; advancedMatching?: boolean };
  linkedin?: { partnerId: string };
  microsoftAds?: { tagId: string };
  collector?: { url: string; pages?: boolean };
}

/** A plan as authored (JSON or `definePlan`). */
export interface PlanInput {
  $schema?: string;
  version: 1;
  name: string;
  currency?: string;
  destinations?: Destinations;
  consent?: { default?: ConsentSettings; cmp?: ConsentPlatform };
  conversions: Readonly<Record<string, ConversionSpec>>;
  funnels?: Readonly<Record<string, readonly string[]>>;
}

/** A validated plan with defaults filled in: what the tracker runs on. */
export interface Plan {
  version: 1;
  name: string;
  currency?: string;
  destinations: Destinations;
  consent: { default: Required<ConsentSettings>; cmp?: ConsentPlatform };
  conversions: Record<string, NormalisedConversion>;
  funnels: Record<string, string[]>;
}

export interface NormalisedConversion extends ConversionSpec {
  name: string;
  properties: Record<string, PropertySpec>;
  supports: string[];
  send: SendSpec;
}

/** One problem in a plan, written for the marketer who has to fix it. */
export interface PlanError {
  /** JSON path of the offending value, e.g. `conversions.newsletter_signup.send.meta.event`. */
  path: string;
  message: string;
  hint?: string;
  /** For JSON syntax errors (and, from the CLI, every error): 1-based position in the text. */
  line?: number;
  column?: number;
}

export type ParseResult = { ok: true; plan: Plan; errors: [] } | { ok: false; errors: PlanError[] };
