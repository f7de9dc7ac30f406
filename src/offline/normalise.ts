/**
 * E-mail addresses and phone numbers, normalised the way each platform documents and hashed
 * with SHA-256 (lowercase hex). Only the hashes are written to an upload file.
 *
 * - Google (Ads API "enhance conversions", GA4 user-provided data): trim, lowercase; for
 *   `gmail.com` and `googlemail.com` remove the dots before the `@` (a `+tag` is kept); phone in
 *   E.164, `+` and digits.
 * - Meta (Conversions API customer information parameters): `em` trimmed and lowercase; `ph`
 *   digits only with the country code, no leading zeros, no `+`.
 */
import { createHash } from 'node:crypto';

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trimmed and lowercase, or undefined when it is not an e-mail address. */
export function normaliseEmail(raw: string): string | undefined {
  const e = raw.trim().toLowerCase();
  return EMAIL.test(e) ? e : undefined;
}

/** Google's form: the Gmail rule on top of trim and lowercase. */
export function googleEmail(normalised: string): string {
  const at = normalised.lastIndexOf('@');
  const domain = normalised.slice(at + 1);
  if (domain !== 'gmail.com' && domain !== 'googlemail.com') return normalised;
  return `${normalised.slice(0, at).replace(/\./g, '')}@${domain}`;
}

/** The same mailbox, whichever way it was written: the key orders and the store are matched on. */
export const emailKey = (raw: string): string | undefined => {
  const e = normaliseEmail(raw);
  return e && googleEmail(e);
};

export type Phone = { digits: string } | { problem: string };

/**
 * A phone number as its digits with the country code (E.164 without the `+`). A number written
 * without `+` or `00` gets `countryCode` (its trunk `0` dropped), or is refused without one.
 */
export function normalisePhone(raw: string, countryCode?: string): Phone {
  let s = raw.trim();
  if (s === '') return { problem: 'the phone number is empty' };
  if (!/^\+?[\d\s().\-/]+$/.test(s)) return { problem: 'the phone number has characters other than digits, spaces, + - . ( ) /' };
  s = s.replace(/^[^\d+]*0[^\d+]*0/, '+'); // 0044 … is +44 …
  const international = s.startsWith('+');
  if (international) s = s.replace(/\(0\)/g, ''); // +44 (0)20 …: the (0) is only dialled inside the country
  let digits = s.replace(/\D/g, '');
  if (!international) {
    if (!countryCode) return { problem: 'the phone number has no country code (write it as +47 …, or give --phone-country 47)' };
    digits = countryCode + digits.replace(/^0/, '');
  }
  if (digits.startsWith('0')) return { problem: 'the phone number\'s country code cannot start with 0' };
  if (digits.length < 7 || digits.length > 15) return { problem: `the phone number has ${digits.length} digits with its country code; a phone number has 7 to 15` };
  return { digits };
}

/** Google: E.164, `+` and digits. */
export const googlePhone = (digits: string): string => `+${digits}`;
/** Meta: digits with the country code, without `+` or leading zeros. */
export const metaPhone = (digits: string): string => digits.replace(/^0+/, '');

export const googleEmailHash = (normalised: string): string => sha256(googleEmail(normalised));
export const googlePhoneHash = (digits: string): string => sha256(googlePhone(digits));
export const metaEmailHash = (normalised: string): string => sha256(normalised);
export const metaPhoneHash = (digits: string): string => sha256(metaPhone(digits));
