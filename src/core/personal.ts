/**
 * What looks like a person's e-mail address or phone number in a text the site gave (a parameter,
 * a product id, an order number, a dedupe key, a URL). The vendors' rules forbid sending either
 * in clear (Google's "no PII", Meta's and LinkedIn's hashing of user data); each adapter leaves
 * such a value out and says so, and an event id never holds one in clear.
 *
 * PERSONAL: an e-mail address anywhere in the text, or a phone number (7 to 15 digits in phone
 * characters only, starting with `+`, a bracket, or digits and a space; a bare run of digits such
 * as an order number is not taken for one), or a `tel:`/`sms:` link.
 */
const PERSONAL = /[^\s@]+(@|%40)[^\s@]+\.[a-z]{2}|^(tel|callto|sms):|^(?=(\D*\d){7,15}\D*$)(\+|\(|\d+ )[\d ().-]*$/i;
/** The e-mail part of PERSONAL alone: a product id is checked for an address only (`productPersonal`). */
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
/** An e-mail address or phone number. Only a text with an @ or a run of phone characters can be either: the rest (names, SKUs, ids) skips the pattern. */
export const personal = (v: unknown, name = '') => typeof v == 'string' && MAYBE.test(v) && (PERSONAL.test(v) || PHONE_NAME.test(name));
/**
 * An id the shop made (an order number, a dedupe key, a product id) that is an e-mail address or
 * a phone number: only an address, a `tel:` link, a number given with its country code (`+47 …`,
 * `0047 …`), or any seven digits under a name for a phone. Order numbers have a phone's shape
 * (`2026 000123`, `(2026) 1234`): taken for one, they would be withheld from Google Ads, and an
 * event id made a digest the shop's server cannot rebuild (diff read 2026-12-06).
 */
export const personalId = (v: unknown, name = '') => typeof v == 'string' && MAYBE.test(v)
  && (EMAIL.test(v) || /^(tel|callto|sms):/i.test(v) || (/^\s*(\+|00)\s*[1-9]/.test(v) && PERSONAL.test(v)) || PHONE_NAME.test(name));

/**
 * A product id that starts with a digit is taken for a product number, not a phone number: an EAN
 * printed with spaces (`4 006381 333931`) has the shape of one. Any other is judged as `personal`.
 */
export const productPersonal = (v: unknown) => (typeof v == 'string' && /^\d/.test(v) ? EMAIL.test(v) : personal(v));
export const WITHHELD = 'withheld: looks like an e-mail or phone number';
