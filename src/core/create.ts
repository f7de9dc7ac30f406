import { checkPlan, normalise, readPlan } from '../plan/check';
import type { JsonPlan, PlanInput, PlanOption, TypedPlan } from '../plan/types';
import { inert, planProblems, startTracker, terse, type TrackerOptions } from './tracker';
import type { Adapter, Tracker } from './types';

/** Deletes the collector's IndexedDB outbox (database `measureplan`) where there is one, never creating it, and its localStorage stash. */
function dropOutbox(): void {
  // With what pages stashed in localStorage as they went (adapters/collector/queue.ts).
  try {
    const ls = globalThis.localStorage;
    for (const k of Object.keys(ls)) if (k.startsWith('mp_ob_')) ls.removeItem(k);
  } catch { /* storage blocked: nothing stashed */ }
  try {
    const idb = globalThis.indexedDB;
    idb?.databases?.().then((list) => { if (list.some((d) => d.name === 'measureplan')) idb.deleteDatabase('measureplan'); }, () => undefined);
  } catch { /* no IndexedDB: nothing stored */ }
}

/**
 * Creates a tracker for a measurement plan. With a plan from `definePlan`, every `track()` call
 * is checked at compile time; at run time the plan and every call are checked again.
 *
 * A broken plan logs one `console.error` listing every problem with its path (the explanations
 * are loaded only then, so valid plans never pay for their words) and returns a tracker that
 * does nothing.
 *
 * @example
 * const tracker = createTracker({ plan, adapters: [ga4(), meta(), collector()] });
 * tracker.consent({ analytics: 'granted', ads: 'granted' });
 * tracker.track('purchase', { transaction_id: 'T-1001', value: 499, items });
 */
export function createTracker<const P extends PlanInput | JsonPlan>(options: TrackerOptions<P> & { plan: PlanOption<P> }): Tracker<TypedPlan<P>> {
  const { value, syntax } = readPlan(options?.plan);
  const issues = syntax ? [syntax] : safeCheck(value);
  if (!issues.length) {
    try {
      return startTracker<TypedPlan<P>>(normalise(value as PlanInput), {
        // The consent-platform readers are a separate chunk: only plans with `consent.cmp` load them.
        followPlatform: (name, o) => import('../cmp/index').then((m) => m.followConsentPlatform(name, o)),
        // web-vitals is a separate chunk too: only plans with `vitals` load it, after the page has loaded.
        loadVitals: (attribution) => (attribution ? import('../journey/vitals-attribution') : import('../journey/vitals-standard')),
        // The linker's link decoration too: only plans with `linker` load it.
        linkOut: () => import('../linker/out'),
        dropOutbox,
        ...options,
        adapters: usable(options.adapters, options.strict),
      });
    } catch (e) {
      if (options.strict) throw e;
      globalThis.console?.error(`measureplan: could not start, tracks nothing: ${(e as Error)?.message ?? e}`);
    }
  } else {
    if (options?.strict) throw new Error(planProblems('the plan', terse(issues)));
    import('../plan/explain').then(
      ({ explain }) => globalThis.console?.error(planProblems('the plan', issues.map(explain))),
      () => globalThis.console?.error(planProblems('the plan', terse(issues))),
    );
  }
  return inert<TypedPlan<P>>();
}

/**
 * The adapters as given, without what cannot be one (a factory not called: `[ga4]`, an object of
 * adapters), each said in the console. On a server (no `window`) the browser-only ones, every
 * built-in among them, are left out: server-side rendering runs this module there too, and a
 * server must not send one visitor's conversions, let alone under another request's user.
 */
function usable(adapters: unknown, strict?: boolean): Adapter[] {
  return ([] as Adapter[]).concat((adapters ?? []) as Adapter[]).filter((a, i) => {
    if (typeof a?.send == 'function') return typeof window != 'undefined' || !a.browserOnly;
    const m = `measureplan: adapters[${i}] is not an adapter${typeof a == 'function' ? `: call it, ${(a as () => void).name}()` : ' (a list: [ga4(), collector()])'}`;
    if (strict) throw new Error(m);
    globalThis.console?.error(m);
  });
}

function safeCheck(value: unknown) {
  try {
    return checkPlan(value);
  } catch (e) {
    return [{ path: '', code: `unexpected failure: ${(e as Error)?.message ?? e}` }];
  }
}
