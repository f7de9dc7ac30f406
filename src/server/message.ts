/**
 * One incoming Segment/RudderStack message → a row of the events table, or the reason it goes
 * to quarantine instead. Nothing here trusts the input: every field is type-checked, keys are
 * only read (never assigned from the input, so `__proto__` keys are inert), and a message the
 * plan does not allow is kept with its reason rather than dropped.
 */
import { createHash } from 'node:crypto';
import { validateProperties } from '../core/validate';
import type { Plan, PropertySpec } from '../plan/types';
import type { EventColumn } from './schema';

export type Row = Partial<Record<EventColumn, string | number | null>> & { id: string; type: string; timestamp: string; received_at: string; raw: string };
export interface Quarantined { received_at?: string; message_id: string | null; type: string | null; event: string | null; anonymous_id: string | null; reason: string; path: string | null; raw: string }
export type Outcome = { row: Row } | { quarantined: Quarantined };

/** Segment's limit per event (bytes of JSON); RudderStack documents the same. */
export const MAX_EVENT_BYTES = 32 * 1024;
/** Segment accepts at most this many events per batch; the rest are quarantined, as one record. */
export const MAX_BATCH_EVENTS = 2500;
/** Bytes a batch-level context may add to the store, over all the messages it is copied into. */
export const MAX_CONTEXT_COPIES = 1024 * 1024;
const MAX_ID = 100;
const TYPES = new Set(['track', 'page', 'identify']);
/** What the tracker adds to every conversion's properties besides the plan's own. */
/**
 * The signals the tracker sends besides the plan's conversions (stored, though no conversion of
 * the plan): the journey's, and `consent_updated`, an ads withdrawal, so that the store's latest
 * word on the visitor is it (the offline export reads it).
 */
