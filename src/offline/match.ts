/**
 * Which ad click an order is credited to. In this order: a click id written on the order (the
 * order form captured it), else the click ids the store saw for the order's `visitor_id`, else
 * those of the visitors identified with the order's e-mail. Of a visitor's click ids of the
 * platform's kinds, the newest click before the order within the lookback window is taken.
 * A click's time is when the store first saw its id (the click happened then or earlier).
 */
import type { Click, ClickIndex } from './clicks';
import { emailKey } from './normalise';
import type { GoogleConsent } from './google-ads';
import { CLICK_KINDS, type ClickIdInput, type ClickKind, type Consent, type Order, type Reason } from './orders';

export type Platform = 'google-ads' | 'meta' | 'microsoft' | 'linkedin';
export const PLATFORMS: readonly Platform[] = ['google-ads', 'meta', 'microsoft', 'linkedin'];

/** The click ids each platform takes, preferred first when two clicks have the same time. */
export const PLATFORM_KINDS: Record<Platform, readonly ClickKind[]> = {
  'google-ads': ['gclid', 'wbraid', 'gbraid'],
  meta: ['fbclid'],
  microsoft: ['msclkid'],
  linkedin: ['li_fat_id'],
};

export const PLATFORM_NAMES: Record<Platform, string> = { 'google-ads': 'Google Ads', meta: 'Meta', microsoft: 'Microsoft Advertising', linkedin: 'LinkedIn' };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Google Ads refuses a click younger than 6 hours (`TOO_RECENT_EVENT`, retry later). */
export const GOOGLE_MIN_CLICK_AGE_MS = 6 * HOUR;

export type Source = 'click_id' | 'visitor_id' | 'email';

export interface ClickChoice {
  kind: ClickKind;
  id: string;
  /** When the click happened at the latest; unknown for a click id the store has never seen. */
  clickTime?: number;
  source: Source;
}

export interface ClickProblem { reason: Extract<Reason, 'bad-click-id' | 'ambiguous-visitor' | 'outside-lookback' | 'before-click' | 'too-recent' | 'ads-withdrawn'>; message: string }

export interface MatchOptions {
  platform: Platform;
  lookbackDays: number;
  now: number;
}

/**
 * Why a value cannot be a click id, or undefined when it can be one. gclid, gbraid, wbraid and
 * fbclid arrive as URL parameters in URL-safe characters, a msclkid is hex, an `fbc` value adds
 * dots. Anything else (an e-mail address in the click id column, a phone number, a spreadsheet
 * formula from a form field or a crafted landing URL) would go into the upload file as it is:
 * personal data where the platform forbids it, or a formula that runs when the file is opened.
 * The message does not repeat the value (it may be an address).
 */
export function clickIdProblem(id: string): string | undefined {
  if (!/^[A-Za-z0-9_\-.]+$/.test(id)) return 'has characters no click id has (an e-mail address, a phone number or a formula?)';
  if (/^[\d\-.]+$/.test(id)) return 'is only digits (a phone number?)';
  return undefined;
}

/** A msclkid is 32 hex digits (the UET parameter may add `-0`/`-1`). */
const MSCLKID = /^[0-9a-f]{32}(-\d)?$/i;
/** A Meta `fbc` value: `fb.<subdomain index>.<ms>.<fbclid>`. */
export const FBC = /^fb\.\d\.\d{10,16}\.(.+)$/;

/**
 * The kind of a click id written on an order. A column named after the kind says it; otherwise
 * the store's record of the id, then its shape (a msclkid is 32 hex digits, an `fbc` value starts
 * `fb.1.`), and last the platform exported to: a Google export reads any other id as a gclid, a
 * Meta export as an fbclid, a LinkedIn export as a li_fat_id (their shapes are not documented). Undefined: not a Microsoft click id.
 */
