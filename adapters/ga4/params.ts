import type { ConversionEvent } from '../../src/core/types';
import type { Item } from '../../src/plan/define';
import { GA4_NAME, GA4_RESERVED_PREFIXES } from '../../src/plan/vocabulary';
import { has } from '../../src/plan/shape';
import { personal, productPersonal, WITHHELD } from '../../src/core/personal';

export { personal, WITHHELD };

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

/** The items as GA4 wants them: its five fields, without what is undefined or personal. */
function items(e: ConversionEvent, list: readonly Item[], warn: (message: string) => void): Record<string, unknown>[] {
  // An array of its exact length (map, not push): the dataLayer keeps it.
  return list.map((i, j) => {
    const o: Record<string, unknown> = {};
    for (const f of ITEM_FIELDS) {
      const v = i[f];
      if (v === undefined) continue;
      if (f === 'item_id' ? productPersonal(v) : personal(v)) say(e, warn, `items[${j}].${f}`, WITHHELD); else o[f] = v;
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
