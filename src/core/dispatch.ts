/**
 * The dispatcher: the one place adapters are isolated. It loads each adapter once its consent
 * category is granted, holds deliveries while consent is pending, and makes sure a throwing,
 * rejecting or hanging adapter is reported and never reaches the other adapters or the page.
 */
import type { ConsentCategory, DestinationName } from '../plan/types';
import type { Consent } from './consent';
import type { Adapter, AdapterContext, ConversionEvent, TrackerEvents } from './types';
import { nextTask, onLeave } from './env';

export const HANG_MS = 10_000;
/**
 * Conversions one run of the page's code hands to the vendors at once. More than that in one run
 * (a page's loop, the script tag replaying queued calls) follow in tasks of their own, in order,
 * at most SLICE_MS each: the page's task ends sooner and the browser can respond in between.
 */
export const AT_ONCE = 20;
const SLICE_MS = 5;
const clock = () => (typeof performance === 'object' ? performance.now() : Date.now());
type Emit = <K extends keyof TrackerEvents>(name: K, payload: TrackerEvents[K]) => void;
type Held = () => void;

export interface Dispatcher {
  /** Sends (or holds) a conversion for each destination in its `send`; with `explain`, returns what happened per destination (for debug output). */
  deliver(event: ConversionEvent, explain?: boolean): Record<string, string> | undefined;
  /** Runs `hook` on every loaded adapter of a category; with `load` (a granted category only), its configured adapters not loaded yet load first. */
  each(category: ConsentCategory | 'all', hook: (a: Adapter, ctx: AdapterContext) => unknown, load?: 1): void;
  /** `again`: the loaded adapters say the unchanged state again (see Adapter.consent). */
  consentChanged(changed: ConsentCategory[], again?: boolean): void;
  /** shutdown(): no adapter is loaded from now on (a staggered load still waiting is cancelled). */
  stop(): void;
  /** Hands every conversion still waiting for its task to the adapters now (before a consent change, on leaving). */
  settle(): void;
  adapters: Map<DestinationName, Adapter>;
}

/**
 * `stagger`: a grant loads each adapter in a task of its own (the script tag, while the page
 * loads), unless a conversion for it comes first, which loads it at once.
 */
