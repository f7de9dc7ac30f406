/**
 * The dispatcher: the one place adapters are isolated. It loads each adapter once its consent
 * category is granted, holds deliveries while consent is pending, and makes sure a throwing,
 * rejecting or hanging adapter is reported and never reaches the other adapters or the page.
 */
import type { ConsentCategory, DestinationName } from '../plan/types';
import type { Consent } from './consent';
import type { Adapter, AdapterContext, ConversionEvent, TrackerEvents } from './types';

export const HANG_MS = 10_000;
type Emit = <K extends keyof TrackerEvents>(name: K, payload: TrackerEvents[K]) => void;
type Held = () => void;

export interface Dispatcher {
  /** Sends (or holds) a conversion for each destination in its `send`; returns what happened per destination. */
  deliver(event: ConversionEvent): Record<string, string>;
  /** Runs `fn` on every adapter of a category now, or when it is granted. */
  each(category: ConsentCategory | 'all', hook: (a: Adapter, ctx: AdapterContext) => unknown): void;
  consentChanged(changed: ConsentCategory[]): void;
  adapters: Map<DestinationName, Adapter>;
}

export function createDispatcher(adapters: Adapter[], ctx: AdapterContext, consent: Consent<Held>, emit: Emit): Dispatcher {
  const byName = new Map<DestinationName, Adapter>();
  for (const a of adapters) if (a && !byName.has(a.name)) byName.set(a.name, a);
  const loaded = new Set<Adapter>();
  // Each adapter gets its own context, so that its `error()` names it.
  const contexts = new Map<Adapter, AdapterContext>();
  const ctxOf = (a: Adapter): AdapterContext => {
    let c = contexts.get(a);
    if (!c) contexts.set(a, (c = { ...ctx, error: (reason, detail) => emit('error', { path: `destinations.${a.name}`, reason, destination: a.name, detail }) }));
    return c;
  };

  const fail = (a: Adapter, step: string, e: unknown, event?: ConversionEvent) => emit('error', {
    path: `adapters.${a.name}.${step}`,
    reason: `${a.name} ${step} failed: ${(e as Error)?.message ?? String(e)}`,
    destination: a.name,
    ...(event ? { conversion: event.name } : {}),
    detail: e,
  });

  /** Calls one adapter hook; errors and hangs become `error` events, never exceptions. */
  const guard = (a: Adapter, step: string, fn: () => unknown, event?: ConversionEvent) => {
    try {
      const r = fn() as Promise<unknown> | undefined;
      if (r && typeof r.then === 'function') {
        let done = false;
        const timer = setTimeout(() => { if (!done) fail(a, step, new Error(`did not finish within ${HANG_MS / 1000} s`), event); }, HANG_MS);
        r.then(() => { done = true; clearTimeout(timer); }, (e) => { done = true; clearTimeout(timer); fail(a, step, e, event); });
      }
    } catch (e) {
      fail(a, step, e, event);
    }
  };

  const ensureLoaded = (a: Adapter) => {
    if (loaded.has(a)) return;
    loaded.add(a);
    guard(a, 'load', () => a.load(ctxOf(a)));
  };

  const send = (a: Adapter, event: ConversionEvent) => {
    ensureLoaded(a);
    guard(a, 'send', () => a.send(event, ctxOf(a)), event);
    emit('sent', { event, destination: a.name });
  };

  const configured = (a: Adapter) => a.name in ctx.plan.destinations;

  const d: Dispatcher = {
    adapters: byName,
    deliver(event) {
      const result: Record<string, string> = {};
      for (const dest of Object.keys(event.send) as DestinationName[]) {
        const a = byName.get(dest);
        if (!a) { result[dest] = 'not sent: no adapter for it was given to createTracker'; continue; }
        const state = consent.status[a.category];
        if (state === 'granted') { send(a, event); result[dest] = 'sent'; }
        else if (state === 'denied') { result[dest] = `not sent: ${a.category} consent denied`; emit('skipped', { event, conversion: event.name, reason: `${dest}: ${a.category} consent denied` }); }
        else if (consent.hold(a.category, () => send(a, event))) result[dest] = `waiting for ${a.category} consent`;
        else {
          result[dest] = 'not sent: the consent buffer is full';
          emit('error', { path: `conversions.${event.name}`, reason: `the buffer of events waiting for ${a.category} consent is full; ${dest} will not receive this conversion`, conversion: event.name, destination: dest });
        }
      }
      return result;
    },
    each(category, hook) {
      for (const a of byName.values()) {
        if (category !== 'all' && a.category !== category) continue;
        if (loaded.has(a)) guard(a, 'hook', () => hook(a, ctxOf(a)));
      }
    },
    consentChanged(changed) {
      const before = [...loaded]; // adapters loading now read the current consent themselves
      for (const cat of changed) {
        const granted = consent.status[cat] === 'granted';
        for (const a of byName.values()) {
          if (a.category !== cat || !configured(a)) continue;
          if (granted && !loaded.has(a)) ensureLoaded(a); // the vendor tag's own page view starts with consent
        }
        const held = consent.take(cat);
        if (granted) for (const run of held) run();
      }
      for (const a of before) if (a.consent) guard(a, 'consent', () => a.consent!(consent.status, ctxOf(a)));
    },
  };
  return d;
}
