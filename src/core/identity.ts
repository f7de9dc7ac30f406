/**
 * Who the visitor is, across pages: an anonymous id, a session (new after 30 minutes without
 * activity), the user id from `identify`, UTM parameters and ad click ids from landing URLs.
 *
 * Everything lives in memory until the visitor's consent allows storing it: the ids and the
 * session under `analytics`, the click ids (ad attribution, kept 90 days) under `ads`. An explicit
 * denial deletes what this category had stored.
 */
import { passed, uuid } from './env';
import { has } from '../plan/shape';
import type { Store } from './storage';
import type { ClickIds } from './types';
import type { Linked } from './linker';

export const SESSION_MS = 30 * 60 * 1000;
export const CLICK_ID_MS = 90 * 24 * 60 * 60 * 1000;
export const CLICK_ID_PARAMS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'li_fat_id', 'msclkid'] as const;
/**
 * Every URL parameter that tells of an ad click, the click ids above and the ones measureplan does
 * not keep (Campaign Manager's dclid, Merchant Center's srsltid, Google's cross-domain linker _gl,
 * which carries the gclid, and other ad platforms' ids): taken out of the page URLs the collector
 * and GA4 get without an ads grant (data-protection QA 2026-12-06: they reached the store).
 */
export const AD_PARAMS: readonly string[] = [...CLICK_ID_PARAMS, 'dclid', 'srsltid', '_gl', 'ttclid', 'twclid', 'epik', 'sccid', 'rdt_cid', 'yclid'];
/** Whether a URL parameter is one of AD_PARAMS (names compared in lower case: Snap writes ScCid). */
export const adParam = (k: string) => AD_PARAMS.includes(k.toLowerCase());
export const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'];
/** Session writes are throttled: `last` only needs minute precision against a 30-minute timeout. */
const TOUCH_WRITE_MS = 10_000;

/** `a`: the visitor it is stored for (a tab of the next person after a sign-out must not take it up). */
interface Session { id: string; last: number; utm: Record<string, string>; fired: string[]; a?: string }
type Clicks = Record<string, { v: string; t: number }>;

export interface Identity {
  anonymousId(): string;
  /**
   * The visit's session, a new one after 30 minutes without activity; this call is activity. With
   * `page`, the one this page view began in (or took up at the analytics grant; after a sign-out
   * or a restore, the one of the next activity), as it is: a page's own web vitals, sent when it
   * is hidden, belong to that page view and are no activity that starts or extends a session.
   */
  session(now: number, page?: boolean): Session;
  /**
   * A new page view on this document (restored from the back/forward cache): its session is the
   * one the visitor's next activity is in (until then, the last activity's: a vital is no activity).
   */
  newPage(): void;
  userId?: string;
  traits: Record<string, unknown>;
  clickIds(now: number): ClickIds;
  /** When the oldest of the click ids `clickIds(now)` answers was clicked (the linker carries it). */
  clickTime(now: number): number | undefined;
  utm(): Record<string, string>;
  /** `limit` bookkeeping: whether `name` already fired in this scope, and marking it. */
  fired(scope: 'session' | 'user', name: string): boolean;
  markFired(scope: 'session' | 'user', name: string): void;
  /** Consent for a category changed: adopt or write stored state, or delete it on denial. */
  allow(category: 'analytics' | 'ads', granted: boolean): void;
  /** identify() named a user on this page (not only remembered from an earlier page). */
  told?: boolean;
  /** The analytics grant found that a signed-in user had signed out before it: a new visitor, whose journey starts empty. */
  renewed?: boolean;
  /** identify(): remembered across pages when analytics storage is allowed; `null` forgets the user. */
  setUser(userId: string | null, traits: Record<string, unknown>): void;
}

/**
 * This document's page view across the trackers made on it (an app may shut its tracker down and
 * create it again on a later route, 30 quiet minutes on): its vitals belong to the load's session.
 */
let docPage: { a: string; s: Session } | undefined;

/**
 * `search`: the query the visitor arrived with, or several, first preferred. The campaign and the
 * ad click are each taken whole from the first that has any (a campaign mixed from two addresses
 * is one nobody came from: second read 2026-12-07).
 */
