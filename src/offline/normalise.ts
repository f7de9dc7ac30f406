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

/**
 * Countries of numbers of many lengths (not in NATIONAL_LENGTHS) whose national numbers never
 * begin with 0, the trunk prefix dialled only inside the country: Finland, Germany, Austria,
 * Ukraine, Turkey, Brazil, China, Japan, South Korea, Indonesia, the Philippines, Thailand,
 * Vietnam, Pakistan, Egypt, Nigeria, Kenya, Israel, the UAE, Saudi Arabia. (Country codes are
 * prefix-free, so a number's code is the one it starts with.)
 */
const TRUNK_ZERO = ['358', '49', '43', '380', '90', '55', '86', '81', '82', '62', '63', '66', '84', '92', '20', '234', '254', '972', '971', '966'];

export type Phone = { digits: string } | { problem: string };

/**
 * Countries whose E.164 numbers keep the leading 0 of the national number: Italy, San Marino,
 * Vatican City (+39 06 6982 1234 is +390669821234). Elsewhere the 0 is a trunk prefix, dialled
 * only inside the country, and is dropped.
 */
const KEEPS_ZERO = new Set(['39', '378', '379']);

/**
 * How many digits a national number has after the country code (without a trunk 0), for
 * countries with a closed numbering plan (ITU-T E.164 national plans). It tells a national
 * number that begins with the country code (Norway's 47 12 34 56) from an international one
 * whose `+` Excel dropped (47 41 23 45 67). A country not listed (Germany, Austria, Finland,
 * Italy: numbers of many lengths) cannot be told apart, and such a number is refused.
 */
const NATIONAL_LENGTHS: Record<string, readonly number[]> = {
  1: [10], 7: [10], 27: [9], 30: [10], 31: [9], 32: [8, 9], 33: [9], 34: [9], 36: [8, 9], 40: [9], 41: [9],
  44: [9, 10], 45: [8], 46: [7, 8, 9], 47: [8], 48: [9], 52: [10], 61: [9], 64: [8, 9, 10], 65: [8], 91: [10],
  351: [9], 353: [7, 8, 9], 354: [7], 370: [8], 371: [8], 372: [7, 8], 420: [9], 421: [9], 852: [8],
};

/**
 * A number written without `+`/`00` that begins with `countryCode`: `international` when only
 * the length of a full international number fits, `national` when only a national length fits,
 * else `unsure`.
 */
function startsWithCode(digits: string, countryCode: string): 'international' | 'national' | 'unsure' {
  const lengths = NATIONAL_LENGTHS[countryCode];
  if (!lengths) return 'unsure';
  const asNational = lengths.includes(digits.length);
  const asInternational = lengths.includes(digits.length - countryCode.length);
  if (asInternational && !asNational) return 'international';
  if (asNational && !asInternational) return 'national';
  return 'unsure';
}

/** `4.74123E+09`, `4,74123E+9`: a number Excel turned into scientific notation, its last digits gone. */
const SCIENTIFIC = /^\+?\d(?:[.,]\d+)?e\+?\d+$/i;

/**
 * A phone number as its digits with the country code (E.164 without the `+`). A number written
 * without `+` or `00` gets `countryCode` (its trunk `0` dropped, except where E.164 keeps it),
 * or is refused without one. A number that already begins with `countryCode` and has the length
 * of a full international number (Excel drops the `+` of a cell it takes for a number) is taken
 * as international; when its length cannot tell, it is refused rather than given the code twice.
 */
export function normalisePhone(raw: string, countryCode?: string): Phone {
  let s = raw.trim();
  if (s === '') return { problem: 'the phone number is empty' };
  if (SCIENTIFIC.test(s)) {
    return { problem: "the phone number is in Excel's scientific notation (…E+09), so its last digits are lost: format the column as text in Excel and export again" };
  }
  if (!/^\+?[\d\s().\-/]+$/.test(s)) return { problem: 'the phone number has characters other than digits, spaces, + - . ( ) /' };
  s = s.replace(/^[^\d+]*0[^\d+]*0/, '+'); // 0044 … is +44 …
  const international = s.startsWith('+');
  // +44 (0)20 …: the (0) is only dialled inside the country; in Italy it is part of the number.
  if (international) s = s.replace(/\(0\)/g, [...KEEPS_ZERO].some((c) => s.replace(/\D/g, '').startsWith(c)) ? '0' : '');
  let digits = s.replace(/\D/g, '');
  if (international) {
    // +44 07946 095800: the trunk 0 written after the country code, as people often do. None of
    // the closed plans listed, nor the countries of TRUNK_ZERO, has a national number beginning
    // with 0, so there it is dropped; elsewhere (Italy keeps its 0) it stays.
    const code = [...Object.keys(NATIONAL_LENGTHS), ...TRUNK_ZERO].find((c) => digits.startsWith(`${c}0`));
    if (code) digits = code + digits.slice(code.length + 1);
  } else {
    if (!countryCode) return { problem: 'the phone number has no country code (write it as +47 …, or give --phone-country 47)' };
    const code = countryCode;
    const reading = !digits.startsWith('0') && digits.startsWith(code) ? startsWithCode(digits, code) : 'national';
    if (reading === 'unsure') {
      return { problem: `the phone number begins with ${code}, the country code of --phone-country, so it may have it already (Excel drops the +): write it as +${code} … or 00${code} …` };
    }
    if (reading === 'national') digits = code + (KEEPS_ZERO.has(code) ? digits : digits.replace(/^0/, ''));
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
