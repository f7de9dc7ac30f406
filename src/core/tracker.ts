/**
 * `createTracker`: the measurement plan, running. Each `track()` call is looked up in the plan,
 * validated, limited, enriched, claimed once per `dedupe` key (see dedupe.ts), and dispatched to
 * the destinations its `send` names, under the visitor's consent. Nothing here throws into the
 * host page (unless `strict` is set, for tests).
 */
import type { ConsentCategory, ConsentPlatform, ConsentUpdate, JsonPlan, NormalisedConversion, Plan, PlanError, PlanInput, SendSpec } from '../plan/types';
import type { PlatformOptions } from '../cmp/watch';
import type { Issue } from '../plan/check';
import { BUFFER_LIMIT, createConsent, CATEGORIES } from './consent';
import { createDedupe, SERVER_KEYS } from './dedupe';
import { createDispatcher } from './dispatch';
import { logConversion, warn } from './debug';
import { createEmitter } from './emitter';
import { afterLoadWhenIdle, browser, debugRequested, nextTask, onLeave } from './env';
import { dedupeKey, enrich, pageChanged, pageContext, pinPage } from './enrich';
import { createIdentity } from './identity';
import { forgetLink, linkValue, mayLink, readLink, takeLinkParam, withoutLink, type Linked } from './linker';
import type { watchLinks } from '../linker/out';
import { loadScript } from './load-script';
import { localStore } from './storage';
import type { Adapter, AdapterContext, ConversionEvent, PageContext, Tracker, TrackerEvents } from './types';
import { snapshot, validateProperties } from './validate';
import { has } from '../plan/shape';
import { createJourney } from '../journey/journey';
import { crawlerName } from './crawler';
import type { VitalsModule } from '../journey/vitals-types';

export interface TrackerOptions<P extends PlanInput | JsonPlan> {
  /**
   * The measurement plan (a `definePlan` literal, a codegen module, parsed or imported JSON); it is
   * checked before anything runs. Calls are checked at compile time for the first two.
   */
  plan: P;
  /** The destinations to use, e.g. `[ga4(), meta(), collector()]`. */
  adapters?: Adapter[];
  /** Logs every conversion and warning to the console (also `?measureplan_debug=1`). */
  debug?: boolean;
  /** For tests: a rejected call throws instead of only being reported. */
  strict?: boolean;
  /** CSP nonce for vendor scripts. */
  nonce?: string;
  /**
   * How to follow the consent platform the plan names in `consent.cmp` (the readers live in
   * their own module, loaded only for plans that name one). createTracker and the script tag set it.
   */
  followPlatform?: (name: ConsentPlatform, options: PlatformOptions) => (() => void) | Promise<() => void>;
  /**
   * How to load the page-experience module for plans with `vitals` (web-vitals, standard or
   * attribution build): a chunk for npm users, `measureplan.vitals.js` next to the script tag.
   */
  loadVitals?: (attribution: boolean) => Promise<VitalsModule>;
  /** How to load the linker's way out (decorating links and forms), for plans with `linker`. */
  linkOut?: () => Promise<{ watchLinks: typeof watchLinks }>;
}

const noop = () => undefined;

/** A tracker for a plan that could not be used: every method is a harmless no-op. */
export function inert<P extends PlanInput>(): Tracker<P> {
  return {
    track: noop, page: noop, identify: noop, consent: noop, on: () => noop, flush: async () => undefined, shutdown: async () => undefined, clickIds: () => ({}), linkUrl: (url) => url,
    funnel: noop, cart: () => ({ items: [], value: 0 }), variant: noop, experiment: noop,
  };
}

/** The one console message for a plan that cannot be used: every problem with its path. */
export function planProblems(where: string, errors: PlanError[]): string {
  return `measureplan: ${where} has ${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing will be tracked.\n` +
    errors.map((e) => `  ${e.path || '(plan)'}: ${e.message}${e.hint ? ' ' + e.hint : ''}`).join('\n');
}

/** Problems without their explanation (when the words could not be loaded): path and code. */
export const terse = (issues: Issue[]): PlanError[] => issues.map((i) => ({
  path: i.path,
  message: `${i.code}${i.value !== undefined && typeof i.value !== 'object' ? ` (${JSON.stringify(i.value)})` : ''}.`,
  hint: 'Run `npx measureplan validate plan.json` for an explanation of each problem.',
}));

