/**
 * `createTestTracker` and its recorder: one recording destination per destination name,
 * each with its real consent category, so the dispatcher treats it exactly like the real one
 * (loaded only after its category is granted, held while consent is pending, nothing after a
 * denial). Each keeps the canonical conversion it received and, by running the real adapter
 * against a window of its own whose vendor functions only record, the vendor calls it made.
 */
import { adsWithdrawn, builtWithoutClickIds, identifyMessage, pageMessage, trackMessage, type Message } from '../../adapters/collector/message';
import { ga4 } from '../../adapters/ga4/index';
import { googleAds } from '../../adapters/google-ads/index';
import { linkedin } from '../../adapters/linkedin/index';
import { meta } from '../../adapters/meta/index';
import { microsoftAds } from '../../adapters/microsoft-ads/index';
import { createTracker } from '../core/create';
import { browser, uuid } from '../core/env';
import { pageContext } from '../core/enrich';
import { planProblems, type StartOptions, type TrackerOptions } from '../core/tracker';
import type { Adapter, AdapterContext, ConversionEvent, Identity, Tracker, TrackerEvents } from '../core/types';
import { parsePlan } from '../plan/parse';
import type { ConsentCategory, ConsentSettings, DestinationName, JsonPlan, Plan, PlanInput, PlanOption, TypedPlan } from '../plan/types';

/** Every destination a plan can name, in the plan's order. */
export const DESTINATIONS: readonly DestinationName[] = ['ga4', 'googleAds', 'meta', 'linkedin', 'microsoftAds', 'collector'];
const CATEGORY: Record<DestinationName, ConsentCategory> = { ga4: 'analytics', collector: 'analytics', googleAds: 'ads', meta: 'ads', linkedin: 'ads', microsoftAds: 'ads' };
const REAL: Record<Exclude<DestinationName, 'collector'>, () => Adapter> = { ga4, googleAds, meta, linkedin, microsoftAds };

/** One conversion as one destination received it. */
export interface SentConversion {
  destination: DestinationName;
  /** The conversion's name in the plan (`purchase`). */
  conversion: string;
  /** What the plan's `send` calls it at this destination: the GA4 or Meta event, the Google Ads label, the LinkedIn conversion id, the UET action. */
  as?: string | number;
  /** The canonical event: name, value, currency, items, id, properties, consent, page. */
  event: ConversionEvent;
}

/** What the destinations of a test tracker received. */
export interface Recorder {
  /** Every conversion of the plan sent, in order; with a destination, only what that destination received. Journey signals (experiment exposures, web vitals) are not conversions: their vendor calls are in `calls()`. */
  sent(destination?: DestinationName): SentConversion[];
  /** The distinct conversions that reached at least one destination, in order; with a name, only those. */
  conversions(name?: string): ConversionEvent[];
  /**
   * The vendor calls the real adapter made for this destination, as argument lists: `gtag(…)`
   * for ga4 and googleAds, `fbq(…)` for meta, `lintrk(…)` for linkedin, `uetq.push(…)` for
   * microsoftAds; for the collector, the Segment messages it would POST (`['track', message]`).
   */
  calls(destination: DestinationName): unknown[][];
  /** What the tracker rejected or what failed (an unknown conversion, a bad property, an adapter error). */
  errors(): TrackerEvents['error'][];
  /** Conversions not sent to a destination, with the reason (a limit, a consent denial). */
  skipped(): TrackerEvents['skipped'][];
  /** The adapters' warnings: a vendor rule a conversion broke and what was dropped or cut for it. */
  warnings(): string[];
  /** Forgets everything recorded so far (the tracker, its consent and its limits stay as they are). */
  reset(): void;
  /** The checked plan the tracker runs (set once the tracker has started). */
  readonly plan: Plan | undefined;
}

export const RECORDER = Symbol.for('measureplan.testing.recorder');
export const isRecorder = (x: unknown): x is Recorder => !!x && typeof x === 'object' && (x as Record<symbol, unknown>)[RECORDER] === true;

