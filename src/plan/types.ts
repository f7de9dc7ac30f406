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
/** What `tracker.consent()` takes: per category a decision, or `'pending'` to leave it undecided (a consent platform's state passed on as it is). */
export type ConsentUpdate = { analytics?: ConsentState | 'pending'; ads?: ConsentState | 'pending' };
/** Consent platforms the tracker can read the visitor's choice from. */
export type ConsentPlatform = 'tcf' | 'google' | 'cookiebot' | 'cookieinformation' | 'onetrust' | 'shopify';
/** What a browser's Global Privacy Control signal does (plan `consent.gpc`): see docs/consent.md. */
export type GpcMode = 'deny-ads' | 'banner';
/** What a browser that declares itself a crawler gets (plan `bots`): see docs/data-protection.md. */
export type BotsMode = 'skip' | 'measure';

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

/** A duration: a number and a unit, `30m`, `1h`, `14d`. */
export type Duration = string;

/** A funnel: its steps in order (conversion names), and optionally the time allowed from the first step to the last. */
export type FunnelSpec = readonly string[] | { steps: readonly string[]; within?: Duration; description?: string };

/** Cart abandonment: the conversions that fill, empty and complete the cart, and how long a cart waits before it counts as left. */
export interface CartAbandonmentSpec {
  /** Adds its items (or `item_id`) to the visitor's cart, e.g. `add_to_cart`. */
  add: string;
  /** Takes its items out again, e.g. `remove_from_cart`. */
  remove?: string;
  /** Empties the cart: the order, e.g. `purchase`. */
  complete: string;
  /** A cart untouched this long and never completed is abandoned (default `1h`). */
  after?: Duration;
  /** The conversion to forward when a cart is found abandoned (default: one named `cart_abandoned`, if the plan has it). */
  conversion?: string;
}

/** Browse abandonment: products viewed and never added to the cart. */
export interface BrowseAbandonmentSpec {
  /** Records the product it is about, e.g. `view_item`. */
  view: string;
  /** How many products must have been viewed (default 1). */
  min?: number;
  /** Conversions that end the browse (default: the cart's `add` and `complete`). */
  cancel?: readonly string[];
  /** Views this old without a cancelling conversion are abandoned (default `1h`). */
  after?: Duration;
  /** The conversion to forward when a browse is found abandoned (default: one named `browse_abandoned`, if the plan has it). */
  conversion?: string;
}

export interface AbandonmentSpec {
  cart?: CartAbandonmentSpec;
  browse?: BrowseAbandonmentSpec;
}

/** An A/B test: its variants (the first is the control), their weights, and the macro conversion it is judged on. */
export interface ExperimentSpec {
  variants: readonly string[];
  /** Relative weights, one per variant (default: equal). */
  weights?: readonly number[];
  /** The macro conversion that decides the test. */
  goal?: string;
  description?: string;
}

/** Page experience: Core Web Vitals measured with web-vitals and sent to these destinations. */
export interface VitalsSpec {
  send: { ga4?: Record<string, never>; collector?: Record<string, never> };
  /** The attribution build: a poor value names the element or interaction that caused it. */
  attribution?: boolean;
}

/** Cross-domain measurement: the shop's other sites, to which links and forms carry the visitor. */
export interface LinkerSpec {
  domains: readonly string[];
}

/** A plan as authored (JSON or `definePlan`). */
export interface PlanInput {
  $schema?: string;
  version: 1;
  name: string;
  currency?: string;
  destinations?: Destinations;
  consent?: { default?: ConsentSettings; cmp?: ConsentPlatform; gpc?: GpcMode };
  bots?: BotsMode;
  conversions: Readonly<Record<string, ConversionSpec>>;
  funnels?: Readonly<Record<string, FunnelSpec>>;
  abandonment?: AbandonmentSpec;
  experiments?: Readonly<Record<string, ExperimentSpec>>;
  vitals?: VitalsSpec;
  linker?: LinkerSpec;
}

/**
 * A plan as TypeScript types a JSON file imported with `resolveJsonModule`: its texts widened to
 * `string`, its version to `number`. createTracker and createTestTracker take it and check it at
 * run time only; `measureplan codegen plan.json` gives a JSON plan its compile-time checks.
 */
export interface JsonPlan {
  version: number;
  name: string;
  conversions: { readonly [name: string]: object };
}

/**
 * What the `plan` option accepts for the inferred `P`: a plan literal must be a whole `PlanInput`
 * (a typo in it stays a compile error); a widened JSON import (its `version` a `number`) is let through.
 */
export type PlanOption<P> = P extends PlanInput ? P : P extends JsonPlan ? (number extends P['version'] ? P : PlanInput) : PlanInput;

/** The plan type a tracker is typed by: a literal plan as it is, a JSON import as any plan (names and properties unchecked). */
export type TypedPlan<P> = P extends PlanInput ? P : PlanInput;

/** A validated plan with defaults filled in: what the tracker runs on. */
export interface Plan {
  version: 1;
  name: string;
  currency?: string;
  destinations: Destinations;
  /** `gpc` absent: "deny-ads". */
  consent: { default: Required<ConsentSettings>; cmp?: ConsentPlatform; gpc?: GpcMode };
  /** Absent: "skip". */
  bots?: BotsMode;
  conversions: Record<string, NormalisedConversion>;
  funnels: Record<string, NormalisedFunnel>;
  abandonment: {
    cart?: Required<Omit<CartAbandonmentSpec, 'remove' | 'conversion'>> & { remove?: string; conversion?: string; afterMs: number };
    browse?: Required<Omit<BrowseAbandonmentSpec, 'conversion' | 'cancel'>> & { cancel: string[]; conversion?: string; afterMs: number };
  };
  experiments: Record<string, { variants: string[]; weights: number[]; goal?: string; description?: string }>;
  vitals?: { send: VitalsSpec['send']; attribution: boolean };
  linker?: { domains: string[] };
}

/** A funnel with defaults filled in: `withinMs` is undefined when the plan sets no window. */
export interface NormalisedFunnel {
  steps: string[];
  within?: Duration;
  withinMs?: number;
  description?: string;
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
