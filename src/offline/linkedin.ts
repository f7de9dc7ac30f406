/**
 * LinkedIn Conversions API events for offline orders (reference: journey-and-reports.md §7.4).
 *
 * One event per order, in the body of the batch request (`POST /rest/conversionEvents` with
 * `X-RestLi-Method: BATCH_CREATE`): `{"elements": [...]}`. Each event names the conversion rule
 * (`urn:lla:llaPartnerConversion:<id>`), `conversionHappenedAt` in epoch milliseconds (Meta's is
 * seconds), `conversionValue` with the amount as a string, `eventId` (the Insight Tag's event id
 * when the site tracked the order online, else the order number: the two are deduplicated), and
 * `user.userIds`, which LinkedIn requires on every event: the SHA-256 of the trimmed, lowercase
 * e-mail (`SHA256_EMAIL`) and the ad click's `li_fat_id` (`LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID`).
 * LinkedIn takes no phone number. Events older than 90 days are refused; a batch holds at most
 * 5,000 events (both from LinkedIn partners' documentation, not LinkedIn's own page).
 */
import { eventId, type MetaInput } from './meta';
import { sha256 } from './normalise';

export const LINKEDIN_MAX_AGE_MS = 90 * 24 * 3_600_000;
export const LINKEDIN_BATCH = 5000;
export const CONVERSION_URN = 'urn:lla:llaPartnerConversion:';

export interface LinkedInEvent {
  conversion: string;
  conversionHappenedAt: number;
  conversionValue: { currencyCode: string; amount: string };
  eventId: string;
  user: { userIds: { idType: 'SHA256_EMAIL' | 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID'; idValue: string }[] };
}

export interface LinkedInInput extends Pick<MetaInput, 'time' | 'value' | 'currency' | 'orderId' | 'email' | 'onlineId' | 'visitorId' | 'orderClickIds'> {
  /** The order value as written in the files (`1249.50`). */
  valueText: string;
  liFatId?: string;
}

/**
 * The conversion rule as LinkedIn names it: a URN, or the rule's id alone (`104012`), which is
 * made one. Undefined: neither.
 */
export function conversionUrn(text: string): string | undefined {
  const t = text.trim();
  if (/^\d+$/.test(t)) return `${CONVERSION_URN}${t}`;
  return /^urn:lla:llaPartnerConversion:\d+$/.test(t) ? t : undefined;
}

export function linkedinEvent(input: LinkedInInput, conversion: string): LinkedInEvent {
  const userIds: LinkedInEvent['user']['userIds'] = [];
  if (input.email) userIds.push({ idType: 'SHA256_EMAIL', idValue: sha256(input.email) });
  if (input.liFatId) userIds.push({ idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: input.liFatId });
  return {
    conversion,
    conversionHappenedAt: Math.floor(input.time),
    conversionValue: { currencyCode: input.currency, amount: input.valueText },
    // The same id as Meta's for the same order row: the browser's, the order number, or a stable hash.
    eventId: eventId({ ...input }),
    user: { userIds },
  };
}

/** The request bodies: `{"elements": [events]}`, at most LINKEDIN_BATCH events each. */
export function linkedinFiles(events: readonly LinkedInEvent[]): string[] {
  const files: string[] = [];
  for (let i = 0; i < events.length; i += LINKEDIN_BATCH) files.push(`${JSON.stringify({ elements: events.slice(i, i + LINKEDIN_BATCH) }, null, 2)}\n`);
  return files;
}
