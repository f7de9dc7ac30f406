/** Turns an accepted `track()` call into the canonical conversion event every destination maps. */
import { hash64 } from './dedupe';
import { personalId } from './personal';
import type { Item } from '../plan/define';
import type { NormalisedConversion, Plan } from '../plan/types';
import { browser, uuid } from './env';
import { mayLink, withoutLink } from './linker';
import type { Identity } from './identity';
import type { ClickIds, ConsentStatus, ConversionEvent, PageContext } from './types';

/**
 * `new Date(ms).toISOString()` without the Date object: as the first call of a task, the
 * built-in costs ~20 µs in Chromium, on the host page's critical path; integer arithmetic does not.
 */
let second = NaN;
let secondText = '';
let last = NaN;
let lastText = '';
export function isoTime(ms: number): string {
  // A burst's conversions of one millisecond share its text (no new string each); those of the
  // same second share everything up to the milliseconds.
  if (ms === last) return lastText;
  const s = Math.floor(ms / 1000);
  if (s !== second) { secondText = isoSecond(s * 1000); second = s; }
  const r = ms - s * 1000;
  last = ms;
  return (lastText = secondText + (r < 10 ? '00' : r < 100 ? '0' : '') + r + 'Z');
}

/** `YYYY-MM-DDTHH:MM:SS.` for a whole second. */
function isoSecond(ms: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  let days = Math.floor(ms / 86_400_000);
  const rest = ms - days * 86_400_000;
  // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
  days += 719_468;
  const era = Math.floor(days / 146_097);
  const doe = days - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return `${p(y, 4)}-${p(m)}-${p(d)}T${p(Math.floor(rest / 3_600_000))}:${p(Math.floor(rest / 60_000) % 60)}:${p(Math.floor(rest / 1000) % 60)}.`;
}

let cachedPage: PageContext | undefined;
/** A page the script tag replays (a route the visitor left before the plan was in): it stands for the page until unpinned. */
let pinned: PageContext | undefined;
export const pinPage = (p?: PageContext): void => { pinned = p; };

/** Forget the cached page (a route change within the current task). */
export const pageChanged = (): void => { cachedPage = undefined; };

/**
 * The page as the visitor sees it now. Reading `location` and `document.title` costs about a
 * microsecond per call, so the answer is kept for the rest of the current task: a burst of
 * conversions reads the page once.
 */
export function pageContext(): PageContext {
  if (pinned) return pinned;
  if (!cachedPage) {
    const w = browser();
    let url = w?.location?.href ?? '';
    let referrer = w?.document?.referrer ?? '';
    // Never the linker's parameter in a page URL sent: a router that read the address before the
    // tracker took it out can put it back (second read 2026-12-07), with the ids and click it carries.
    if (mayLink(url)) url = withoutLink(url);
    if (mayLink(referrer)) referrer = withoutLink(referrer);
    cachedPage = { url, path: w?.location?.pathname ?? '', title: w?.document?.title ?? '', referrer };
    queueMicrotask(pageChanged);
  }
  return cachedPage;
}

/**
 * The event id: derived from the conversion and its dedupe value (the `dedupe` property, else
 * `transaction_id`) when there is one, so the shop's server can send the same id to the
 * vendors' server-side APIs; a random UUID otherwise.
 */
export const dedupeKey = (c: NormalisedConversion): string => (typeof c.dedupe === 'string' ? c.dedupe : c.dedupe?.key ?? 'transaction_id');

export function eventId(c: NormalisedConversion, props: Record<string, unknown>): string {
  const k = dedupeKey(c);
  const v = props[k];
  if (!((typeof v === 'string' && v) || typeof v === 'number')) return uuid();
  // An e-mail address or phone number as the key (a lead or callback form without a lead id) is
  // never an id in clear text: the id goes to every ad vendor (security QA 2026-12-06).
  const id = `${c.name}:${/@/.test(v as string) || personalId(v, k) ? hash64((v as string).toLowerCase()) : v}`;
  // Segment's messageId, and so the collect server's, holds at most 100 characters: a longer id
  // was quarantined there though every tool got it (Node wing QA 2026-12-07). Still one per key.
  return id.length > MAX_ID ? `${c.name}:${hash64(String(v))}` : id;
}

/** The longest event id: Segment's (and `measureplan collect`'s) limit on a messageId. */
const MAX_ID = 100;

const NO_CLICKS: ClickIds = Object.freeze({});

/**
 * `consent`: a snapshot the event may keep (see Consent#snapshot), not the live status. `page`:
 * the event belongs to the page view's own session (see Identity#session).
 */
export function enrich(plan: Plan, c: NormalisedConversion, props: Record<string, unknown>, identity: Identity, now: number, consent: ConsentStatus, currency = plan.currency, page?: boolean): ConversionEvent {
  const value = typeof c.value === 'number' ? c.value : typeof c.value === 'string' ? (props[c.value] as number | undefined) : undefined;
  const session = identity.session(now, page);
  const event: ConversionEvent = {
    id: eventId(c, props),
    name: c.name,
    kind: c.kind,
    properties: props,
    timestamp: isoTime(now),
    page: pageContext(),
    anonymousId: identity.anonymousId(),
    sessionId: session.id,
    // Under an ads denial (Global Privacy Control's too) no conversion carries them, not even to on('event').
    clickIds: consent.ads === 'denied' ? NO_CLICKS : identity.clickIds(now),
    utm: session.utm,
    send: c.send,
    consent,
  };
  // The order's own currency, when the conversion declares a `currency` property and the site gave
  // an ISO code (`eur` is EUR: the vendors take capitals only; anything else is the tracker's to warn of).
  const cur = ownCurrency(props) ?? currency;
  if (value !== undefined) { event.value = value; if (cur) event.currency = cur; }
  if (Array.isArray(props.items)) event.items = props.items as Item[];
  else if (typeof props.item_id === 'string') event.items = [singleItem(props, value)];
  const t = props.transaction_id;
  // A plan may declare the order number as an integer: every vendor deduplicates on its text.
  if (typeof t === 'string') event.transactionId = t;
  else if (typeof t === 'number' && Number.isFinite(t)) event.transactionId = String(t);
  if (identity.userId !== undefined) event.userId = identity.userId;
  return event;
}

/** The conversion's own `currency` property when it is an ISO code (`eur` is EUR), else undefined. */
export function ownCurrency(props: Record<string, unknown>): string | undefined {
  const given = props.currency;
  return typeof given === 'string' && /^[a-z]{3}$/i.test(given) ? given.toUpperCase() : undefined;
}

/** A conversion about one product (view_item, add_to_cart with `item_id`) as a one-item list, so every vendor gets its product data. */
function singleItem(props: Record<string, unknown>, value: number | undefined): Item {
  const item: Item = { item_id: props.item_id as string };
  if (typeof props.item_name === 'string') item.item_name = props.item_name;
  if (typeof props.item_category === 'string') item.item_category = props.item_category;
  const quantity = typeof props.quantity === 'number' ? props.quantity : 1;
  item.quantity = quantity;
  // An add of 0 (a quantity field left at 0) has no unit price to derive: never Infinity or NaN.
  const price = typeof props.price === 'number' ? props.price : value !== undefined && quantity > 0 ? value / quantity : undefined;
  if (price !== undefined) item.price = price;
  return item;
}