interface Log {
  sent: SentConversion[];
  calls: Map<DestinationName, unknown[][]>;
  errors: TrackerEvents['error'][];
  skipped: TrackerEvents['skipped'][];
  warnings: string[];
}

/**
 * A window of its own for one destination: the vendor's global function already there, so the
 * real adapter uses it instead of installing the vendor's queue, and every call is recorded.
 * (Meta's stand-in holds no pixel of its own, so the adapter sends `track` as on a shop's page.)
 */
function vendorWindow(record: (args: unknown[]) => void): AdapterContext['window'] {
  const rec = () => (...args: unknown[]) => { record(args); };
  const fbq = Object.assign(rec(), { queue: [], loaded: true, version: '2.0' });
  const uetq = Object.assign([], { push: rec() });
  return {
    // The page's address, read when asked (jsdom's, after the test's route changes; none in plain
    // Node): GA4's adapter names the page a conversion was tracked on when the page has moved on
    // since, as on a real page (kit QA 2026-12-07: page_location missing from calls('ga4')).
    get location() { return browser()?.location; },
    gtag: rec(),
    fbq,
    _fbq: fbq,
    lintrk: rec(),
    uetq,
    // What bat.js provides: the queue becomes the tag (the adapter then pushes UET's pageLoad).
    UET: function UET() { return uetq; },
  } as unknown as AdapterContext['window'];
}

/**
 * The collector, as messages: what it would POST, without a network, a timer or IndexedDB. The
 * kit's POST is `tracker.flush()`: until then a message waits, as in the real collector's outbox
 * (which POSTs within its flushInterval), and an ads withdrawal takes the click ids out of it.
 */
function collectorRecorder(record: (args: unknown[]) => void, unrecord: (args: unknown[]) => void): Adapter {
  /** Recorded, not yet POSTed: each call as recorded (changed in place) and, for a conversion, what it is built from. */
  let waiting: { call: unknown[]; event?: ConversionEvent; consent?: ConversionEvent['consent'] }[] = [];
  const keep = (call: unknown[], event?: ConversionEvent, consent?: ConversionEvent['consent']) => {
    record(call);
    waiting.push({ call, event, consent });
  };
  // The ads decision is passed on as the real collector does: it decides whether the page's URL
  // and referrer keep their click ids (without it, every message looked as if ads were denied).
  const identify = (who: Identity, ctx: AdapterContext) => {
    keep(['identify', identifyMessage(uuid(), who, pageContext(), who.anonymousId, new Date().toISOString(), ctx.consent().ads)]);
  };
  const page: NonNullable<Adapter['page']> = (current, ctx) => {
    if (!ctx.plan.destinations.collector?.pages) return;
    const who = ctx.identity();
    keep(['page', pageMessage(uuid(), current, who.anonymousId, who.userId, new Date().toISOString(), { ...ctx.consent() }, ctx.clickIds?.())]);
  };
  return {
    name: 'collector',
    category: 'analytics',
    load(ctx) {
      // As the real collector: with `pages: true` the page the tracker started on is its first page
      // message, however much later the grant loads it (the tracker reports later page views through page()).
      page(ctx.landing ?? pageContext(), ctx);
      // As the real collector: an identify() made on this page before analytics consent is sent
      // once it is granted; a user only remembered from an earlier page was sent then (and is on
      // every message), so no identify for them (kit QA 2026-12-07).
      const who = ctx.identity();
      if (who.told) identify(who, ctx);
    },
    send(event, ctx) {
      const consent = { ...ctx.consent() };
      keep(['track', trackMessage(event, consent)], event, consent);
    },
    // Ads withdrawn before the POST: the real collector's own rewrite, for what still waits (kit QA 2026-12-07).
    consent(status) {
      // Analytics withdrawn before the POST: the real collector empties its outbox (docs/collector.md) (diff read 2026-12-06).
      if (status.analytics == 'denied') { for (const w of waiting) unrecord(w.call); waiting = []; return; }
      if (status.ads != 'denied') return;
      for (const w of waiting) {
        if (w.event) w.call[1] = trackMessage(w.event, (w.consent = adsWithdrawn(w.consent)));
        else w.call[1] = builtWithoutClickIds(w.call[1] as Message);
      }
    },
    // Sent: what a later withdrawal can no longer change.
    flush() { waiting = []; return Promise.resolve(); },
    page,
    identify,
  };
}