export function createIdentity(store: Store, search: string | string[], now: number, linked?: Linked): Identity {
  const all = [search].flat().map((q) => new URLSearchParams(q));
  const from = (keys: readonly string[]) => all.find((p) => keys.some((k) => p.get(k))) ?? all[0]!;
  let landingUtm: Record<string, string> = {};
  for (const k of UTM) { const v = from(UTM).get(k); if (v) landingUtm[k] = v; }
  let clicks: Clicks = {};
  for (const k of CLICK_ID_PARAMS) { const v = from(CLICK_ID_PARAMS).get(k); if (v) clicks[k] = { v, t: now }; }
  // Carried from a linked origin (linker.ts): its campaign and ad click, unless this address has its own.
  if (linked && !Object.keys(landingUtm).length) landingUtm = { ...linked.utm };
  // The click keeps its own time: 90 days from the ad click, not from each crossing (second read 2026-12-07).
  const ct = linked?.ct ?? now;
  if (linked && !Object.keys(clicks).length && now - ct <= CLICK_ID_MS) for (const k in linked.clicks) clicks[k] = { v: linked.clicks[k]!, t: ct };

  let analytics = false;
  let ads = false;
  /** identify(null) on this page: a later grant keeps the visitor signed out. */
  let signedOut = false;
  /** A user known on this page signed out: this page's visitor is a new one already. */
  let leftHere = false;
  /** identify(null) was called on this page before the analytics grant (a later sign-in does not undo it). */
  let signOutSeen = false;
  let aid = linked?.aid ?? uuid();
  // A linked session goes on with what it counted: a once_per_session conversion counts once across the sites.
  let session: Session = { id: linked?.sid ?? uuid(), last: now, utm: landingUtm, fired: [...linked?.fired ?? []] };
  /** Undefined from a new page view (a restore, a sign-out) to the next activity: the session that activity is in. */
  let pageSession: Session | undefined = session;
  /** The page view's session is this visitor's on this document: a tracker before took it up already. */
  const pin = () => {
    if (!pageSession) return;
    if (docPage?.a === aid) pageSession = docPage.s;
    else docPage = { a: aid, s: pageSession };
  };
  let userOnce: string[] = [];
  let written = 0;
  let clickCache: { ids: ClickIds; until: number; of: Clicks } | undefined;

  /** The session stored by this or another tab of the visit (under analytics consent only). */
  const stored = (): Session | undefined => {
    const s = analytics ? store.get<Session>('sess') : undefined;
    return s && typeof s.id === 'string' && typeof s.last === 'number' ? { ...s, fired: Array.isArray(s.fired) ? s.fired : [], utm: s.utm ?? {} } : undefined;
  };
  const saveSession = () => {
    if (!analytics) return;
    // Another tab of the visit may have counted a once_per_session conversion since: kept, not overwritten.
    const s = stored();
    if (s?.id === session.id) session.fired = [...new Set([...s.fired, ...session.fired])];
    store.set('sess', { ...session, a: aid });
    written = session.last;
  };
  const fresh = (t: number): Session => ({ id: uuid(), last: t, utm: {}, fired: [] });

  const id: Identity = {
    traits: {},
    anonymousId: () => aid,
    session(t, page) {
      if (page) return pageSession ?? session;
      if (passed(t, session.last, SESSION_MS)) {
        // Quiet here, but the visitor may have gone on in another tab (tabs QA 2026-12-06: two
        // tabs took turns and each started sessions of its own): its stored session goes on.
        const s = stored();
        if (s && s.a === aid && !passed(t, s.last, SESSION_MS)) session = s;
        else { session = fresh(t); saveSession(); }
      }
      session.last = t;
      if (t - written > TOUCH_WRITE_MS) saveSession();
      if (!pageSession) { pageSession = session; pin(); }
      return session;
    },
    newPage() { pageSession = docPage = undefined; },
    clickIds(t) {
      // Recomputed only when an id may have expired or the set changed: this runs on every track().
      if (!clickCache || t > clickCache.until || clickCache.of !== clicks) {
        const ids: ClickIds = {};
        let until = Infinity;
        for (const k in clicks) {
          if (!has(clicks, k)) continue;
          const c = clicks[k]!;
          if (t - c.t <= CLICK_ID_MS) { ids[k as keyof ClickIds] = c.v; until = Math.min(until, c.t + CLICK_ID_MS); }
        }
        clickCache = { ids: Object.freeze(ids), until, of: clicks };
      }
      return clickCache.ids;
    },
    clickTime(t) {
      let first: number | undefined;
      for (const k in id.clickIds(t)) { const c = clicks[k]!.t; if (first === undefined || c < first) first = c; }
      return first;
    },
    utm: () => session.utm,
    // What another tab of the visit (or of this browser) counted since this page read it counts too.
    fired(scope, name) {
      if ((scope === 'session' ? session.fired : userOnce).includes(name)) return true;
      if (scope === 'user') { const o = analytics ? store.get<string[]>('once') : undefined; return Array.isArray(o) && o.includes(name); }
      const s = stored();
      return s?.id === session.id && s.fired.includes(name);
    },
    markFired(scope, name) {
      if (scope === 'session') { session.fired.push(name); saveSession(); }
      else { userOnce.push(name); if (analytics) store.set('once', userOnce); }
    },
    allow(category, granted) {
      if (category === 'analytics') {
        if (!granted) {
          // Always: a visitor who withdraws on a later page (every page starts undecided) must lose what earlier pages stored.
          for (const k of ['aid', 'sess', 'once', 'uid']) store.del(k);
          analytics = false;
          return;
        }
        if (analytics) return;
        analytics = true;
        const storedAid = store.get<string>('aid');
        const uid = store.get<string>('uid');
        // A signed-in user signed out: the next person on this device is a new visitor, not the
        // continuation of theirs (Segment's reset()). The user an earlier page stored signed out
        // when a sign-out came before this grant and the page's user is not that same user again.
        // Linked from another origin as a visitor this origin stored under another id: what is
        // stored here (user, once_per_user, journey) may be someone else's, and is not taken up.
        const foreign = !!linked && typeof storedAid === 'string' && storedAid !== aid;
        const left = leftHere || foreign || (signOutSeen && typeof uid === 'string' && id.userId !== uid);
        id.renewed = left;
        // The linked visitor wins over the one stored here, as with Google's linker.
        if (typeof storedAid === 'string' && !left && !linked) aid = storedAid; else store.set('aid', aid);
        const stored = left ? undefined : store.get<Session>('sess');
        // A linked session goes on as itself: the stored one only adds what it counted, when it is the same.
        // Only a session stored for this visitor: with a linker, another tab of this origin may hold
        // another visitor (second read 2026-12-07: a linked visitor's next page took that one's session).
        if (stored && typeof stored.id === 'string' && (stored.a === undefined || stored.a === aid) && (linked ? stored.id === session.id : !passed(session.last, stored.last, SESSION_MS))) {
          pageSession = session = { id: stored.id, last: session.last, utm: Object.keys(landingUtm).length ? landingUtm : stored.utm ?? {}, fired: [...new Set([...(stored.fired ?? []), ...session.fired])] };
        }
        pin();
        saveSession();
        userOnce = [...new Set([...(left ? [] : store.get<string[]>('once') ?? []), ...userOnce])];
        store.set('once', userOnce);
        if (signedOut || (foreign && id.userId === undefined)) store.del('uid');
        else if (id.userId === undefined && typeof uid === 'string') id.userId = uid;
        else if (id.userId !== undefined) store.set('uid', id.userId);
      } else {
        if (!granted) { store.del('clk'); ads = false; return; }
        if (ads) return;
        ads = true;
        const stored = store.get<Clicks>('clk') ?? {};
        clicks = { ...stored, ...clicks };
        for (const [k, c] of Object.entries(clicks)) if (!c || now - c.t > CLICK_ID_MS) delete clicks[k];
        store.set('clk', clicks);
      }
    },
    setUser(userId, traits) {
      // Signed out before the consent answer: the grant must not bring the stored user back.
      if (userId === null) {
        // Only the sign-out of a known user starts a new visitor: a site that calls identify(null)
        // on every page for visitors who never signed in keeps them as one visitor.
        if (id.userId !== undefined) {
          aid = uuid();
          // Made at the last activity's time (setUser has no clock): the next visitor's own next
          // activity may be 30 minutes on and start another, which their page's vitals then follow.
          session = fresh(session.last);
          pageSession = undefined;
          userOnce = []; // once_per_user counted the previous user's conversions, not the next person's
          leftHere = true;
          if (analytics) { store.set('aid', aid); saveSession(); store.del('once'); }
        }
        if (!analytics) signOutSeen = true;
        id.userId = undefined; id.traits = {}; signedOut = true; if (analytics) store.del('uid'); return;
      }
      signedOut = false;
      // Traits add up for the same user only: the next person signing in on this device must not
      // be matched by the previous one's e-mail or phone.
      id.traits = userId === id.userId ? { ...id.traits, ...traits } : { ...traits };
      id.userId = userId;
      id.told = true;
      if (analytics) store.set('uid', userId);
    },
  };
  return id;
}
