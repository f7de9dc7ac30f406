/**
 * Meta Conversions API events for offline orders (reference: journey-and-reports.md §7.2, and
 * vendor-protocols.md §4.4–4.6 for the hashing rules, `fbc` and deduplication).
 *
 * One server event per order: `event_name`, `event_time` (Unix seconds; the endpoint refuses a
 * request with an event older than 7 days), `event_id` (the order number, so a repeated upload is
 * deduplicated), `action_source`, `user_data` with SHA-256 hashed `em`/`ph` and `fbc`
 * (`fb.1.<click time ms>.<fbclid>`, built from the fbclid when the cookie value is not known), and
 * `custom_data` with `value`, `currency` and `order_id`. Events Manager's CSV columns are
 * UNCONFIRMED, so the file is the request body the dataset's events endpoint takes: `{"data": […]}`.
 */
import { metaEmailHash, metaPhoneHash, sha256 } from './normalise';
import { FBC } from './match';

export const META_MAX_AGE_MS = 7 * 24 * 3_600_000;
/** How many events one file (one request) holds. Meta's per-request limit of 1,000 is UNCONFIRMED in the reference. */
export const META_BATCH = 1000;

export const ACTION_SOURCES = ['phone_call', 'physical_store', 'other', 'email', 'chat', 'system_generated'] as const;
export type ActionSource = (typeof ACTION_SOURCES)[number];

export interface MetaEvent {
  event_name: string;
  event_time: number;
  event_id: string;
  action_source: ActionSource;
  user_data: { em?: string[]; ph?: string[]; fbc?: string };
  custom_data: { value: number; currency: string; order_id?: string };
}

export interface MetaInput {
  time: number;
  value: number;
  currency: string;
  orderId?: string;
  /** Trimmed and lowercase. */
  email?: string;
  /** Digits with the country code. */
  phone?: string;
  /** An fbclid, or an `fbc` value as the cookie held it. */
  fbclid?: string;
  /** When the click happened (ms); the order's time when it is not known. */
  clickTime?: number;
  /** The event id the browser gave this order when the site tracked it online (`purchase:FS-1001`). */
  onlineId?: string;
  /** The visitor id and click ids written on the order row: part of the order, so part of its event id. */
  visitorId?: string;
  orderClickIds?: readonly string[];
}

/** `fb.1.<ms>.<fbclid>`: subdomain index 1, as a server-built value uses; an `fbc` value is kept as it is. */
export function fbc(fbclid: string, clickTime: number): string {
  return FBC.test(fbclid) ? fbclid : `fb.1.${Math.floor(clickTime)}.${fbclid}`;
}

/**
 * The event id: the browser's, when the site tracked the order online too; else the order number,
 * which is stable and what Meta suggests for purchases. Without
 * one, a hash of what the order row says, so that running the export again gives the same id.
 * Not the fbclid the store matched: a later run (with --db, or after the visitor was identified)
 * may find one the first did not, and a new id would make Meta count the order twice.
 */
export function eventId(input: MetaInput): string {
  // Tracked online too: the browser's id, so that Meta merges the two (it keeps one event per name and id).
  if (input.onlineId) return input.onlineId;
  if (input.orderId) return input.orderId;
  const key = [
    input.time, input.value, input.currency, input.email ? metaEmailHash(input.email) : '', input.phone ? metaPhoneHash(input.phone) : '',
    input.visitorId ?? '', ...(input.orderClickIds ?? []),
  ].join('|');
  return `offline-${sha256(key).slice(0, 32)}`;
}

export function metaEvent(input: MetaInput, eventName: string, actionSource: ActionSource): MetaEvent {
  const user: MetaEvent['user_data'] = {};
  if (input.email) user.em = [metaEmailHash(input.email)];
  if (input.phone) user.ph = [metaPhoneHash(input.phone)];
  if (input.fbclid) user.fbc = fbc(input.fbclid, input.clickTime ?? input.time);
  return {
    event_name: eventName,
    event_time: Math.floor(input.time / 1000),
    event_id: eventId(input),
    action_source: actionSource,
    user_data: user,
    custom_data: { value: input.value, currency: input.currency, ...(input.orderId && { order_id: input.orderId }) },
  };
}

/** The request bodies: `{"data": [events]}`, at most META_BATCH events each. */
export function metaFiles(events: readonly MetaEvent[]): string[] {
  const files: string[] = [];
  for (let i = 0; i < events.length; i += META_BATCH) files.push(`${JSON.stringify({ data: events.slice(i, i + META_BATCH) }, null, 2)}\n`);
  return files;
}
