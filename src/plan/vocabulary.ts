/**
 * The plan's fixed vocabulary and vendor id formats, shared by the browser checker and the zod
 * schema so that both speak exactly the same words.
 */
import type { DestinationName } from './types';

export const KINDS = ['macro', 'micro'] as const;
export const PROPERTY_TYPES = ['string', 'number', 'integer', 'boolean', 'items'] as const;
export const LIMITS = ['once_per_page', 'once_per_session', 'once_per_user'] as const;
export const CONSENT_STATES = ['granted', 'denied'] as const;
export const CONSENT_PLATFORMS = ['tcf', 'google', 'cookiebot', 'cookieinformation', 'onetrust', 'shopify'] as const;
/** What a browser's Global Privacy Control signal does: keep ads denied, or leave it to the banner. */
export const GPC_MODES = ['deny-ads', 'banner'] as const;
/** What a browser that declares itself a crawler gets: nothing stored or sent, or measured like a visitor. */
export const BOTS_MODES = ['skip', 'measure'] as const;
export const DESTINATIONS: readonly DestinationName[] = [
  'ga4', 'googleAds', 'meta', 'linkedin', 'microsoftAds', 'collector',
];

/** GA4: letters, digits and underscores, starting with a letter, at most 40 characters. */
export const GA4_NAME = /^[A-Za-z][A-Za-z0-9_]{0,39}$/;
export const GA4_RESERVED_EVENTS = [
  'app_remove', 'app_store_refund', 'app_store_subscription_cancel', 'app_store_subscription_renew',
  'click', 'error', 'file_download', 'first_open', 'first_visit', 'form_start', 'form_submit',
  'in_app_purchase', 'page_view', 'scroll', 'session_start', 'user_engagement', 'view_complete',
  'video_progress', 'video_start', 'view_search_results',
];
export const GA4_RESERVED_PREFIXES = ['_', 'firebase_', 'ga_', 'google_', 'gtag.'];

/** Meta Pixel standard events; any other name is sent with `trackCustom`. */
export const META_STANDARD_EVENTS = [
  'AddPaymentInfo', 'AddToCart', 'AddToWishlist', 'CompleteRegistration', 'Contact',
  'CustomizeProduct', 'Donate', 'FindLocation', 'InitiateCheckout', 'Lead', 'Purchase',
  'Schedule', 'Search', 'StartTrial', 'SubmitApplication', 'Subscribe', 'ViewContent',
];

export { NAME, PROPERTY_NAME } from './name';
/** Experiment variant names: letters, digits, "-" and "_" (they travel in GA4's exp_variant_string). */
export const VARIANT = /^[A-Za-z0-9_-]{1,40}$/;
export const CURRENCY = /^[A-Z]{3}$/;
export const ADS_LABEL = /^[A-Za-z0-9_-]{1,64}$/;
/** A trigger's property source: an attribute, the element's text or href, or a form field. */
export const PROPERTY_SOURCE = /^(data-[a-z0-9_-]+|text|href|field:[^\s]+)$/;
/**
 * A linked domain: a host name in lower case (or an IPv4 address), without scheme, port or path,
 * of two labels at least (a top-level domain alone would link every site under it), or localhost.
 */
export const HOST = /^(?=.{1,253}$)(localhost|([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)$/;
