/**
 * The words of a drafted plan: which conversion a vendor's event name stands for (GA4's
 * recommended names are the plan's), what each vendor parameter is called in the plan, and the
 * type a property gets when the page computes its value.
 */
import type { PropertyType } from '../../plan/types';
import type { Vendor } from './recognise';
import type { Value } from './values';

/** GA4 recommended event ↔ Meta standard event: one action, two names. */
const PAIRS: readonly [string, string][] = [
  ['purchase', 'Purchase'], ['add_to_cart', 'AddToCart'], ['begin_checkout', 'InitiateCheckout'],
  ['generate_lead', 'Lead'], ['sign_up', 'CompleteRegistration'], ['view_item', 'ViewContent'],
  ['add_payment_info', 'AddPaymentInfo'], ['search', 'Search'], ['contact', 'Contact'],
  ['subscribe', 'Subscribe'], ['add_to_wishlist', 'AddToWishlist'],
];
/** GA4's recommended names for the actions above: a step such as add_to_cart stays micro whatever Ads says. */
export const RECOMMENDED = new Set(PAIRS.map(([ga4]) => ga4));
const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const ALIASES = new Map(PAIRS.flatMap(([ga4, meta]) => [[squash(ga4), ga4], [squash(meta), ga4]]));

/** `CustomButtonClick` → `custom_button_click`, `Newsletter signup` → `newsletter_signup` (a plan name, ≤ 40 characters). */
export function snake(s: string): string {
  const words = s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  const name = /^[a-z]/.test(words) ? words : `event_${words}`;
  return name.slice(0, 40).replace(/_+$/, '');
}

/** The conversion a vendor's event name stands for: `AddToCart` and `add_to_cart` are both `add_to_cart`. */
export const actionName = (vendorName: string): string => ALIASES.get(squash(vendorName)) ?? snake(vendorName);

/** What becomes of one vendor parameter in the plan. */
/** `drop`: not event data (said nowhere); `leave`: the site's data the plan does not take (listed as left out). */
export type ParamUse = { prop: string } | { uet: 'category' | 'label' } | { drop: string } | { leave: string };

const CONTROL = 'a gtag setting, not event data';
const EVENT_ID = 'measureplan gives each conversion its own event id';
const DERIVED = "measureplan's Meta adapter derives it from items";
const COMMON: Record<string, ParamUse> = {
  send_to: { drop: CONTROL }, event_callback: { drop: CONTROL }, event_timeout: { drop: CONTROL }, groups: { drop: CONTROL },
  event_id: { drop: EVENT_ID }, eventID: { drop: EVENT_ID }, conversion_id: { drop: 'it is the LinkedIn send entry' },
};
/** UET's event value is a number of the site's own, not revenue (that is revenue_value): never the conversion's value. */
const EVENT_VALUE = "UET's event value is not revenue; measureplan sends the conversion's value as revenue_value";
const BY_VENDOR: Partial<Record<Vendor, Record<string, ParamUse>>> = {
  meta: {
    contents: { prop: 'items' }, content_ids: { prop: 'items' }, search_string: { prop: 'search_term' },
    num_items: { drop: DERIVED }, content_type: { drop: DERIVED },
  },
  microsoftAds: {
    revenue_value: { prop: 'value' }, event_value: { leave: EVENT_VALUE }, gv: { prop: 'value' }, gc: { prop: 'currency' },
    ecomm_totalvalue: { prop: 'value' }, ecomm_prodid: { prop: 'items' }, ecomm_query: { prop: 'search_term' },
    event_category: { uet: 'category' }, ec: { uet: 'category' }, event_label: { uet: 'label' }, el: { uet: 'label' },
    ea: { drop: 'it is the event action' }, ev: { leave: EVENT_VALUE }, ecomm_pagetype: { drop: 'UET retail page type, not event data' },
  },
  linkedin: { conversion_value: { prop: 'value' } },
};

export function paramUse(vendor: Vendor, key: string): ParamUse {
  return BY_VENDOR[vendor]?.[key] ?? COMMON[key] ?? { prop: key };
}

const NUMBER = /(^|_)(value|revenue|price|total|amount|tax|shipping|discount|quantity|qty|ltv|count)(_|$)/;
const ITEMS = /^(items|contents|products|lines)$/;

/** A property's type: from a literal, else from its name (value, price → number; items → items; the rest text). */
export function propertyType(name: string, v: Value): PropertyType {
  if (ITEMS.test(name)) return 'items';
  if (v.kind === 'number') return 'number';
  if (v.kind === 'boolean') return 'boolean';
  if (v.kind === 'array') return 'items';
  if (v.kind === 'object') return 'string'; // not expressible: the caller leaves it out
  if (name === 'currency' || /(^|_)id$/.test(name)) return 'string';
  return NUMBER.test(name) ? 'number' : 'string';
}