export function createDispatcher(adapters: Adapter[], ctx: AdapterContext, consent: Consent<Held>, tell: Emit, listening: (name: keyof TrackerEvents) => boolean = () => true, stagger = false, signal?: AbortSignal): Dispatcher {
  /**
   * Handing over conversions of earlier track() calls (a slice, or a settle() before another
   * call): no caller is there to throw to. A strict tracker's throw after its `error` event is
   * dropped there, so that it costs neither the conversions after it nor the call that settled.
   */
  let handing = false;
  const emit: Emit = (name, payload) => {
    if (!handing) return tell(name, payload);
    try { tell(name, payload); } catch { /* strict: the error event went out */ }
  };
  const byName = new Map<DestinationName, Adapter>();
  for (const a of adapters) if (a && !byName.has(a.name)) byName.set(a.name, a);
  const loaded = new Set<Adapter>();
  /** Adapters whose vendor script was blocked, with the reason: their conversions reach no vendor on this page. */
  const blocked = new Map<Adapter, string>();
  // Each adapter gets its own context, so that its `error()` names it.
  const contexts = new Map<Adapter, AdapterContext>();
  const ctxOf = (a: Adapter): AdapterContext => {
    let c = contexts.get(a);
    if (!c) {
      contexts.set(a, (c = {
        ...ctx,
        error: (reason, detail) => emit('error', { path: `destinations.${a.name}`, reason, destination: a.name, detail }),
        // Once, from the script's load (no caller to throw to): the conversions after it say so too.
        blocked: (reason) => {
          if (blocked.has(a)) return;
          blocked.set(a, reason);
          try { tell('error', { path: `destinations.${a.name}`, reason, destination: a.name }); } catch { /* strict: the error event went out */ }
        },
        // Its tag is added a task later: not when the category was withdrawn meanwhile.
        loadScript: (src) => ctx.loadScript(src, () => consent.status[a.category] === 'granted'),
      }));
    }
    return c;
  };

  const fail = (a: Adapter, step: string, e: unknown, event?: ConversionEvent) => emit('error', {
    path: `adapters.${a.name}.${step}`,
    reason: `${a.name} ${step} failed: ${(e as Error)?.message ?? String(e)}`,
    destination: a.name,
    ...(event ? { conversion: event.name } : {}),
    detail: e,
  });

  // Unfinished async hooks, checked by one watchdog timer rather than a timer per call:
  // a send runs for every conversion, on the host page's time.
  const running = new Map<Promise<unknown>, { a: Adapter; step: string; event?: ConversionEvent; since: number }>();
  let watchdog: ReturnType<typeof setInterval> | undefined;
  const watch = () => {
    const now = Date.now();
    for (const [p, r] of running) {
      if (now - r.since < HANG_MS) continue;
      running.delete(p);
      fail(r.a, r.step, new Error(`did not finish within ${HANG_MS / 1000} s`), r.event);
    }
    if (!running.size) { clearInterval(watchdog); watchdog = undefined; }
  };

  let stopped = false;
  /** Calls one adapter hook; errors and hangs become `error` events, never exceptions. */
  const guard = (a: Adapter, step: string, fn: () => unknown, event?: ConversionEvent) => {
    try {
      const r = fn() as Promise<unknown> | undefined;
      if (r && typeof r.then === 'function') {
        if (step === 'load') { r.then(undefined, (e) => { if (!stopped) fail(a, step, e); }); return; } // a slow vendor script is not a hang; after shutdown() a cancelled one is no failure
        running.set(r, { a, step, event, since: Date.now() });
        watchdog ??= setInterval(watch, HANG_MS / 4);
        r.then(() => { running.delete(r); }, (e) => { if (running.delete(r)) fail(a, step, e, event); });
      }
    } catch (e) {
      fail(a, step, e, event);
    }
  };

  const ensureLoaded = (a: Adapter) => {
    if (stopped || loaded.has(a)) return;
    loaded.add(a);
    guard(a, 'load', () => a.load(ctxOf(a)));
  };

  /**
   * Hands one conversion to one adapter; false when its send threw (an `error` event, no `sent`)
   * or its script was blocked (handed to the vendor's queue all the same: the page's own tag
   * manager may read it, but no `sent`: the vendor gets nothing; contract QA 2026-12-06).
   */
  const send = (a: Adapter, event: ConversionEvent): boolean => {
    ensureLoaded(a);
    if (!loaded.has(a)) return false; // after shutdown()
    // guard() inlined: this runs once per destination of every conversion.
    try {
      const r = a.send(event, ctxOf(a));
      if (r && typeof r.then === 'function') guard(a, 'send', () => r, event);
    } catch (e) {
      fail(a, 'send', e, event);
      return false;
    }
    if (blocked.has(a)) return false;
    if (listening('sent')) emit('sent', { event, destination: a.name });
    return true;
  };

  const configured = (a: Adapter) => a.name in ctx.plan.destinations;

  /** Each conversion's destinations with their adapters, worked out once per `send` spec. */
  const routes = new WeakMap<object, [string, Adapter | undefined][]>();
  const route = (send: object) => {
    let r = routes.get(send);
    if (!r) routes.set(send, (r = Object.keys(send).map((dest) => [dest, byName.get(dest as DestinationName)])));
    return r;
  };

  const deliverNow = (event: ConversionEvent, explain?: boolean): Record<string, string> | undefined => {
    // The common path (no debug) allocates no explanation: track() runs on the host page's time.
    const result: Record<string, string> | undefined = explain ? {} : undefined;
    const r = route(event.send);
    // An index loop: destructuring for-of allocated an iterator and entries on every conversion.
    for (let k = 0; k < r.length; k++) {
      const dest = r[k]![0];
      const a = r[k]![1];
      if (!a) { if (result) result[dest] = 'not sent: no adapter for it was given to createTracker'; continue; }
      const state = consent.status[a.category];
      let what: string;
      if (state === 'granted') what = send(a, event) ? 'sent' : blocked.has(a) ? `failed: ${blocked.get(a)}` : 'failed (see the error)';
      else if (state === 'denied') { what = `not sent: ${a.category} consent denied`; emit('skipped', { event, conversion: event.name, reason: `${dest}: ${a.category} consent denied` }); }
      else if (consent.hold(a.category, () => send(a, event))) what = `waiting for ${a.category} consent`;
      else {
        what = 'not sent: the consent buffer is full';
        emit('error', { path: `conversions.${event.name}`, reason: `the buffer of events waiting for ${a.category} consent is full; ${dest} will not receive this conversion`, conversion: event.name, destination: a.name });
      }
      if (result) result[dest] = what;
    }
    return result;
  };

  // Conversions beyond AT_ONCE in one run of the page's code, oldest first from `head`.
  let backlog: (ConversionEvent | undefined)[] = [];
  let head = 0;
  let run = 0;
  let scheduled = false;
  /** Hands the oldest waiting conversion over. */
  const next = () => {
    const e = backlog[head]!;
    backlog[head++] = undefined;
    const was = handing;
    handing = true;
    try { deliverNow(e); } catch (x) { emit('error', { path: 'dispatch', reason: `unexpected failure: ${(x as Error)?.message ?? x}`, detail: x }); } finally { handing = was; }
  };
  const drain = () => {
    scheduled = false;
    const until = clock() + SLICE_MS;
    while (head < backlog.length) {
      next();
      if ((head & 7) === 0 && clock() > until) break;
    }
    if (head < backlog.length) { scheduled = true; nextTask(drain); } else { backlog = []; head = 0; }
  };
  const settle = () => {
    while (head < backlog.length) next();
    backlog = []; head = 0;
  };
  // Leaving: what is still waiting goes to the vendors before their tags and the collector send
  // their last requests (their listeners are added when they load, after these). Until the page
  // is shown again every conversion goes at once: a task after pagehide may never run.
  let leaving = false;
  onLeave(() => { leaving = true; settle(); }, () => { leaving = false; }, signal);

  const d: Dispatcher = {
    adapters: byName,
    stop() { stopped = true; },
    settle,
    deliver(event, explain) {
      if (explain) { settle(); return deliverNow(event, explain); } // debug output explains each conversion as it is tracked
      if (head === backlog.length && (++run <= AT_ONCE || leaving)) {
        if (run === 1) queueMicrotask(() => { run = 0; }); // the end of this run of the page's code
        deliverNow(event);
        return undefined;
      }
      backlog.push(event);
      if (!scheduled) { scheduled = true; nextTask(drain); }
      return undefined;
    },
    each(category, hook, load) {
      settle(); // page(), identify(), flush() and shutdown() come after the conversions before them
      for (const a of byName.values()) {
        if (category !== 'all' && a.category !== category) continue;
        if (load && configured(a)) ensureLoaded(a);
        if (loaded.has(a)) guard(a, 'hook', () => hook(a, ctxOf(a)));
      }
    },
    consentChanged(changed, again) {
      const before = [...loaded]; // adapters loading now read the current consent themselves
      for (const cat of changed) {
        const granted = consent.status[cat] === 'granted';
        for (const a of byName.values()) {
          if (a.category !== cat || !configured(a)) continue;
          // The vendor tag's own page view starts with consent (still granted when a staggered load runs).
          if (granted && !loaded.has(a)) {
            if (stagger) nextTask(() => { if (consent.status[a.category] === 'granted') ensureLoaded(a); });
            else ensureLoaded(a);
          }
        }
        // A denial deletes what the category's adapters stored, on this page or an earlier one.
        if (consent.status[cat] === 'denied') for (const a of byName.values()) if (a.category === cat && a.forget) guard(a, 'forget', () => a.forget!(ctxOf(a)));
        const held = consent.take(cat);
        if (granted) for (const run of held) run();
      }
      for (const a of before) if (a.consent) guard(a, 'consent', () => a.consent!(consent.status, ctxOf(a), again));
    },
  };
  return d;
}
