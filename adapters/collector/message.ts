/**
 * Segment/RudderStack HTTP API messages, so the collector endpoint can also be an existing
 * RudderStack or Segment-compatible ingestion service.
 */
import { adParam } from '../../src/core/identity';
import { has } from '../../src/plan/shape';
import { stringify } from '../../src/core/env';
import { withoutParams } from '../_shared/url';
import type { ClickIds, ConsentStatus, ConversionEvent, Identity, PageContext } from '../../src/core/types';

export interface Message {
  type: 'track' | 'page' | 'identify';
  messageId: string;
  anonymousId?: string;
  userId?: string;
  timestamp: string;
  event?: string;
  name?: string;
  properties?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  context: Record<string, unknown>;
}

const CAMPAIGN: Record<string, string> = { utm_source: 'source', utm_medium: 'medium', utm_campaign: 'name', utm_term: 'term', utm_content: 'content' };

let device: Record<string, unknown> | undefined;
/** What stays the same for every message of the page, read once. */
const constant = () => {
  if (!device) {
    const nav = typeof navigator === 'undefined' ? undefined : navigator;
    device = { library: { name: 'measureplan', version: '0.1.0' }, ...(nav ? { userAgent: nav.userAgent, locale: nav.language } : {}) };
  }
  return device;
};

const strip = (url: string) => withoutParams(url, adParam);
/** The last page context given and its copy without click ids (a page's messages share one context). */
let seen: PageContext | undefined;
let safe: PageContext | undefined;
/**
 * Click ids are ads data: without an ads grant they reach the team's collector neither as
 * `click_ids` nor inside the page's URL or referrer (the copy is kept for the page's next messages).
 */
function pageForConsent(page: PageContext, ads: string | undefined): PageContext {
  if (ads === 'granted') return page;
  if (page !== seen) { seen = page; safe = { ...page, url: strip(page.url), referrer: strip(page.referrer) }; }
  return safe!;
}

function context(page: PageContext, extra: Record<string, unknown>, utm: Record<string, string> = {}): Record<string, unknown> {
  let campaign: Record<string, string> | undefined;
  for (const k in utm) if (has(CAMPAIGN, k) && has(utm, k)) (campaign ??= {})[CAMPAIGN[k]!] = utm[k]!;
  return { ...constant(), page, ...(campaign ? { campaign } : {}), measureplan: extra };
}

/** `consent`: the visitor's consent when the collector received it (ads may have been decided since tracking). */
export function trackMessage(e: ConversionEvent, consent: ConversionEvent['consent'] = e.consent): Message {
  const properties: Record<string, unknown> = { ...e.properties };
  if (e.value !== undefined) properties.value = e.value;
  if (e.currency) properties.currency = e.currency;
  const m: Message = {
    type: 'track', event: e.name, properties, messageId: e.id, anonymousId: e.anonymousId, timestamp: e.timestamp,
    context: context(pageForConsent(e.page, consent.ads), {
      kind: e.kind, session_id: e.sessionId, ...(consent.ads === 'granted' && { click_ids: e.clickIds }), consent,
      ...(e.experiments && { experiments: e.experiments }), ...(e.vitals && { vitals: e.vitals }),
    }, e.utm),
  };
  if (e.userId) m.userId = e.userId; // identify('', traits): traits without a user id
  return m;
}

/**
 * A page view. With the consent it was sent under, and its click ids under an ads grant as a
 * conversion has them: the landing page view is when a click was first seen (`measureplan offline`).
 */
export function pageMessage(id: string, current: PageContext, anonymousId: string | undefined, userId: string | undefined, timestamp: string, consent?: ConsentStatus, clickIds?: ClickIds): Message {
  const page = pageForConsent(current, consent?.ads);
  const mp = consent ? { ...(consent.ads === 'granted' && clickIds && { click_ids: clickIds }), consent } : {};
  const m: Message = { type: 'page', messageId: id, anonymousId, timestamp, name: page.title, properties: { ...page }, context: context(page, mp) };
  if (userId) m.userId = userId;
  return m;
}

export function identifyMessage(id: string, who: Identity, page: PageContext, anonymousId: string | undefined, timestamp: string, ads?: string): Message {
  const m: Message = { type: 'identify', messageId: id, anonymousId, timestamp, traits: who.traits, context: context(pageForConsent(page, ads), {}) };
  if (who.userId) m.userId = who.userId;
  return m;
}

/**
 * A queued message as it may still go after an ads withdrawal: without `click_ids`, with the
 * click-id parameters taken out of its page's URL and referrer, and its consent saying so. The
 * same text when it holds none (most do).
 */
export function withoutClickIds(json: string): string {
  if (!/click_ids|cl(i|ki)d=|braid=|fat_id=|srsltid=|_gl=|epik=|cid=/i.test(json)) return json; // AD_PARAMS, briefly
  const m = JSON.parse(json) as Message;
  const mp = m.context.measureplan as Record<string, any> | undefined;
  if (mp) { delete mp.click_ids; if (mp.consent) mp.consent = { ...mp.consent, ads: 'denied' }; }
  for (const p of [m.context.page, m.type == 'page' && m.properties] as Record<string, any>[]) {
    if (!p) continue;
    if (typeof p.url == 'string') p.url = strip(p.url);
    if (typeof p.referrer == 'string') p.referrer = strip(p.referrer);
  }
  return stringify(m);
}

/**
 * Ads withdrawn while a conversion waits in the collector, not yet built: the consent it is built
 * under, so that its message keeps no click id (the test kit's collector stand-in uses it too).
 */
export const adsWithdrawn = (c: ConversionEvent['consent'] | undefined): ConversionEvent['consent'] | undefined =>
  c && c.ads == 'granted' ? Object.freeze({ ...c, ads: 'denied' }) : c;

/** Ads withdrawn while a built message (a page view, an identify) waits: `withoutClickIds`; an unserialisable one stays as it is (intake drops it). */
export function builtWithoutClickIds(x: Message): Message {
  try { return JSON.parse(withoutClickIds(stringify(x))) as Message; } catch { return x; }
}
