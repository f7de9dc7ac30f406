/**
 * The journey signals of one tracker: funnel progress, the cart and viewed products, experiment
 * exposures and the page's Core Web Vitals. The tracker hands it every forwarded conversion and
 * asks it what to add to the next one; all its storage follows analytics consent.
 */
import type { Plan } from '../plan/types';
import type { Store } from '../core/storage';
import type { ConversionEvent, Tracker, TrackerEvents } from '../core/types';
import { isoTime } from '../core/enrich';
import { browser } from '../core/env';
import { has } from '../plan/shape';
import { createAbandonment, valueOf } from './abandonment';
import { createExperiments } from './experiments';
import { createFunnels } from './funnels';
import { createWriter } from './kept';
import type { VitalSample } from './vitals-types';

export interface JourneyDeps {
  emit<K extends keyof TrackerEvents>(name: K, payload: TrackerEvents[K]): void;
  /** `currency`: the currency of the value when the conversion itself declares no `currency` property (a cart's own). */
  track(name: string, props: Record<string, unknown>, currency?: string): void;
  /** Sends a journey signal (not a conversion of the plan) to GA4 as `ga4Event` and, when `collector`, to the collector. */
  signal(name: string, props: Record<string, unknown>, ga4Event: string | false, collector: boolean, value?: number): void;
  error(path: string, reason: string): void;
  /** The stored visitor id, or undefined without analytics consent. */
  visitorId(): string | undefined;
  /** Runs `then` in one tab only of those reporting the same `key` at once (see tracker.ts). */
  once(key: string, then: () => void): void;
}

