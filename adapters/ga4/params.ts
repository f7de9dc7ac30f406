import type { ConversionEvent } from '../../src/core/types';
import { defined } from '../_shared/gtag';
import { GA4_NAME, GA4_RESERVED_PREFIXES } from '../../src/plan/vocabulary';

/**
 * Personal data GA4 must not receive: an e-mail address anywhere in the text, or a phone number
 * (7 to 15 digits in phone characters only, starting with `+`, a bracket, or digits and a space;
 * a bare run of digits such as an order number is not taken for one).
 */
const PERSONAL = /[^\s@]+@[^\s@]+\.[a-z]{2}|^(?=(\D*\d){7,15}\D*$)(\+|\(|\d+ )[\d ().-]*$/i;

/**
 * A conversion as GA4 event parameters, kept to GA4's rules: names of letters, digits and `_`
 * starting with a letter (at most 40, no reserved prefix, never `user_id`), text values of at most
 * 100 characters, at most 25 parameters, no e-mail address or phone number. What breaks a rule is
 * dropped, cut or withheld, and `warn` says which parameter and why.
 */
export function ga4Params(e: ConversionEvent, warn: (message: string) => void): Record<string, unknown> {
  const all: Record<string, unknown> = {
    currency: e.currency,
    value: e.value,
    transaction_id: e.transactionId,
    items: e.items?.map((i) => defined({ item_id: i.item_id, item_name: i.item_name, price: i.price, quantity: i.quantity, item_category: i.item_category })),
  };
  for (const k in e.properties) all[k] ??= e.properties[k];
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const k in all) {
    let v = all[k];
    const say = (why: string) => warn(`ga4 ${e.name}: parameter ${k} ${why}`);
    if (v == null || v === '') continue;
    if (!GA4_NAME.test(k) || k == 'user_id' || GA4_RESERVED_PREFIXES.some((p) => k.startsWith(p))) say('dropped: not a valid GA4 name');
    else if (typeof v == 'string' && PERSONAL.test(v)) say('withheld: looks like an e-mail address or phone number');
    else if (n++ > 24) say('dropped: over the GA4 limit of 25 parameters');
    else {
      if (typeof v == 'string' && v.length > 100) {
        say('cut to the GA4 limit of 100 characters');
        v = v.slice(0, 100);
      }
      out[k] = v;
    }
  }
  return out;
}