/** A tracker for a plan that `parsePlan` already accepted (the script tag parses it once, itself). */
/** The script tag's own options for startTracker. */
export interface StartOptions {
  /**
   * Start in steps, so that none comes near a long task: the plan's default consent is applied in
   * the next task (before any call the tag replays after it), and each granted adapter loads in a
   * task of its own.
   */
  staggerLoads?: boolean;
  /** The page the visitor landed on, when they have moved on since (routes taken while the script tag read its plan). */
  landing?: PageContext;
  /** Abandonment is checked once this has settled (the script tag: its triggers' first pass over the page). */
  journeyAfter?: Promise<unknown>;
  /**
   * createTracker's: on an analytics withdrawal with no collector among the adapters, deletes the
   * outbox an earlier page's collector left (the script tag always has the collector).
   */
  dropOutbox?: () => void;
  /**
   * The script tag's: the visitor a linked origin handed over (`_mpl`, read and taken out of the
   * address when the tag ran, before its plan was in), or null. createTracker reads it itself.
   */
  linked?: Linked | null;
  /** The test kit's: the locks dedupe claims are made under, instead of `navigator.locks` (an in-process stand-in, so that no timer decides a claim). */
  locks?: Parameters<typeof createDedupe>[1];
}

/**
 * The queries the visitor's ad click and campaign came with, first preferred: the address now and,
 * for the script tag, the landing page it saw and the address the document was loaded as (a page
 * may tidy `?gclid=…&utm_…` away, or a single-page app route on, before the plan is in: stub QA
 * 2026-12-07). Not for an npm tracker: one created again later in the document is no new landing.
 */
function landedWith(landing: PageContext | undefined): string[] {
  const all = [browser()?.location?.search ?? ''];
  try {
    if (landing) for (const url of [landing.url, (performance.getEntriesByType('navigation')[0] as PerformanceEntry | undefined)?.name]) if (url) all.push(new URL(url).search);
  } catch { /* no navigation timing: what it has */ }
  return all;
}

/** The visitor the address carries from a linked origin, taken out of the address bar. */
export function takeLink(): Linked | undefined {
  const w = browser();
  const value = w && takeLinkParam(w);
  return value ? readLink(value, Date.now(), w.navigator?.userAgent ?? '') : undefined;
}

