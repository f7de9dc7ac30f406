/**
 * Google Ads offline conversion import files (reference: journey-and-reports.md §7.1).
 *
 * - Click conversions: an optional first row `Parameters:TimeZone=<IANA id or ±HHMM>`, then the
 *   header `Google Click ID,Conversion Name,Conversion Time,Conversion Value,Conversion Currency`
 *   (no personal data); times as `yyyy-MM-dd HH:mm:ss` (Google rejects a `T`
 *   separator or a `+00:00` offset).
 * - iOS clicks (gbraid/wbraid): separate `GBRAID` and `WBRAID` columns, one identifier per row.
 *   Whether they may share a file with gclid rows is UNCONFIRMED, so they get their own file.
 * - Enhanced conversions for leads: `Email`, `Phone Number` (SHA-256 hex of the normalised value;
 *   each row needs one), `Conversion Name`, `Conversion Time`, `Conversion Value`,
 *   `Conversion Currency`. A separate upload from the click import.
 * - Every file ends with Google's optional consent columns `Ad User Data` and `Ad Personalization`
 *   (`Granted`, `Denied`, or empty when unknown), as Google's own templates have them.
 */
import { csvLine } from './csv';
import { googleEmailHash, googlePhoneHash } from './normalise';
import type { Consent } from './orders';
import { wallTime, type Zone } from './time';

const CONSENT_HEADER = ['Ad User Data', 'Ad Personalization'] as const;
export const CLICK_HEADER = ['Google Click ID', 'Conversion Name', 'Conversion Time', 'Conversion Value', 'Conversion Currency', ...CONSENT_HEADER] as const;
export const IOS_HEADER = ['GBRAID', 'WBRAID', 'Conversion Name', 'Conversion Time', 'Conversion Value', 'Conversion Currency', ...CONSENT_HEADER] as const;
export const LEADS_HEADER = ['Email', 'Phone Number', 'Conversion Name', 'Conversion Time', 'Conversion Value', 'Conversion Currency', ...CONSENT_HEADER] as const;

export interface Conversion {
  time: number;
  valueText: string;
  currency: string;
  /** The customer's consent, where known (see googleConsent in match.ts). */
  consent?: GoogleConsent;
}

export interface GoogleConsent { userData?: Consent; personalization?: Consent }

export interface FileOptions {
  conversionName: string;
  zone: Zone;
}

const parameters = (zone: Zone) => `Parameters:TimeZone=${zone.param}\n`;
const word = (c: Consent | undefined) => (c === 'granted' ? 'Granted' : c === 'denied' ? 'Denied' : '');
const tail = (c: Conversion, o: FileOptions) => [o.conversionName, wallTime(c.time, o.zone), c.valueText, c.currency, word(c.consent?.userData), word(c.consent?.personalization)];

export function clickFile(rows: readonly (Conversion & { gclid: string })[], o: FileOptions): string {
  return parameters(o.zone) + csvLine(CLICK_HEADER) + rows.map((r) => csvLine([r.gclid, ...tail(r, o)])).join('');
}

export function iosFile(rows: readonly (Conversion & { kind: 'gbraid' | 'wbraid'; id: string })[], o: FileOptions): string {
  return parameters(o.zone) + csvLine(IOS_HEADER) + rows.map((r) => csvLine([r.kind === 'gbraid' ? r.id : '', r.kind === 'wbraid' ? r.id : '', ...tail(r, o)])).join('');
}

/** `email` trimmed and lowercase, `phone` as digits with the country code: hashed here, never written as they are. */
export function leadsFile(rows: readonly (Conversion & { email?: string; phone?: string })[], o: FileOptions): string {
  return parameters(o.zone) + csvLine(LEADS_HEADER) + rows.map((r) => csvLine([
    r.email ? googleEmailHash(r.email) : '',
    r.phone ? googlePhoneHash(r.phone) : '',
    ...tail(r, o),
  ])).join('');
}