/** A recording destination: records the conversion, then lets the real adapter make its vendor calls on a window of its own. */
function recordingAdapter(name: DestinationName, log: Log): Adapter {
  const record = (args: unknown[]) => {
    let list = log.calls.get(name);
    if (!list) log.calls.set(name, (list = []));
    list.push(args);
  };
  const real = name === 'collector' ? collectorRecorder(record, (args) => {
    const list = log.calls.get(name)!;
    const i = list.indexOf(args);
    if (i >= 0) list.splice(i, 1);
  }) : REAL[name]();
  const window = name === 'collector' ? undefined : vendorWindow(record);
  const contexts = new WeakMap<AdapterContext, AdapterContext>();
  const own = (ctx: AdapterContext): AdapterContext => {
    let c = contexts.get(ctx);
    if (!c) {
      contexts.set(ctx, (c = {
        ...ctx,
        ...(window ? { window } : {}),
        loadScript: () => Promise.resolve(), // the vendor's script is never fetched
        warn: (message, detail) => { log.warnings.push(message); ctx.warn(message, detail); },
      }));
    }
    return c;
  };
  return {
    name,
    category: CATEGORY[name],
    load: (ctx) => real.load(own(ctx)),
    send(event, ctx) {
      const as = event.send[name] as Record<string, string | number> | undefined;
      const there = as?.event ?? as?.label ?? as?.conversionId;
      // A journey signal (an experiment exposure, a web vital) is no conversion of the plan: its
      // vendor calls are in calls(), and toHaveSentAnything() does not count it (kit QA 2026-12-06).
      if (event.kind !== 'signal') log.sent.push({ destination: name, conversion: event.name, ...(there !== undefined ? { as: there } : {}), event });
      return real.send(event, own(ctx));
    },
    consent: (status, ctx) => real.consent?.(status, own(ctx)),
    flush: (reason) => real.flush?.(reason) ?? Promise.resolve(),
    identify: (who, ctx) => real.identify?.(who, own(ctx)),
    page: (page, ctx) => real.page?.(page, own(ctx)),
  };
}

/** A recorder and the recording destinations that feed it (one per destination name). */
export function createRecorder(): { recorder: Recorder; adapters: Adapter[]; attach(tracker: AttachTarget, plan: Plan): void } {
  const log: Log = { sent: [], calls: new Map(), errors: [], skipped: [], warnings: [] };
  let plan: Plan | undefined;
  const recorder: Recorder = {
    sent: (destination) => (destination ? log.sent.filter((s) => s.destination === destination) : [...log.sent]),
    conversions(name) {
      const seen = new Set<ConversionEvent>();
      for (const s of log.sent) if ((name === undefined || s.conversion === name) && !seen.has(s.event)) seen.add(s.event);
      return [...seen];
    },
    calls: (destination) => [...(log.calls.get(destination) ?? [])],
    errors: () => [...log.errors],
    skipped: () => [...log.skipped],
    warnings: () => [...log.warnings],
    reset() {
      log.sent.length = 0;
      log.calls.clear();
      log.errors.length = 0;
      log.skipped.length = 0;
      log.warnings.length = 0;
    },
    get plan() { return plan; },
  };
  Object.defineProperty(recorder, RECORDER, { value: true });
  return {
    recorder,
    adapters: DESTINATIONS.map((d) => recordingAdapter(d, log)),
    attach(tracker, checked) {
      plan = checked;
      tracker.on('error', (e) => { log.errors.push(e); });
      tracker.on('skipped', (s) => { log.skipped.push(s); });
    },
  };
}

/** What the recorder listens to on the tracker. */
export interface AttachTarget {
  on<E extends 'error' | 'skipped'>(event: E, fn: (payload: TrackerEvents[E]) => void): () => void;
}