export function startTracker<P extends PlanInput>(plan: Plan, options: Omit<TrackerOptions<P>, 'plan'> & StartOptions): Tracker<P> {
  const debug = !!options.debug || debugRequested();
  const events = createEmitter<TrackerEvents>();
  const report = (e: TrackerEvents['error']) => {
    events.emit('error', e);
    if (debug) warn(`${e.path}: ${e.reason}`);
    if (options.strict) throw new Error(`measureplan: ${e.path}: ${e.reason}`);
  };
  /** A question to the tracker: its answer, or `fallback` when answering failed (reported, never thrown). */
  const ask = <T>(what: string, fn: () => T, fallback: T): T => {
    let r = fallback;
    safely(what, () => { r = fn(); });
    return r;
  };
  const safely = (what: string, fn: () => void) => {
    try { fn(); } catch (e) { failed(what, e); }
  };
  /** A failure of our own code: reported (thrown in strict mode), never into the page. */
  const failed = (what: string, e: unknown) => {
    if (options.strict) throw e;
    report({ path: what, reason: `unexpected failure: ${(e as Error)?.message ?? e}` });
  };

  /** The plan's conversion `name`, or undefined (reported: nothing is sent). */
  const conversionOf = (name: string): NormalisedConversion | undefined => {
    const c = typeof name === 'string' && has(plan.conversions, name) ? plan.conversions[name] : undefined;
    if (!c) report({ path: `conversions.${String(name)}`, reason: `"${String(name)}" is not a conversion in the plan "${plan.name}"; nothing was sent`, conversion: String(name) });
    return c;
  };
  const on: Tracker<P>['on'] = (name, fn) => {
    if (typeof name === 'string' && typeof fn === 'function') return events.on(name, fn);
    report({ path: 'on', reason: 'expected an event name and a function' });
    return () => undefined;
  };
  // A browser that says it is a crawler, under "bots": "skip" (docs/data-protection.md): nothing
  // below is made, so nothing is stored, loaded or sent and no experiment records an exposure. The
  // page's calls are still checked against the plan (said in debug mode), and `variant()` answers
  // the control, as for a visitor without analytics consent.
  const bot = plan.bots !== 'measure' ? crawlerName(browser()?.navigator?.userAgent ?? '') : undefined;
  if (bot) {
    takeLink(); // `_mpl` out of the address, as on every page (docs/origins.md); nothing taken up
    if (debug) warn(`this browser says it is a crawler (${bot}); nothing is stored or sent. "bots": "measure" in the plan measures crawlers.`);
    return {
      track: (name: string, props?: unknown) => safely('track', () => { const c = conversionOf(name); if (c) checked(c, props); }),
      page: noop, identify: noop, consent: noop, on, flush: async () => undefined, shutdown: async () => undefined, clickIds: () => ({}), linkUrl: (url) => url,
      // An experiment's control; a name of Object.prototype's ("__proto__") has no variants: undefined, never a throw.
      funnel: noop, cart: () => ({ items: [], value: 0, ...(plan.currency && { currency: plan.currency }) }),
      variant: ((name: string) => ask('variant', () => (typeof name === 'string' && has(plan.experiments, name) ? plan.experiments[name]!.variants[0] : undefined), undefined)) as never,
      experiment: noop,
    };
  }
  // Aborted by shutdown(): removes every listener the tracker added to the page.
  // The page's own AbortController: a test's jsdom window refuses a signal from Node's.
  const AC = browser()?.AbortController ?? globalThis.AbortController;
  const life = typeof AC === 'function' ? new AC() : undefined;
  const signal = life?.signal;
  const store = localStore((reason) => { if (debug) warn(reason); });
  // Only a plan that links origins takes a visitor up from another (as Google's linker accepts
  // incoming links only where it is set up); every plan takes `_mpl` out of the address, so that
  // the vendors' tags, which read the address themselves, never get the ids and click it carries.
  const carried = options.linked !== undefined ? options.linked ?? undefined : takeLink();
  const linked = plan.linker ? carried : undefined;
  const identity = createIdentity(store, landedWith(options.landing), Date.now(), linked);
  const consent = createConsent<() => void>(plan);
  const locks = options.locks ?? (browser()?.navigator as { locks?: Parameters<typeof createDedupe>[1] } | undefined)?.locks;
  const dedupe = createDedupe(store, locks, browser() ? undefined : SERVER_KEYS);
  /**
   * Conversions with a dedupe key or a session/user limit, tracked before the visitor decided on
   * analytics (their record is analytics storage): decided once the visitor has.
   */
  const waiting: (() => void)[] = [];
  /**
   * Events made while analytics was undecided carry a visitor and session of this page only: a
   * grant adopts the stored ones (a returning visitor's), and the events still waiting for it take
   * them, so that one visitor stays one in the collector's store (once QA 2026-12-06).
   */
  const provisional: ConversionEvent[] = [];
  const made = (e: ConversionEvent): ConversionEvent => {
    if (consent.status.analytics === 'pending' && provisional.length < BUFFER_LIMIT) provisional.push(e);
    return e;
  };
  const pageFired = new Set<string>();
  /** In a left cart's report whose cross-tab claim began before shutdown(): its conversion is still tracked. */
  let claimed = false;
  const hooks: Parameters<typeof createJourney>[2] = {
    emit(name, payload) { events.emit(name, payload); if (debug) warn(name.replace('_', ' '), payload); },
    // Not through tracker.track: its arguments are the page's, and a third one must not become a currency.
    track: (name, props, cur) => { try { if (!down || claimed) accept(name, props, cur); } catch (e) { failed('track', e); } },
    signal(name, props, ga4Event, toCollector, value) {
      const send: SendSpec = {};
      if (ga4Event && plan.destinations.ga4) send.ga4 = { event: ga4Event };
      if (toCollector && plan.destinations.collector) send.collector = {};
      if (!send.ga4 && !send.collector) return;
      // A page view's vitals belong to the page it began on, not to a single-page app's later route,
      // and to its session: sent at the hide after 30 quiet minutes, they opened a new one with the
      // landing's referrer, which took the paid click's next order (channels review 2026-12-07).
      const vital = name === 'web_vital';
      if (vital) pinPage(loadedAs());
      let e: ConversionEvent;
      try { e = made(enrich(plan, { name, kind: 'signal', send, properties: {}, supports: [] } as unknown as NormalisedConversion, props, identity, Date.now(), consent.snapshot(), undefined, vital)); } finally { pinPage(); }
      if (value !== undefined) e.value = value;
      dispatcher.deliver(e);
    },
    error: (path, reason) => report({ path, reason }),
    visitorId: () => (consent.status.analytics === 'granted' ? identity.anonymousId() : undefined),
    // A left cart found by two tabs opened together: each marks it reported, but Chromium shows one
    // tab another's localStorage write only later, so both reported it (journey QA 2026-12-07: 3 of
    // 5 runs). Claimed as an order is, under the Web Lock; without one, the stored mark decides.
    // A claim answered once shutdown() began still reports (shutdown awaits it, as it does orders').
    once: (key, then) => (locks ? dedupe.claim('\u0000abandoned', key, 1, Date.now(), (first) => {
      if (!first) return;
      claimed = true;
      try { safely('abandonment', then); } finally { claimed = false; }
    }) : then()),
  };
  const journey = createJourney(plan, store, hooks, signal);
  /** Looks for a left cart or browse: after the current task, so that listeners added right after createTracker hear it. */
  // The script tag holds the check until its triggers have seen the page: a thank-you page whose
  // page_view trigger tracks the order must not find the cart abandoned first.
  const check = () => setTimeout(() => { if (!signal?.aborted) safely('abandonment', () => journey.check(Date.now())); }, 0);
  const checkSoon = () => void (options.journeyAfter ? options.journeyAfter.then(check) : check());
  const ctx: AdapterContext = {
    plan,
    window: (browser() ?? {}) as AdapterContext['window'],
    loadScript: (src, wanted) => loadScript(src, options.nonce, signal, wanted),
    warn: (message, detail) => { if (debug) warn(message, detail); },
    error: (reason, detail) => report({ path: 'adapters', reason, detail }),
    consent: () => consent.status,
    identity: () => ({ ...(identity.userId !== undefined ? { userId: identity.userId } : {}), traits: identity.traits, anonymousId: identity.anonymousId(), told: identity.told }),
    clickIds: () => identity.clickIds(Date.now()),
    landing: options.landing ?? pageContext(),
  };
  pageChanged(); // read for `landing` only: a title the page sets after createTracker is read afresh
  /**
   * The page the document was loaded as. An npm single-page app that creates its tracker again on
   * a later route sent the first page's load metrics under that route (page-experience QA
   * 2026-12-06); the browser's navigation entry still names the first page. The script tag gives
   * its own `landing`.
   */
  const loadedAs = (): AdapterContext['landing'] => {
    const l = ctx.landing!;
    try {
      let url = (performance.getEntriesByType('navigation')[0] as PerformanceEntry | undefined)?.name;
      // The linker's parameter, taken out of the address bar, is still in the entry: never sent on.
      if (url && mayLink(url)) url = withoutLink(url);
      if (url && !options.landing && url !== l.url) return { ...l, url, path: new URL(url).pathname };
    } catch { /* no navigation timing: the landing it has */ }
    return l;
  };
  // Leaving: exactly-once claims still in flight are decided now, so that their conversions are
  // handed over by the dispatcher's own leave listeners, added after these. Visible again: a left cart?
  onLeave(dedupe.leave, (visible) => { dedupe.back(); if (visible) checkSoon(); }, signal);
  const w = browser();
  // The page is cached for the task: a route change the triggers' history wrapper announces (in the
  // same handler as the track() calls around it) is a new page at once (framework QA 2026-12-06).
  w?.addEventListener?.('measureplan:route', pageChanged, { signal });
  w?.addEventListener?.('popstate', pageChanged, { signal });
  // Restored from the back/forward cache: a new page view, whose vitals go under its own session.
  w?.addEventListener?.('pageshow', (e: Event) => { if ((e as PageTransitionEvent).persisted) identity.newPage(); }, { signal });
  // Links and forms to the plan's other origins carry the visitor there, under analytics consent
  // (the ids are analytics storage); the ad click only under an ads grant too.
  const linker = plan.linker;
  /** tracker.linkUrl's work, once the linker's file is in. */
  let decorate: ((url: string) => string) | undefined;
  if (linker && w && options.linkOut) {
    options.linkOut().then((m) => safely('linker', () => {
      if (signal?.aborted) return;
      decorate = m.watchLinks(w, linker.domains, () => {
        if (consent.status.analytics !== 'granted' || down) return undefined;
        const now = Date.now();
        const ads = consent.status.ads === 'granted';
        const session = identity.session(now);
        return linkValue({
          aid: identity.anonymousId(), sid: session.id, fired: session.fired, utm: identity.utm(),
          clicks: ads ? identity.clickIds(now) as Record<string, string> : {}, ct: ads ? identity.clickTime(now) : undefined,
        }, now, w.navigator?.userAgent ?? '');
      }, signal);
    }), () => warn('measureplan.linker.js could not be loaded: links to the plan\'s other sites do not carry the visitor'));
  }
  const dispatcher = createDispatcher(options.adapters ?? [], ctx, consent, (name, payload) => {
    if (name === 'error') report(payload as TrackerEvents['error']);
    else events.emit(name, payload);
  }, (name) => events.has(name), !!options.staggerLoads, signal);

  /** The page-experience file, held while analytics is denied (its metrics go to analytics destinations only). */
  let vitalsOnGrant: (() => void) | undefined;
  const applyConsent = (changed: ConsentCategory[], again?: boolean) => {
    if (vitalsOnGrant && consent.status.analytics === 'granted') { const go = vitalsOnGrant; vitalsOnGrant = undefined; go(); }
    for (const c of changed) {
      const user = identity.userId;
      identity.allow(c, consent.status[c] === 'granted');
      if (c === 'analytics' && consent.status[c] === 'granted') {
        forgetLink();
        const sid = identity.session(Date.now()).id;
        // The user too, when it is the one an earlier page stored (not one identify() named on this page after the event).
        const stored = user === undefined ? identity.userId : undefined;
        for (const e of provisional) {
          e.anonymousId = identity.anonymousId();
          e.sessionId = sid;
          if (e.userId === undefined && stored !== undefined) e.userId = stored;
        }
      }
      if (c === 'analytics') {
        // A site that used the collector and no longer does: its old outbox goes too (plan QA 2026-12-06).
        if (consent.status[c] === 'denied' && !options.adapters?.some((a) => a?.name === 'collector')) options.dropOutbox?.();
        provisional.length = 0;
        dedupe.allow(consent.status[c] === 'granted');
        // Signed out before this answer: what earlier pages stored of the journey was the previous user's.
        if (identity.renewed) { identity.renewed = false; journey.drop(); }
        journey.allow(consent.status[c] === 'granted');
        checkSoon();
      }
    }
    dispatcher.consentChanged(changed, again);
    if (consent.status.analytics !== 'pending') for (const claim of waiting.splice(0)) claim();
  };
  /** After shutdown() the tracker sends nothing more: a late call (an SPA's stale handler) is reported, not forwarded. */
  let down = false;
  const closed = (path: string) => report({ path, reason: 'the tracker was shut down; nothing was sent' });
  const tracker: Tracker<P> = {
    track(name: string, props?: unknown) {
      if (down) return closed('track');
      // try/catch inline rather than safely(): no closure per call, this runs on the host page's time.
      try { accept(name, props as Record<string, unknown> | undefined); } catch (e) { failed('track', e); }
    },
    page() {
      if (down) return closed('page');
      safely('page', () => {
        dispatcher.settle(); // conversions tracked before go out first, held for consent too
        pageFired.clear(); // a new page view: once_per_page conversions may fire again
        identity.session(Date.now()); // a route is activity: the visit goes on (identity QA 2026-12-06: a new session 30 min after the last conversion)
        checkSoon();
        pageChanged(); // the page is cached for the task: a track() before the route change read the old one
        const page = pageContext();
        // `1`: an adapter whose load is still to come (the script tag loads them a task after a grant) loads first, so it counts this page view.
        // `past`: the visitor is no longer on that page (held for consent, or a route the script tag replays).
        const view = (cat: ConsentCategory) => dispatcher.each(cat, (a, c) => a.page?.(page, c, page.url !== (browser()?.location?.href ?? page.url)), 1);
        for (const cat of CATEGORIES) {
          if (consent.status[cat] === 'granted') view(cat);
          else if (consent.status[cat] === 'pending') consent.hold(cat, () => view(cat));
        }
      });
    },
    identify(userId, traits) {
      if (down) return closed('identify');
      safely('identify', () => {
        if (userId !== null && typeof userId !== 'string') return report({ path: 'identify', reason: 'the user id must be a text (or null to forget the user)' });
        dispatcher.settle(); // conversions tracked before go out as the visitor they were tracked for (adapters read the user when they send)
        const before = identity.anonymousId();
        if (userId === null) forgetLink();
        identity.setUser(userId, traits && typeof traits === 'object' ? traits : {});
        if (identity.anonymousId() !== before) journey.reset(); // a sign-out made a new visitor
        const who = ctx.identity();
        // Granted categories only: an adapter loaded before a withdrawal stays loaded, and must hear
        // nothing more (undecided ones are not loaded yet and read the user when they load).
        for (const cat of CATEGORIES) if (consent.status[cat] === 'granted') dispatcher.each(cat, (a, c) => a.identify?.(who, c));
      });
    },
    consent(update: ConsentUpdate) {
      if (down) return closed('consent');
      safely('consent', () => {
        // A banner's `true` or "accepted" is no decision: said, not guessed (consent is the law here);
        // the categories given as "granted" or "denied" still count, "pending" leaves one undecided.
        const o = update && typeof update === 'object';
        const v: unknown[] = o ? [update.analytics, update.ads] : [1];
        if (v.every((x) => x === undefined) || v.some((x) => x != null && x !== 'granted' && x !== 'denied' && x !== 'pending')) report({ path: 'consent', reason: 'expected { analytics: "granted" | "denied", ads: "granted" | "denied" }; anything else decides nothing' });
        if (!o) return;
        dispatcher.settle(); // conversions tracked before this decision go out under the consent they were tracked with
        // A grant Global Privacy Control overrides: Google's tag is told the denial again, after
        // what a consent platform that writes Consent Mode itself may have just granted there.
        const overridden = consent.gpc && update.ads === 'granted';
        if (debug && overridden) warn('ads stays denied: the browser sends Global Privacy Control (plan consent.gpc)');
        const hadAds = consent.status.ads === 'granted';
        applyConsent(consent.update(update), overridden);
        // An ads withdrawal reaches the collector's store as the visitor's latest word, even on
        // their last page: the offline export must not share a click they took back.
        if (hadAds && consent.status.ads === 'denied' && consent.status.analytics === 'granted') hooks.signal('consent_updated', {}, false, true);
      });
    },
    async flush() {
      safely('journey', journey.save);
      await dedupe.settled(); // conversions whose claim is in flight are delivered first
      const work: Promise<unknown>[] = [];
      dispatcher.each('all', (a) => { if (a.flush) work.push(a.flush('manual').catch(() => undefined)); });
      await Promise.all(work);
    },
    on,
    // Only under an ads grant: a page hands them to its own server for offline uploads to the ad platforms.
    clickIds: () => (consent.status.ads === 'granted' ? identity.clickIds(Date.now()) : {}),
    // Before the linker's file is in, after shutdown() or on failure: the address as given.
    linkUrl: (url: string) => (decorate && typeof url === 'string' ? ask('linkUrl', () => decorate!(url), url) : url),
    funnel: (name) => ask('funnel', () => journey.api.funnel(name), undefined),
    cart: () => ask('cart', journey.api.cart, { items: [], value: 0 }),
    variant: (name) => ask('variant', () => journey.api.variant(name), undefined) as never,
    experiment: (name, variant) => safely('experiment', () => journey.api.experiment(name, variant)),
    async shutdown() {
      down = true;
      stopPlatform?.();
      dispatcher.settle(); // conversions tracked before go out, loading their adapter if need be (the script tag loads them in steps)
      dispatcher.stop();
      const flushed = tracker.flush();
      await dedupe.settled(); // orders whose claim was in flight are forwarded: their funnel steps are asked for
      safely('journey', journey.save); // written now, before the journey's listeners go
      life?.abort();
      await flushed;
      const work: Promise<unknown>[] = [];
      dispatcher.each('all', (a) => { if (a.shutdown) work.push(a.shutdown().catch(() => undefined)); });
      await Promise.all(work);
    },
  };

  /** One `track()` call: looked up, validated, limited, enriched, claimed once per dedupe key, forwarded. */
  function accept(name: string, props: Record<string, unknown> | undefined, cur?: string): void {
    const c = conversionOf(name);
    if (!c) return;
    const valid = checked(c, props);
    if (valid === false) return;
    props = valid;
    const now = Date.now();
    // A session or user limit is analytics storage too: undecided, it is judged once the visitor
    // decides, against what earlier pages recorded (once QA 2026-12-06: a pricing page under a
    // consent platform counted on every page of the visit).
    // With ads granted the conversion goes to the ad tools now, as before, limited by this page's memory.
    const undecided = consent.status.analytics === 'pending' && consent.status.ads !== 'granted';
    const later = !!c.limit && c.limit !== 'once_per_page' && undecided;
    const held = c.limit && !later && limited(c.name, c.limit, now);
    // A copy (snapshot above): the page may reuse its cart's array and item objects, and destinations
    // that read them later (the collector builds its message in a task of its own) get them as they were now.
    const own: Record<string, unknown> = props ?? {};
    const event = made(enrich(plan, c, own, identity, now, consent.snapshot(), cur));
    if (debug && own.currency != null && event.value !== undefined && event.currency !== String(own.currency).toUpperCase()) {
      warn(`${name}: currency ${JSON.stringify(own.currency)} is not an ISO 4217 code; the value goes in the plan's currency (${plan.currency ?? 'none'})`);
    }
    // The journey never costs a conversion: its failures are reported apart. A visitor back
    // after leaving their cart hears of it before this conversion changes the cart.
    try { journey.before(name, now); journey.annotate(event); journey.accepted(event, now); } catch (e) { failed('journey', e); }
    // Held back by its limit: the cart still follows it (an order empties it), as it follows a duplicate; nothing is sent.
    if (held) return skipped(c);
    const prop = c.dedupe && dedupeKey(c);
    const key = prop && event.properties[prop];
    if (!((typeof key === 'string' && key) || typeof key === 'number')) {
      // Behind a conversion that waits for the decision, this one waits too: they go out in the order
      // tracked (one with a dedupe key once its key is checked, after those behind it: docs/consent.md).
      if (!later && !(waiting.length && undecided)) return forward(event, now);
      if (wait(c, later, () => forward(event, Date.now()), event)) waits(event);
      return;
    }
    // Exactly once: forwarded only if no page (this one, an earlier one, another tab) forwarded this
    // key. An e-mail address is one key in any letter case, as its event id is (once QA 2026-12-06).
    const value = typeof key === 'string' && key.includes('@') ? key.toLowerCase() : String(key);
    let waited = false;
    const claim = () => dedupe.claim(name, value, (c.dedupe as { days?: number }).days, now, (first) => safely('track', () => {
      if (first) return forward(event, Date.now());
      const reason = `duplicate ${prop} ${value}`;
      events.emit('duplicate', { conversion: name, key: value, event });
      skip(name, reason, waited ? event : undefined);
      if (debug) warn(`${name}: not sent again (${reason})`);
    }));
    if (consent.status.analytics !== 'pending') return claim();
    // The record of forwarded keys is analytics storage: until the visitor decides, this conversion waits, for every destination.
    if ((waited = wait(c, later, claim, event))) waits(event);
  }

  /**
   * The properties of a `track()` call checked against conversion `c`: a copy (snapshot), a
   * currency code in capitals; false when a problem was reported (nothing is sent).
   */
  function checked(c: NormalisedConversion, input: unknown): Record<string, unknown> | undefined | false {
    const name = c.name;
    let props = snapshot(c.properties, input) as Record<string, unknown> | undefined;
    let problems = validateProperties(c.properties, props);
    // "usd" is USD (docs/api.md), where the plan's rule takes capitals only (^[A-Z]{3}$, as docs/plan.md
    // shows): it refused the whole order (money QA 2026-12-06). A plan that lists "usd" keeps it.
    const given = props?.currency;
    if (problems.length && typeof given === 'string' && /^[a-z]{3}$/i.test(given)) {
      const upper = { ...props, currency: given.toUpperCase() };
      const again = validateProperties(c.properties, upper);
      if (again.length < problems.length) { props = upper; problems = again; }
    }
    if (problems.length) {
      for (const p of problems) report({ path: `conversions.${name}.${p.path}`, reason: `${p.path.replace(/^properties\./, '')} ${p.reason}; the conversion was not sent`, conversion: name });
      return false;
    }
    return props;
  }

  /** A conversion waiting for the analytics decision (its limit or dedupe key needs storage) is said at once (docs QA 2026-12-06). */
  function waits(event: ConversionEvent): void {
    if (events.has('waiting')) events.emit('waiting', { event });
    if (debug) logConversion(event, Object.fromEntries(Object.keys(event.send).map((d) => [d, dispatcher.adapters.has(d as keyof typeof event.send) ? 'waiting for analytics consent' : 'not sent: no adapter for it was given to createTracker'])));
  }

  /**
   * `skipped` said; with `event` when the conversion had been `waiting`, so that the listener knows
   * which of the waiting ones it was (diff read 2026-12-06).
   */
  function skip(conversion: string, reason: string, event?: ConversionEvent): void {
    events.emit('skipped', event ? { event, conversion, reason } : { conversion, reason });
  }

  /** A conversion held back by its limit: said, nothing sent. */
  function skipped(c: NormalisedConversion, event?: ConversionEvent): void {
    if (events.has('skipped')) skip(c.name, `limit ${c.limit}`, event);
    if (debug) warn(`${c.name}: not sent again (limit ${c.limit})`);
  }

  /** `go` once the visitor decided on analytics; first its limit, when that waited for the decision too (`later`). */
  function wait(c: NormalisedConversion, later: boolean, go: () => void, event: ConversionEvent): boolean {
    if (waiting.length >= BUFFER_LIMIT) {
      report({ path: `conversions.${c.name}`, reason: 'the buffer of events waiting for analytics consent is full; this conversion will not be sent', conversion: c.name });
      return false;
    }
    waiting.push(later ? () => (limited(c.name, c.limit!, Date.now()) ? skipped(c, event) : go()) : go);
    return true;
  }

  function forward(event: ConversionEvent, now: number): void {
    try { journey.forwarded(event, now); } catch (e) { failed('journey', e); }
    const destinations = dispatcher.deliver(event, debug);
    if (events.has('event')) events.emit('event', { event, destinations: Object.keys(event.send) as (keyof typeof event.send)[] });
    if (destinations) logConversion(event, destinations);
  }

  function limited(name: string, limit: string, now: number): boolean {
    if (limit === 'once_per_page') { if (pageFired.has(name)) return true; pageFired.add(name); return false; }
    const scope = limit === 'once_per_session' ? 'session' : 'user';
    identity.session(now);
    if (identity.fired(scope, name)) return true;
    identity.markFired(scope, name);
    return false;
  }

  // Categories the plan grants by default open now (the script tag: in a task of its own, before
  // it replays the page's calls; reading first-party storage the first time costs milliseconds);
  // pending ones wait for the visitor. Ads denied by Global Privacy Control is a denial already:
  // the ad click ids an earlier page stored (mp_clk) go now; the vendors' own cookies are theirs.
  const open = () => applyConsent(CATEGORIES.filter((c) => consent.status[c] !== 'pending'));
  if (options.staggerLoads) nextTask(() => safely('consent', open)); else open();
  // Page experience: web-vitals reads the buffered entries, so it can start after the page has loaded, when the browser is idle.
  // web-vitals 6 calls Array#at (and its attribution build Array#findLast) unguarded: where they
  // are missing (Chrome before 92 and 97, Safari before 15.4) its observers threw into the page
  // (compat QA 2026-12-07), so such a browser measures nothing rather than break the page.
  const able = plan.vitals && 'at' in [] && (!plan.vitals.attribution || 'findLast' in []);
  if (plan.vitals && !able && debug) warn('this browser lacks what web-vitals needs (Array.prototype.at, findLast): no Core Web Vitals are measured');
  if (able && options.loadVitals) {
    const load = options.loadVitals;
    const go = () => load(plan.vitals!.attribution).then(
      // A file that loaded but is something else (an HTML error page) has no startVitals: said as not loaded.
      (m) => safely('vitals', () => { if (!signal?.aborted) m.startVitals({ update: journey.vital, final: (s) => safely('vitals', () => journey.finalVital(s)), signal }); }),
      // Said always, like the consent reader: a file not deployed beside the tag is a setup mistake.
      () => warn(`measureplan.vitals${plan.vitals!.attribution ? '-attribution' : ''}.js could not be loaded: no Core Web Vitals are measured`),
    );
    // Not loaded for a visitor who said no to analytics (page-experience QA 2026-12-06); a grant later on the page loads it.
    afterLoadWhenIdle(() => { if (consent.status.analytics === 'denied') vitalsOnGrant = go; else void go(); }, signal);
  }
  // The site's consent banner, when the plan names its platform: its answers are the visitor's decisions.
  let stopPlatform: (() => void) | undefined;
  if (plan.consent.cmp && options.followPlatform) {
    const name = plan.consent.cmp;
    Promise.resolve()
      .then(() => down ? undefined : options.followPlatform!(name, {
        onDecision: (update) => tracker.consent(update),
        warn: (message) => { if (debug) warn(message); },
        // Google Consent Mode written again by the platform: Global Privacy Control's denial goes after it.
        again: () => { if (consent.gpc && !down) dispatcher.consentChanged([], true); },
      }))
      // A shutdown() while the reader was loading stops it as soon as it is in.
      // Said on every page, debug or not: without the reader no decision comes, and the plan's
      // undecided categories send nothing at all (a setup mistake: the file not uploaded beside the tag).
      .then((stop) => { if (down) stop?.(); else stopPlatform = stop; }, () => warn(`the ${name} consent reader could not be loaded (measureplan.cmp.js beside the tag); the plan's default consent stays in force until the site calls consent()`));
  }
  // The live consent state, for the script tag's debug panel (not part of the public API).
  Object.defineProperty(tracker, '__consent', { value: consent.status });
  return tracker;
}
