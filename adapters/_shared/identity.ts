/**
 * Normalising and hashing user data for enhanced conversions (Google) and advanced matching
 * (Meta): the vendors match on SHA-256 of the normalised value, so the raw e-mail or phone number
 * never has to leave the page.
 */

/** Trimmed, lower-case; for gmail.com / googlemail.com the dots of the local part are dropped (Google's rule). */
export function normaliseEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  const at = email.lastIndexOf('@');
  if (at < 1) return email;
  const domain = email.slice(at + 1);
  const local = email.slice(0, at);
  return (domain === 'gmail.com' || domain === 'googlemail.com' ? local.replace(/\./g, '') : local) + '@' + domain;
}

/**
 * E.164 (`+4791234567`): digits only, with the country code; `00` becomes `+`. A bracketed `(0)`
 * ("+46 (0)8 …") is the trunk prefix dialled only at home: E.164 never has it.
 */
export function normalisePhone(raw: string): string {
  return '+' + raw.replace(/\(0\)/g, '').replace(/\D/g, '').replace(/^00/, '');
}

/** Lower-case hex SHA-256 through Web Crypto (undefined where Web Crypto is missing: nothing is sent then). */
export async function sha256(text: string): Promise<string | undefined> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) return undefined;
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A phone number that names its country (`+47 912 34 567`, `0047 …`, `(+44) …`; a country code
 * never starts with 0) and is 7 to 15 digits in E.164. Without a country code (`07911 123456`,
 * `(650) 555-1212`) the number is not used: E.164 needs the country, and a guess (`+65…` for a
 * US number) would match someone else.
 */
export const fullPhone = (p: unknown): p is string => typeof p == 'string' && /^\s*\(?\s*(\+|00)\s*[1-9]/.test(p) && /^\+\d{7,15}$/.test(normalisePhone(p));

/** The e-mail and phone `identify()` supplied, normalised and hashed. */
export async function hashedIdentity(traits: Record<string, unknown>): Promise<{ email?: string; phone?: string }> {
  const out: { email?: string; phone?: string } = {};
  if (typeof traits.email === 'string' && traits.email.includes('@')) out.email = await sha256(normaliseEmail(traits.email));
  if (fullPhone(traits.phone)) out.phone = await sha256(normalisePhone(traits.phone));
  return out;
}