export const SIGNAL_EVENTS = ['web_vital', 'experiment_viewed', 'consent_updated'] as const;
const VITALS = new Set(['LCP', 'INP', 'CLS', 'FCP', 'TTFB']);
const RATINGS = new Set(['good', 'needs-improvement', 'poor']);
const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'li_fat_id', 'msclkid'] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Obj | undefined, k: string): unknown => (o && Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
const text = (v: unknown, max = 2048): string | null => (typeof v === 'string' && v !== '' ? v.slice(0, max) : null);
/** An ISO 4217-shaped code (`usd` read as `USD`), or null: `"euro"` cut to `"eur"` would be a wrong code, not a shorter one. */
const code = (v: unknown): string | null => (typeof v === 'string' && /^\s*[a-z]{3}\s*$/i.test(v) ? v.trim().toUpperCase() : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const int = (v: unknown): number | null => (Number.isInteger(v) ? (v as number) : null);

/**
 * An ISO-8601 date-time with seconds and a zone (`2026-10-01T12:00:00.000Z`, `…+02:00`) as one
 * canonical text (so text order is time order), or undefined for anything else: Date.parse alone
 * reads '12' as a day in 2001 and rolls 30 February over to 2 March.
 */
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** The two digits at `i` (the pattern above has checked they are digits). */
const two = (v: string, i: number) => (v.charCodeAt(i) - 48) * 10 + v.charCodeAt(i + 1) - 48;
export function iso(v: unknown): string | undefined {
  if (typeof v !== 'string' || !ISO.test(v)) return undefined;
  // Only a date-time whose fields exist (no 30 February, no 24:00, no leap second): checked by
  // arithmetic, as a round trip through Date took 1.6 µs of the server's thread per timestamp.
  const y = two(v, 0) * 100 + two(v, 2);
  const m = two(v, 5);
  const d = two(v, 8);
  const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (m < 1 || m > 12 || d < 1 || d > DAYS[m - 1]! + (leap ? 1 : 0) || two(v, 11) > 23 || two(v, 14) > 59 || two(v, 17) > 59) return undefined;
  // The canonical form is kept as sent.
  return v.length === 24 && v[23] === 'Z' ? v : new Date(Date.parse(v)).toISOString();
}

// UTF-8 takes at most 3 bytes per UTF-16 unit: only long texts need counting.
const tooLarge = (json: string) => json.length * 3 > MAX_EVENT_BYTES && Buffer.byteLength(json) > MAX_EVENT_BYTES;

/** The first 32 KB of a message, in bytes as the limit counts them, cut at a character's start. */
function firstBytes(raw: string): string {
  if (!tooLarge(raw)) return raw;
  const bytes = Buffer.from(raw, 'utf8');
  let end = MAX_EVENT_BYTES;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

/** JSON with everything nested deeper than `max` levels replaced by a marker. */
function shallowJson(input: unknown, max = 64): string {
  const depth = new WeakMap<object, number>();
  return JSON.stringify(input, function (this: object, _key: string, value: unknown) {
    if (typeof value !== 'object' || value === null) return value;
    const d = (depth.get(this) ?? 0) + 1;
    if (d > max) return '[nested too deeply]';
    depth.set(value, d);
    return value;
  }) ?? 'null';
}

export interface Batch { sentAt?: unknown; context?: unknown }

/**
 * A batch's messages → outcomes, with the work and the rows of one request bounded whatever it
 * holds: at most MAX_BATCH_EVENTS messages are read, and at most two quarantine rows stand for
 * the rest. Items that are not objects (no message: nothing to store, no messageId to keep apart)
 * are kept as one record with their count, and so are the items after the 2,500th. One row per
 * such item let one 500 KB request of 85,000 numbers add 85,000 rows (16 MB) and hold the server
 * for a second or two. Each record's id is made from its content, so a retried body adds nothing.
 */
export function batchOutcomes(list: readonly unknown[], batch: Batch, receivedAt: string, plan: Plan | undefined): Outcome[] {
  const read = Math.min(list.length, MAX_BATCH_EVENTS);
  // A batch-level context is copied into every message it stores: 31 KB into 2,500 messages made
  // one 6.5 KB gzip request write 80 MB (security review 2026-12-06). Past MAX_CONTEXT_COPIES the
  // batch is kept as one record instead.
  if (isObj(batch.context)) {
    let copies = 0;
    try { copies = Buffer.byteLength(JSON.stringify(batch.context)) * read; } catch { /* nested too deeply: each message says so below, without the context */ }
    if (copies > MAX_CONTEXT_COPIES) {
      return [kept(list as unknown[], `the batch's context, copied into each of its ${count(read)} messages, would store ${(copies / 1048576).toFixed(1)} MB (at most ${MAX_CONTEXT_COPIES / 1048576} MB): send a smaller context or fewer messages per batch`, 'context', receivedAt)];
    }
  }
  const outcomes: Outcome[] = [];
  const loose: number[] = [];
  for (let i = 0; i < read; i++) {
    if (isObj(list[i])) outcomes.push(toOutcome(list[i], batch, receivedAt, plan, i));
    else loose.push(i);
  }
  // A lone such item keeps a row of its own, under the id of its content, saying what it is.
  if (loose.length === 1) outcomes.push(toOutcome(list[loose[0]!], batch, receivedAt, plan, loose[0]));
  else if (loose.length > 1) {
    const items = loose.map((i) => list[i]);
    const kinds = [...new Set(items.map(kindOf))].join(', ');
    outcomes.push(kept(items, `${count(loose.length)} items of the batch are not messages (a message must be an object, not ${kinds}); they are kept as one record`, `batch[${loose[0]}]`, receivedAt));
  }
  if (list.length > MAX_BATCH_EVENTS) {
    const rest = list.length - MAX_BATCH_EVENTS;
    outcomes.push(kept(list.slice(MAX_BATCH_EVENTS), `the batch has ${count(list.length)} items, more than ${count(MAX_BATCH_EVENTS)} (Segment's limit): the ${count(rest)} after the ${count(MAX_BATCH_EVENTS)}th are kept as one record, not stored; send smaller batches`, `batch[${MAX_BATCH_EVENTS}]`, receivedAt));
  }
  return outcomes;
}

const count = (n: number) => n.toLocaleString('en');
const kindOf = (v: unknown) => (Array.isArray(v) ? 'a list' : v === null ? 'null' : `a ${typeof v}`);

/** Items kept as one quarantine record: the first 32 KB of them as a JSON list, under an id of all of them. */
function kept(items: unknown[], reason: string, path: string, receivedAt: string): Outcome {
  let raw: string;
  try {
    raw = JSON.stringify(items);
  } catch {
    raw = shallowJson(items); // an item nested deeper than JSON.stringify goes
  }
  const o = quarantine(null, null, reason, path, firstBytes(raw), derivedId(raw));
  if ('quarantined' in o) o.quarantined.received_at = receivedAt;
  return o;
}

/** Where the plan check and the flattening need the plan; `undefined` stores every well-formed message. */
export function toOutcome(input: unknown, batch: Batch, receivedAt: string, plan: Plan | undefined, index = 0): Outcome {
  const o = read(input, batch, receivedAt, plan, index);
  if ('quarantined' in o) o.quarantined.received_at = receivedAt;
  return o;
}

/** Date.parse of the last text it was given: a request's messages share their receivedAt, and mostly their sentAt. */
function lastParsed() {
  let text = '';
  let value = 0;
  return { ms: (t: string) => (t === text ? value : (value = Date.parse((text = t)))) };
}
const received = lastParsed();
const sent = lastParsed();

function read(input: unknown, batch: Batch, receivedAt: string, plan: Plan | undefined, index: number): Outcome {
  let raw: string;
  try {
    raw = JSON.stringify(input) ?? 'null';
  } catch {
    // Nested deeper than JSON.stringify's stack (JSON.parse takes it): kept cut at a depth, under
    // its messageId or an id of that cut, so that its retries are kept once too.
    const cut = shallowJson(input);
    const m = isObj(input) ? input : undefined;
    return quarantine(m ? text(own(m, 'type'), 40) : null, m ? text(own(m, 'event'), 200) : null, 'the message is nested too deeply to be kept as JSON', null, firstBytes(cut), m ? messageIdOf(m, cut) : derivedId(cut), m ? text(own(m, 'anonymousId'), 200) : null);
  }
  if (!isObj(input)) return quarantine(null, null, `a message must be an object, not ${kindOf(input)}`, null, firstBytes(raw), derivedId(raw));
  const m = input;
  const type = text(own(m, 'type'), 40);
  const event = text(own(m, 'event'), 200);
  const anonymousId = text(own(m, 'anonymousId'), 200);
  const userId = text(own(m, 'userId'), 200);
  const q = (reason: string, path: string | null) => quarantine(type, event, reason, path, firstBytes(raw), messageIdOf(m, raw), anonymousId);

  if (index >= MAX_BATCH_EVENTS) return q(`the batch has more than ${MAX_BATCH_EVENTS} events (Segment's limit); send smaller batches`, `batch[${index}]`);
  if (tooLarge(raw)) return q(`the event is larger than 32 KB (${Buffer.byteLength(raw)} bytes)`, null);
  const idValue = own(m, 'messageId');
  if (idValue !== undefined && (typeof idValue !== 'string' || idValue === '' || idValue.length > MAX_ID)) return q(`messageId must be a text of 1 to ${MAX_ID} characters`, 'messageId');
  if (!type || !TYPES.has(type)) return q(type ? `type "${type}" is not collected here (track, page and identify are)` : 'type is missing (track, page or identify)', 'type');
  if (!anonymousId && !userId) return q('the message has neither anonymousId nor userId', 'anonymousId');
  const rawTime = own(m, 'timestamp') ?? own(m, 'originalTimestamp');
  const original = rawTime === undefined ? undefined : iso(rawTime);
  if (rawTime !== undefined && !original) return q('timestamp is not an ISO-8601 date', 'timestamp');
  const sentAt = iso(own(m, 'sentAt') ?? batch.sentAt);
  const props = own(m, 'properties');
  if (props !== undefined && !isObj(props)) return q('properties must be an object', 'properties');
  const traits = own(m, 'traits');
  if (traits !== undefined && !isObj(traits)) return q('traits must be an object', 'traits');
  let context = own(m, 'context');
  if (context !== undefined && !isObj(context)) return q('context must be an object', 'context');
  // Batch-level context is merged into each message (Segment's rule); the message's own keys win.
  if (isObj(batch.context)) context = { ...batch.context, ...(context as Obj | undefined) };
  // Kept as accepted: with the batch's context merged in (one more encoding, only for such batches).
  let accepted = raw;
  try {
    if (context !== own(m, 'context')) accepted = JSON.stringify({ ...m, context });
  } catch {
    return q("the batch's context is nested too deeply to be kept as JSON", 'context');
  }
  // The 32 KB limit is the event's as stored and relayed: a large batch-level context, merged into
  // each of 2,500 messages, would otherwise turn one 500 KB request into hundreds of MB of rows.
  if (accepted !== raw && tooLarge(accepted)) return q(`the event with the batch's context is larger than 32 KB (${Buffer.byteLength(accepted)} bytes)`, 'context');
  const ctx = (context ?? {}) as Obj;
  const mp = isObj(own(ctx, 'measureplan')) ? (own(ctx, 'measureplan') as Obj) : {};

  if (type === 'track') {
    if (!event) return q('a track message needs an event name', 'event');
    const problem = planProblem(plan, event, (props ?? {}) as Obj, own(mp, 'kind'));
    if (problem) return q(problem.reason, problem.path);
  }

  // Segment's clock-skew correction: timestamp = receivedAt − (sentAt − originalTimestamp).
  let timestamp = original ?? receivedAt;
  if (original && sentAt) timestamp = new Date(received.ms(receivedAt) - (sent.ms(sentAt) - Date.parse(original))).toISOString();

  const p = (props ?? {}) as Obj;
  const page = isObj(own(ctx, 'page')) ? (own(ctx, 'page') as Obj) : {};
  const campaign = isObj(own(ctx, 'campaign')) ? (own(ctx, 'campaign') as Obj) : {};
  const library = isObj(own(ctx, 'library')) ? (own(ctx, 'library') as Obj) : {};
  const consent = isObj(own(mp, 'consent')) ? (own(mp, 'consent') as Obj) : {};
  const clicks = isObj(own(mp, 'click_ids')) ? (own(mp, 'click_ids') as Obj) : {};
  const items = Array.isArray(own(p, 'items')) ? (own(p, 'items') as unknown[]) : undefined;
  const first = items && isObj(items[0]) ? (items[0] as Obj) : undefined;
  const experiments = own(mp, 'experiments');
  const email = text(own(traits as Obj | undefined, 'email'), 320) ?? text(own(p, 'email'), 320);

  const row: Row = {
    id: messageIdOf(m, raw),
    type,
    event: event && slug(event),
    event_text: event,
    name: text(own(m, 'name'), 512),
    anonymous_id: anonymousId,
    user_id: userId,
    email,
    timestamp,
    original_timestamp: original ?? null,
    sent_at: sentAt ?? null,
    received_at: receivedAt,
    context_page_url: text(own(page, 'url')),
    context_page_path: text(own(page, 'path')),
    context_page_title: text(own(page, 'title'), 512),
    context_page_referrer: text(own(page, 'referrer')),
    context_campaign_source: text(own(campaign, 'source'), 512),
    context_campaign_medium: text(own(campaign, 'medium'), 512),
    context_campaign_name: text(own(campaign, 'name'), 512),
    context_campaign_term: text(own(campaign, 'term'), 512),
    context_campaign_content: text(own(campaign, 'content'), 512),
    context_user_agent: text(own(ctx, 'userAgent'), 512),
    context_locale: text(own(ctx, 'locale'), 40),
    context_library_name: text(own(library, 'name'), 100),
    context_library_version: text(own(library, 'version'), 40),
    context_measureplan_kind: text(own(mp, 'kind'), 20),
    context_measureplan_session_id: text(own(mp, 'session_id'), 200),
    context_measureplan_consent_analytics: text(own(consent, 'analytics'), 20),
    context_measureplan_consent_ads: text(own(consent, 'ads'), 20),
    context_measureplan_experiments: isObj(experiments) && Object.keys(experiments).length ? JSON.stringify(experiments) : null,
    value: num(own(p, 'value')),
    currency: code(own(p, 'currency')),
    transaction_id: text(own(p, 'transaction_id'), 200),
    item_id: text(own(p, 'item_id'), 200) ?? text(own(first, 'item_id'), 200),
    item_name: text(own(p, 'item_name'), 512) ?? text(own(first, 'item_name'), 512),
    item_category: text(own(p, 'item_category'), 512) ?? text(own(first, 'item_category'), 512),
    items: items ? JSON.stringify(items) : null,
    price: num(own(p, 'price')),
    quantity: int(own(p, 'quantity')),
    funnel: text(own(p, 'funnel'), 100),
    funnel_step: int(own(p, 'funnel_step')),
    funnel_steps: int(own(p, 'funnel_steps')),
    experiment_id: text(own(p, 'experiment_id'), 100),
    variant_id: text(own(p, 'variant_id'), 100),
    metric_name: text(own(p, 'metric_name'), 10),
    metric_value: num(own(p, 'metric_value')),
    metric_rating: text(own(p, 'metric_rating'), 20),
    raw: accepted,
  };
  for (const k of CLICK_IDS) row[`context_measureplan_click_ids_${k}`] = text(own(clicks, k), 512);
  return { row };
}

/** Why a track message breaks the plan, or undefined when it fits (or there is no plan). */
function planProblem(plan: Plan | undefined, event: string, props: Obj, kind: unknown): { reason: string; path: string } | undefined {
  if (!plan) return undefined;
  if (kind === 'signal') return signalProblem(event, props);
  const conversion = Object.prototype.hasOwnProperty.call(plan.conversions, event) ? plan.conversions[event] : undefined;
  if (!conversion) return { reason: `"${event}" is not a conversion in the plan "${plan.name}"`, path: 'event' };
  const problems = validateProperties(specsWithEnrichment(conversion), props);
  if (problems.length) return { reason: problems.map((x) => `${x.path} ${x.reason}`).join('; '), path: problems[0]!.path };
  return undefined;
}

/** What the tracker adds to a conversion's properties, as property specs (the plan's own win). */
const ENRICHMENT_SPECS: Record<string, PropertySpec> = {
  value: { type: 'number', optional: true },
  currency: { type: 'string', optional: true, pattern: '^[A-Z]{3}$' },
  funnel: { type: 'string', optional: true },
  funnel_step: { type: 'integer', optional: true, min: 1 },
  funnel_steps: { type: 'integer', optional: true, min: 1 },
};
const withEnrichment = new WeakMap<object, Record<string, PropertySpec>>();
function specsWithEnrichment(conversion: Plan['conversions'][string]): Record<string, PropertySpec> {
  let specs = withEnrichment.get(conversion);
  if (!specs) withEnrichment.set(conversion, (specs = { ...ENRICHMENT_SPECS, ...(conversion.properties ?? {}) }));
  return specs;
}

/** The journey signals the tracker sends besides the plan's conversions. */
function signalProblem(event: string, p: Obj): { reason: string; path: string } | undefined {
  if (event === 'web_vital') {
    if (!VITALS.has(String(own(p, 'metric_name')))) return { reason: 'properties.metric_name must be LCP, INP, CLS, FCP or TTFB', path: 'properties.metric_name' };
    if (num(own(p, 'metric_value')) === null) return { reason: 'properties.metric_value must be a number', path: 'properties.metric_value' };
    if (!RATINGS.has(String(own(p, 'metric_rating')))) return { reason: 'properties.metric_rating must be good, needs-improvement or poor', path: 'properties.metric_rating' };
    return undefined;
  }
  if (event === 'experiment_viewed') {
    for (const k of ['experiment_id', 'variant_id']) if (!text(own(p, k))) return { reason: `properties.${k} must be a text`, path: `properties.${k}` };
    return undefined;
  }
  if (event === 'consent_updated') return undefined;
  return { reason: `"${event}" is not a signal (web_vital, experiment_viewed or consent_updated)`, path: 'event' };
}

function quarantine(type: string | null, event: string | null, reason: string, path: string | null, raw: string, messageId: string | null = null, anonymousId: string | null = null): Outcome {
  return { quarantined: { message_id: messageId, type, event, anonymous_id: anonymousId, reason, path, raw } };
}

/**
 * The message's own id, or for a message without a usable one an id derived from its content, so
 * that a retried copy of the same body is still stored (or quarantined) once.
 */
function messageIdOf(m: Obj, raw: string): string {
  const id = own(m, 'messageId');
  return typeof id === 'string' && id !== '' && id.length <= MAX_ID ? id : derivedId(raw);
}
const derivedId = (raw: string) => `sha256-${createHash('sha256').update(raw).digest('hex').slice(0, 40)}`;

/** The warehouse's event-table slug: `Order Completed` → `order_completed` (ours are slugs already). */
export function slug(name: string): string {
  if (/^[a-z][a-z0-9_]*$/.test(name)) return name;
  // Letters and digits of every script are kept (`Bestilling fullført` → `bestilling_fullført`,
  // `注文` stays `注文`): dropping them merged distinct events into one meaningless slug.
  return name.normalize('NFC').replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1_$2').toLowerCase().replace(/[^\p{L}\p{M}\p{N}]+/gu, '_').replace(/^_+|_+$/g, '') || 'event';
}

/**
 * An e-mail address as the store compares it (the webhook's quiet period, `forget`): JavaScript's
 * case folding, not SQLite's `lower()`, which folds ASCII only; `trim()` drops tabs and no-break spaces.
 */
export const foldEmail = (email: string): string => email.normalize('NFC').trim().toLowerCase();
