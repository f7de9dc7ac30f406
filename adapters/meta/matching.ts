import type { Identity } from '../../src/core/types';
import { fullPhone, normalisePhone, sha256 } from '../_shared/identity';

/** Meta's advanced-matching keys, each a lower-case hex SHA-256. */
export type Matching = { em?: string; ph?: string; external_id?: string };

const lower = (s: string) => s.trim().toLowerCase();

/**
 * Advanced matching from what `identify()` gave, hashed here so that no raw e-mail or phone
 * number ever reaches fbq. Meta's own normalisation, which differs from Google's in two places:
 * the e-mail is only trimmed and lower-cased (no Gmail dot rule), and the phone is digits with the
 * country code and no `+`. `external_id` (the user id) is hashed the way Meta's Business SDK
 * hashes it for the Conversions API: trimmed, lower-cased. Undefined when there is neither an
 * e-mail nor a phone number, or no Web Crypto (a plain http:// page): `warn` then says so, as
 * Google Ads' enhanced conversions do (compat QA 2026-12-07: dropped without a word).
 */
export async function matching({ userId, traits }: Identity, warn?: (m: string) => void): Promise<Matching | undefined> {
  const { email, phone } = traits;
  const m: Matching = {};
  const mail = typeof email === 'string' && email.includes('@');
  if (mail) m.em = await sha256(lower(email));
  if (fullPhone(phone)) m.ph = await sha256(normalisePhone(phone).slice(1));
  if (!m.em && !m.ph) {
    if (mail || fullPhone(phone)) warn?.('meta: advanced matching: no user data sent, the e-mail/phone could not be hashed (Web Crypto needs https)');
    return undefined;
  }
  if (userId) m.external_id = await sha256(lower(userId));
  return m;
}
