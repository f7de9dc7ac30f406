/** Turns an accepted `track()` call into the canonical conversion event every destination maps. */
import type { Item } from '../plan/define';
import type { NormalisedConversion, Plan } from '../plan/types';
import { browser, uuid } from './env';
import type { Identity } from './identity';
import type { ConversionEvent, PageContext } from './types';

let cachedPage: { href: string; title: string; page: PageContext } | undefined;

/** The page as the visitor sees it now (cached while url and title stay the same). */
export function pageContext(): PageContext {
  const w = browser();
  const href = w?.location?.href ?? '';
  const title = w?.document?.title ?? '';
  if (cachedPage?.href !== href || cachedPage.title !== title) {
    cachedPage = { href, title, page: { url: href, path: w?.location?.pathname ?? '', title, referrer: w?.document?.referrer ?? '' } };
  }
  return cachedPage.page;
}

/**
 * The event id: derived from the conversion and its dedupe value (`transaction_id`) when there
 * is one, so the shop's server can send the same id to the vendors' server-side APIs.
 */
export function eventId(c: NormalisedConversion, props: Record<string, unknown>): string {
  const key = props.transaction_id;
  return typeof key === 'string' && key ? `${c.name}:${key}` : uuid();
}

export function enrich(plan: Plan, c: NormalisedConversion, props: Record<string, unknown>, identity: Identity, now: number): ConversionEvent {
  const value = typeof c.value === 'number' ? c.value : typeof c.value === 'string' ? (props[c.value] as number | undefined) : undefined;
  const session = identity.session(now);
  const event: ConversionEvent = {
    id: eventId(c, props),
    name: c.name,
    kind: c.kind,
    properties: props,
    timestamp: new Date(now).toISOString(),
    page: pageContext(),
    anonymousId: identity.anonymousId(),
    sessionId: session.id,
    clickIds: identity.clickIds(now),
    utm: session.utm,
    send: c.send,
  };
  if (value !== undefined) { event.value = value; if (plan.currency) event.currency = plan.currency; }
  if (Array.isArray(props.items)) event.items = props.items as Item[];
  if (typeof props.transaction_id === 'string') event.transactionId = props.transaction_id;
  if (identity.userId !== undefined) event.userId = identity.userId;
  return event;
}