export function createJourney(plan: Plan, store: Store, deps: JourneyDeps, signal?: AbortSignal) {
  const writer = createWriter(signal);
  const funnels = createFunnels(plan, store, writer);
  const abandonment = createAbandonment(plan, store, writer, (kind, items, since, updated, cur = plan.currency) => deps.once(`${kind}:${since}:${updated}`, () => {
    const value = valueOf(items);
    const payload = { items, since: isoTime(since), updated: isoTime(updated), ...(kind === 'cart' && { value, ...(cur && { currency: cur }) }) };
    deps.emit(`${kind}_abandoned`, payload as TrackerEvents['cart_abandoned']);
    const named = plan.abandonment[kind]?.conversion ?? `${kind}_abandoned`;
    const c = has(plan.conversions, named) ? plan.conversions[named] : undefined;
    if (!c) return;
    // The conversion gets whichever of these it declares.
    const known: Record<string, unknown> = { value, items, item_count: items.length, currency: cur };
    const props: Record<string, unknown> = {};
    for (const k in c.properties) if (has(known, k) && has(c.properties, k)) props[k] = known[k];
    // The cart's currency goes with its value even to a conversion without a `currency` property:
    // a USD cart is not a NOK one (money QA 2026-12-06).
    deps.track(named, props, cur);
  }));
  const experiments = createExperiments(plan, store, writer, (experiment, variant) => {
    deps.emit('exposure', { experiment, variant });
    deps.signal('experiment_viewed', { experiment_id: experiment, variant_id: variant, exp_variant_string: `measureplan-${experiment}-${variant}` }, 'experience_impression', true);
  });
  const states = [funnels.state, experiments.seen, ...abandonment.states];
  /** The metrics of this page view known so far, for the conversions tracked on it. */
  let vitals: Record<string, { value: number; rating: string }> | undefined;
  // A page restored from the back/forward cache is a new page view: the last one's INP is not its own
  // (page-experience QA 2026-12-06: an order after a restore carried the earlier view's 360 ms).
  browser()?.addEventListener?.('pageshow', (e) => { if ((e as PageTransitionEvent).persisted) vitals = undefined; }, { signal });

  /** The journey's part of the tracker's public surface. */
  const api: Pick<Tracker, 'funnel' | 'cart' | 'variant' | 'experiment'> = {
    funnel: (name) => funnels.progress(name, Date.now(), isoTime),
    cart() {
      const b = abandonment.cart();
      return {
        items: b.items.map((i) => ({ ...i })), value: valueOf(b.items), ...((b.cur ?? plan.currency) && { currency: b.cur ?? plan.currency }),
        ...(b.items.length && { since: isoTime(b.since), updated: isoTime(b.updated) }),
      };
    },
    variant(name) {
      if (has(plan.experiments, name)) return experiments.variant(name, deps.visitorId());
      deps.error(`experiments.${String(name)}`, 'not an experiment in the plan');
    },
    experiment(name, variant) {
      const x = has(plan.experiments, name) ? plan.experiments[name] : undefined;
      if (typeof name !== 'string' || !name || typeof variant !== 'string' || !variant) return deps.error('experiment', 'expected a name and a variant, as texts');
      if (x && !x.variants.includes(variant)) return deps.error(`experiments.${name}.variants`, `"${variant}" is not a variant of "${name}" (${x.variants.join(', ')})`);
      experiments.external(name, variant);
    },
  };

  return {
    api,
    allow(granted: boolean): void { for (const s of states) s.allow(granted); },
    /**
     * A signed-in user signed out and the browser became a new visitor: their cart, viewed
     * products, funnel progress and stored variants are not the next person's (identity QA
     * 2026-12-06). This page's variant answers stay: the page does not change under the next
     * person, whose own assignment (and exposure) comes on the next page.
     */
    reset(): void { for (const s of states) s.reset(); },
    /** Before the analytics grant: what earlier pages stored is not this visitor's (signed out before the answer). */
    drop(): void { for (const s of states) s.drop(); },
    /** Writes the journey's changed state now (it is otherwise written in a task of its own, or when the page is hidden). */
    save: (): void => writer.flush(),
    /** Reports a cart or a browse left for longer than the plan's `after` (once each). */
    check: (t: number) => abandonment.check(t),
    /** Before a conversion changes the cart: a visitor back after leaving it hears of it first (not on the order itself). */
    before(name: string, t: number): void {
      if (name !== plan.abandonment.cart?.complete) abandonment.check(t);
    },
    /** Adds to an accepted conversion what the journey knows: its funnel step, the visitor's experiments, the page's vitals. */
    annotate(e: ConversionEvent): void {
      const step = funnels.steps(e.name)?.[0];
      if (step) for (const k in step) if (has(step, k)) e.properties[k] ??= step[k as keyof typeof step];
      // Before the visitor's analytics answer only this page's experiments are known; the stored
      // ones join at the grant, before the held conversion leaves: so it reads them at delivery.
      // Only the exposures before it (experiments QA 2026-12-06: a purchase carried an experiment the
      // visitor was put in after it, on the same undecided page).
      if (!experiments.seen.allowed) { const m = experiments.mark(); Object.defineProperty(e, 'experiments', { get: () => experiments.asOf(m), enumerable: true, configurable: true }); }
      else { const x = experiments.current(); if (x) e.experiments = x; }
      if (vitals) e.vitals = { ...vitals };
    },
    /** A conversion was accepted (valid, within its limit): the cart and the viewed products follow it, duplicates of an order included. */
    accepted(e: ConversionEvent, t: number): void {
      abandonment.observe(e, t);
    },
    /** A conversion was forwarded (not a duplicate): the visitor moves on in its funnels. */
    forwarded(e: ConversionEvent, t: number): void {
      funnels.observe(e.name, t);
    },
    /** web-vitals measured a new value: conversions on this page carry it from now on. */
    vital(s: VitalSample): void {
      (vitals ??= {})[s.name] = { value: s.value, rating: s.rating };
    },
    /** A metric's final value for this page view: one `web_vital` to the destinations the plan's `vitals.send` names. */
    finalVital(s: VitalSample): void {
      const send = plan.vitals?.send ?? {};
      deps.signal('web_vital', {
        metric_name: s.name, metric_value: s.value, metric_delta: s.value, metric_rating: s.rating, metric_id: s.id, navigation_type: s.navigationType,
        ...(s.target && { debug_target: s.target }),
      }, !!send.ga4 && s.name, !!send.collector, s.value);
    },
  };
}
export type Journey = ReturnType<typeof createJourney>;