/** How a test tracker starts. */
export interface TestTrackerOptions<P extends PlanInput | JsonPlan> {
  /** The measurement plan under test (a `definePlan` literal, a codegen module, parsed or imported JSON). A plan with problems throws, listing them. */
  plan: P;
  /**
   * The visitor's decision the test starts with: both categories granted by default; given
   * categories override (`{ ads: 'denied' }`). `'undecided'` keeps the plan's default, as on a
   * page before the banner is answered: events wait until the test calls `tracker.consent()`.
   */
  consent?: ConsentSettings | 'undecided';
  /** A rejected call (unknown conversion, bad property) throws instead of only being recorded in `errors()`. */
  strict?: boolean;
  /** Keeps the visitor measureplan stored in this environment (`mp_` keys of localStorage): a returning visitor. Default: a new visitor each time. */
  keepStorage?: boolean;
  /** Logs every conversion and warning to the console, as the real tracker does in debug mode. */
  debug?: boolean;
}

/**
 * A tracker for tests: the real tracker (plan checks, validation, enrichment, limits, dedupe,
 * consent rules) with a recording destination for every destination a plan can name, and no
 * network, vendor script, timer or IndexedDB. `recorder` says what each destination received.
 * Consent is granted for the test unless `consent` says otherwise. Await `tracker.flush()`
 * before asserting: a conversion with a `dedupe` key is forwarded once its claim is decided.
 *
 * @example
 * const { tracker, recorder } = createTestTracker({ plan });
 * tracker.track('purchase', { transaction_id: 'T-1', value: 99, items });
 * await tracker.flush();
 * expect(recorder).toHaveSentConversion('purchase', { to: ['ga4', 'meta'], value: 99 });
 */
export function createTestTracker<const P extends PlanInput | JsonPlan>(options: TestTrackerOptions<P> & { plan: PlanOption<P> }): { tracker: Tracker<TypedPlan<P>>; recorder: Recorder } {
  const parsed = parsePlan(options?.plan);
  if (!parsed.ok) throw new Error(planProblems('the plan given to createTestTracker', parsed.errors));
  if (!options.keepStorage) forgetVisitor();
  const { recorder, adapters, attach } = createRecorder();
  // createTracker hands its options on to the tracker: `locks` is an internal start option.
  const start: TrackerOptions<P> & StartOptions = { plan: options.plan, adapters, locks: TEST_LOCKS, ...(options.strict ? { strict: true } : {}), ...(options.debug ? { debug: true } : {}) };
  const tracker = createTracker<P>(start as TrackerOptions<P> & { plan: PlanOption<P> });
  attach(tracker, parsed.plan);
  if (options.consent !== 'undecided') tracker.consent({ analytics: 'granted', ads: 'granted', ...options.consent });
  return { tracker, recorder };
}

/**
 * The test tracker's dedupe lock, in place of `navigator.locks` (missing in jsdom and Node, where
 * the tracker would otherwise claim a key by writing it and waiting 200 ms on a timer, which
 * `vi.useFakeTimers()` never runs: `await tracker.flush()` hung, kit QA 2026-12-07). In one
 * thread a claim's callback reads, checks and writes the record without anything coming between,
 * and no other tab waits for it, so the lock is granted in the next microtask and not held for
 * the wait the callback returns (that wait is for other tabs' storage). The browser's own lock and
 * its cross-tab claim are unchanged.
 */
const TEST_LOCKS: StartOptions['locks'] = {
  request: (_name, claim) => Promise.resolve().then(() => { void claim(); }),
};

/** Removes what measureplan stored for the visitor in this environment (jsdom, happy-dom, a browser). */
function forgetVisitor(): void {
  try {
    // sessionStorage too: what a full localStorage spilled there (src/core/storage.ts).
    for (const s of [browser()?.localStorage, browser()?.sessionStorage]) {
      if (!s) continue;
      const mine: string[] = [];
      for (let i = 0; i < s.length; i++) { const k = s.key(i); if (k?.startsWith('mp_')) mine.push(k); }
      for (const k of mine) s.removeItem(k);
    }
  } catch { /* storage blocked: nothing of ours is in it */ }
}