export function kindOf(input: ClickIdInput, platform: Platform, index?: ClickIndex): ClickKind | undefined {
  if (input.kind) return input.kind;
  const known = index?.kindOf.get(input.id);
  if (known) return known;
  if (MSCLKID.test(input.id)) return 'msclkid';
  if (FBC.test(input.id)) return 'fbclid';
  return platform === 'google-ads' ? 'gclid' : platform === 'meta' ? 'fbclid' : platform === 'linkedin' ? 'li_fat_id' : undefined;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
const words = (ms: number) => {
  if (ms >= 2 * DAY) return plural(Math.floor(ms / DAY), 'day');
  if (ms >= 2 * HOUR) return plural(Math.floor(ms / HOUR), 'hour');
  return plural(Math.max(1, Math.floor(ms / 60_000)), 'minute');
};

/** Names the click in a message: `the visitor's gclid`. */
type Who = (kind: ClickKind) => string;
const ON_ORDER: Who = (k) => `the ${k} on the order`;
const OF_VISITOR: Who = (k) => `the visitor's ${k}`;
const OF_EMAIL: Who = (k) => `the ${k} of the visitor with this e-mail`;

/** Whether a click can be credited with the order, or why not. */
function check(clickTime: number | undefined, kind: ClickKind, order: Order, o: MatchOptions, who: Who): ClickProblem | undefined {
  if (clickTime === undefined) return undefined;
  if (clickTime > order.time) return { reason: 'before-click', message: `the order is ${words(clickTime - order.time)} before ${who(kind)} was first seen: an order cannot be credited to a later click` };
  const age = order.time - clickTime;
  if (age > o.lookbackDays * DAY) {
    const days = Math.floor(age / DAY) > o.lookbackDays ? words(age) : `over ${plural(o.lookbackDays, 'day')}`;
    return { reason: 'outside-lookback', message: `${who(kind)} was first seen ${days} before the order, outside the lookback window of ${plural(o.lookbackDays, 'day')}` };
  }
  if (o.platform === 'google-ads' && o.now - clickTime < GOOGLE_MIN_CLICK_AGE_MS) {
    return { reason: 'too-recent', message: `${who(kind)} is less than 6 hours old: Google Ads refuses it until then, so export this order again later` };
  }
  return undefined;
}

/** The newest click of `clicks` that passes, or the problem of the newest one that does not. */
function best(clicks: readonly Click[], order: Order, o: MatchOptions, index: ClickIndex, source: Source, who: Who): ClickChoice | ClickProblem | undefined {
  const kinds = PLATFORM_KINDS[o.platform];
  const timed = clicks
    .filter((c) => kinds.includes(c.kind))
    .map((c) => ({ c, t: index.byId.get(`${c.kind}:${c.id}`)?.firstSeen ?? c.firstSeen }))
    .sort((a, b) => b.t - a.t || kinds.indexOf(a.c.kind) - kinds.indexOf(b.c.kind));
  if (!timed.length) return undefined;
  let problem: ClickProblem | undefined;
  for (const { c, t } of timed) {
    const p = check(t, c.kind, order, o, who);
    if (!p) return { kind: c.kind, id: c.id, clickTime: t, source };
    // The click to credit is too young to upload yet: wait for it rather than credit an older one.
    if (p.reason === 'too-recent') return p;
    // The newest click before the order explains the most; a click after the order only when there is none.
    if (!problem || (problem.reason === 'before-click' && p.reason !== 'before-click')) problem = p;
  }
  return problem;
}

/** A visitor who withdrew ads consent (or sends Global Privacy Control) after the click. */
const WITHDRAWN: ClickProblem = { reason: 'ads-withdrawn', message: "the visitor's latest visit says ads denied (a withdrawal, or Global Privacy Control): their click is not shared" };

/**
 * The click an order is credited to, or the problem with the clicks it has (none: no click of
 * the platform's kinds at all). A `too-recent` problem means: export the order again later (it
 * is not to be sent by e-mail/phone meanwhile, or it would count twice).
 */
export function chooseClick(order: Order, index: ClickIndex, o: MatchOptions): { click?: ClickChoice; problem?: ClickProblem } {
  const kinds = PLATFORM_KINDS[o.platform];
  let problem: ClickProblem | undefined;
  const keep = (p: ClickProblem | undefined) => { if (p && (!problem || (problem.reason === 'before-click' && p.reason !== 'before-click'))) problem = p; };
  // The order's visitor withdrew ads (or sends Global Privacy Control): no click of theirs is
  // shared, not even one written on the order.
  const named = order.visitorId ? index.visitorIds.get(order.visitorId) : undefined;
  const ids = order.visitorId ? (!named || named.has(order.visitorId) ? [order.visitorId] : [...named]) : [];
  if (ids.length === 1 && index.withdrawn.has(ids[0]!)) return { problem: WITHDRAWN };

  for (const input of order.clickIds) {
    const bad = clickIdProblem(input.id);
    if (bad) {
      // Only worth a word when it could have been this platform's click.
      if (!input.kind || kinds.includes(input.kind)) keep({ reason: 'bad-click-id', message: `the ${input.kind ?? 'click id'} on the order ${bad}: it is not sent` });
      continue;
    }
    const kind = kindOf(input, o.platform, index);
    if (!kind || !kinds.includes(kind)) continue;
    // An `fbc` value written on the order is looked up by the fbclid inside it.
    const lookup = kind === 'fbclid' ? (FBC.exec(input.id)?.[1] ?? input.id) : input.id;
    if (index.withdrawn.has(`${kind}:${lookup}`)) { keep(WITHDRAWN); continue; }
    const clickTime = index.byId.get(`${kind}:${lookup}`)?.firstSeen;
    const p = check(clickTime, kind, order, o, ON_ORDER);
    if (!p) return { click: { kind, id: input.id, ...(clickTime !== undefined && { clickTime }), source: 'click_id' } };
    if (p.reason === 'too-recent') return { problem: p };
    keep(p);
  }

  if (order.visitorId) {
    // The visitor with exactly this id; else the one visitor whose id starts with it (a short reference).
    if (ids.length > 1) {
      keep({ reason: 'ambiguous-visitor', message: `the visitor id ${order.visitorId} is the start of ${ids.length} visitors' ids in the store: give more of it` });
    } else {
      const r = best(index.byVisitor.get(ids[0]!) ?? [], order, o, index, 'visitor_id', OF_VISITOR);
      if (r && 'source' in r) return { click: r };
      if (r?.reason === 'too-recent') return { problem: r };
      keep(r);
    }
  }

  const key = order.email && emailKey(order.email);
  const who = key ? index.emails.get(key) : undefined;
  if (who) {
    const clicks = [...[...who.visitors].flatMap((v) => index.byVisitor.get(v) ?? []), ...[...who.users].flatMap((u) => index.byUser.get(u) ?? [])];
    const r = best(clicks, order, o, index, 'email', OF_EMAIL);
    if (r && 'source' in r) return { click: r };
    if (r?.reason === 'too-recent') return { problem: r };
    keep(r);
  }
  return problem ? { problem } : {};
}

/**
 * What the store knows of the customer's ads consent: the latest record of each visitor the order
 * names, was matched to by e-mail, or whose click it carries, and of every visitor signed in as
 * the same user as one of those (the person's other devices). A denial by any of them wins (a withdrawal, Global Privacy Control, a "no" on
 * another device), and so does a click written on the order whose owner withdrew; a grant
 * counts only as a stored record: a click seen on events without one (another client) says
 * nothing.
 */
function storeConsent(order: Order, index: ClickIndex, click: ClickChoice | undefined): Consent | undefined {
  const people = new Set<string>();
  if (order.visitorId) for (const v of index.visitorIds.get(order.visitorId) ?? [order.visitorId]) people.add(v);
  const key = order.email && emailKey(order.email);
  for (const v of (key && index.emails.get(key)?.visitors) || []) people.add(v);
  for (const input of order.clickIds) {
    const id = FBC.exec(input.id)?.[1] ?? input.id;
    if (CLICK_KINDS.some((k) => index.withdrawn.has(`${k}:${id}`))) return 'denied';
  }
  // The visitors who carried the click credited (one written on the order is looked up by its id).
  if (click) for (const [v, clicks] of index.byVisitor) if (clicks.some((c) => c.kind === click.kind && c.id === click.id)) people.add(v);
  // And the person's other devices: visitors signed in as the same user.
  for (const v of [...people]) for (const w of index.linked.get(v) ?? []) people.add(w);
  let granted = false;
  for (const v of people) {
    const c = index.consent.get(v);
    if (c === 'denied') return 'denied';
    if (c === 'granted') granted = true;
  }
  return granted ? 'granted' : undefined;
}

/**
 * The customer's consent for an order (Google's Ad User Data and Ad Personalization): a denial the
 * store knows of wins, as it may have come after the order was taken; then what the shop recorded
 * on the order (its `ad_user_data` / `ad_personalization` columns); then a grant the store knows
 * of. A customer who refused their data being shared refused personalisation with it.
 */
export function adsConsentOf(order: Order, index: ClickIndex, click?: ClickChoice): GoogleConsent {
  const known = storeConsent(order, index, click);
  const userData = known === 'denied' ? 'denied' : order.adUserData ?? known;
  const personalization = userData === 'denied' ? (known === 'denied' ? 'denied' : order.adPersonalization ?? 'denied') : order.adPersonalization ?? known;
  return { ...(userData && { userData }), ...(personalization && { personalization }) };
}
