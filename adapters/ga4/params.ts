import type { ConversionEvent } from '../../src/core/types';
import type { Item } from '../../src/plan/define';
import { GA4_NAME, GA4_RESERVED_PREFIXES } from '../../src/plan/vocabulary';
import { has } from '../../src/plan/shape';

/**
 * Personal data GA4 must not receive: an e-mail address anywhere in the text, or a phone number
 * (7 to 15 digits in phone characters only, starting with `+`, a bracket, or digits and a space;
 * a bare run of digits such as an order number is not taken for one), or a `tel:`/`sms:` link.
 */
const PERSONAL = /[^\s@]+(@|%40)[^\s@]+\.[a-z]{2}|^(tel|callto|sms):|^(?=(\D*\d){7,15}\D*$)(\+|\(|\d+ )[\d ().-]*$/i;
/** The e-mail part of PERSONAL alone: a product id is checked for an address only (see `items`). */
const EMAIL = /[^\s@]+(@|%40)[^\s@]+\.[a-z]{2}/i;
/** A cheap first look: an @, or seven phone characters in a row that start and end with a digit. */
const MAYBE = /@|%40|\d[\d ().-]{5,}\d|^(tel|callto|sms):/i;
/**
 * A parameter named for a phone number (`phone`, `mobile_phone`, `tel`, `fax`, `phone_number`):
 * any value with seven digits is one, in whatever notation (`650-555-1212`, `912.34.567`), which
 * the value alone cannot tell from an order number. Whole name parts only: `telemetry_id`,
 * `smartphone_sku` and `mobile_app_version` are not.
 */
const PHONE_NAME = /(^|_)((tele)?phone|tel|fax|mobile(?=_phone|_number|$))(_|$)/i;
/**
 * GA4's reserved event parameter names (support.google.com/analytics/answer/13316687): `cid`,
 * `customer_id`, `customerid`, `dclid`, `gclid`, `session_id`, `sessionid`, `sfmc_id`, `sid`,
 * `srsltid`, `uid`, `user_id`, `userid`. (The page lists `currency` too, which is GA4's own
 * ecommerce parameter and is sent.)
 */
const RESERVED = /^((customer|session|user)_?|[csu]|[dg]cl|sfmc_|srslt)id$/;

/**
 * A conversion as GA4 event parameters, kept to GA4's rules: names of letters, digits and `_`
 * starting with a letter (at most 40, no reserved prefix, no reserved name such as `user_id` or
 * `gclid`), text values of at most 100 characters, at most 25 parameters, no e-mail address or
 * phone number (in item fields either). What breaks a rule is dropped, cut or withheld, and `warn`
 * says which parameter (`items[0].item_name` for an item field) and why.
 */
/** What is wrong with a parameter name ('' when nothing): names come from the plan, so each is judged once. */
const verdicts = new Map<string, string>();
const verdict = (k: string): string => {
  let r = verdicts.get(k);
  if (r === undefined) {
    verdicts.set(k, r = !GA4_NAME.test(k) || GA4_RESERVED_PREFIXES.some((p) => k.startsWith(p)) ? 'dropped: not a valid GA4 name'
      : RESERVED.test(k) ? 'dropped: reserved by GA4' : '');
  }
  return r;
};

const ITEM_FIELDS = ['item_id', 'item_name', 'price', 'quantity', 'item_category'] as const;
/** The event's own fields, which come first; a property of the same name fills one only where it is empty. */
const OWN: Record<string, 1> = { currency: 1, value: 1, transaction_id: 1, items: 1 };

export const say = (e: ConversionEvent, warn: (message: string) => void, k: string, why: string) => warn(`ga4 ${e.name}: parameter ${k} ${why}`);
/** An e-mail address or phone number. Only a text with an @ or a run of phone characters can be either: the rest (names, SKUs, ids) skips the pattern. */
export const personal = (v: unknown, name = '') => typeof v == 'string' && MAYBE.test(v) && (PERSONAL.test(v) || PHONE_NAME.test(name));
export const WITHHELD = 'withheld: looks like an e-mail or phone number';

/** The items as GA4 wants them: its five fields, without what is undefined or personal. */
function items(e: ConversionEvent, list: readonly Item[], warn: (message: string) => void): Record<string, unknown>[] {
  // An array of its exact length (map, not push): the dataLayer keeps it.
  return list.map((i, j) => {
    const o: Record<string, unknown> = {};
    for (const f of ITEM_FIELDS) {
      const v = i[f];
      if (v === undefined) continue;
      // A product id that starts with a digit is taken for a product number, not a phone number:
      // an EAN printed with spaces (`4 006381 333931`) has the shape of one.
      if (f === 'item_id' && typeof v == 'string' && /^\d/.test(v) ? EMAIL.test(v) : personal(v)) say(e, warn, `items[${j}].${f}`, WITHHELD); else o[f] = v;
    }
    return o;
  });
}

/** Adds parameter `k` to `out` if GA4 takes it; `n` counts the parameters so far (returned, updated). */
function param(out: Record<string, unknown>, n: number, e: ConversionEvent, warn: (message: string) => void, k: string, v: unknown): number {
  if (v == null || v === '') return n;
  if (personal(v, k)) { say(e, warn, k, WITHHELD); return n; }
  const bad = verdict(k);
  if (bad) { say(e, warn, k, bad); return n; }
  if (n > 24) { say(e, warn, k, 'dropped: over the GA4 limit of 25 parameters'); return n + 1; }
  if (typeof v == 'string' && v.length > 100) {
    say(e, warn, k, 'cut to the GA4 limit of 100 characters');
    v = v.slice(0, 100);
  }
  out[k] = v;
  return n + 1;
}

export function ga4Params(e: ConversionEvent, warn: (message: string) => void, planCurrency?: string): Record<string, unknown> {
  // No closures or intermediate objects: this runs for every conversion sent to GA4.
  const out: Record<string, unknown> = {};
  const p = e.properties;
  let value = e.value ?? p.value;
  // GA4 reads a value without its currency as no value at all: a `value` property the plan did not
  // name as the conversion's value gets the plan's currency, or is left out when there is none.
  // A journey signal's value is no money (a Core Web Vital in ms): it goes as it is, without one.
  const money = e.kind != 'signal';
  const currency = e.currency ?? p.currency ?? (value != null && money ? planCurrency : undefined);
  if (value != null && currency == null && money) { say(e, warn, 'value', 'left out: GA4 needs a currency with it'); value = undefined; }
  let n = param(out, 0, e, warn, 'currency', currency);
  n = param(out, n, e, warn, 'value', value);
  n = param(out, n, e, warn, 'transaction_id', e.transactionId ?? p.transaction_id);
  n = param(out, n, e, warn, 'items', e.items ? items(e, e.items, warn) : p.items);
  for (const k in p) if (OWN[k] !== 1 && has(p, k)) n = param(out, n, e, warn, k, p[k]);
  return out;
}
