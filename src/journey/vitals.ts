/**
 * Page experience: the five Core Web Vitals of this page view, measured by web-vitals and handed
 * to the tracker. Kept apart from the core (the script tag loads it only for plans with `vitals`)
 * and free of web-vitals itself, so the standard and the attribution build share it.
 */
import type { VitalName, VitalSample, VitalsHooks, VitalsModule } from './vitals-types';

/** The part of a web-vitals Metric we read (with the attribution build, `attribution` too). */
interface ReportedMetric {
  name: string;
  value: number;
  rating: string;
  id: string;
  navigationType: string;
  attribution?: object;
}

type Subscribe = (report: (metric: ReportedMetric) => void, opts: { reportAllChanges: boolean }) => void;

/** The five `on*` functions of either web-vitals build. */
export interface WebVitalsFunctions {
  onLCP: Subscribe;
  onINP: Subscribe;
  onCLS: Subscribe;
  onFCP: Subscribe;
  onTTFB: Subscribe;
}

/** Where the attribution build names the element behind a value (LCP, INP, CLS; none for FCP, TTFB). */
const TARGET: Partial<Record<string, string>> = { LCP: 'target', INP: 'interactionTarget', CLS: 'largestShiftTarget' };

/** GA4 drops parameter values longer than 100 characters. */
const MAX_TARGET = 100;

function toSample(m: ReportedMetric): VitalSample {
  const s: VitalSample = { name: m.name as VitalName, value: m.value, rating: m.rating as VitalSample['rating'], id: m.id, navigationType: m.navigationType };
  const key = TARGET[m.name];
  const target = key && m.attribution ? (m.attribution as Record<string, unknown>)[key] : undefined;
  if (typeof target === 'string' && target) s.target = target.slice(0, MAX_TARGET);
  return s;
}

/**
 * A page-experience module over one web-vitals build. It subscribes each metric once per page
 * (web-vitals wants one observer per page) and keeps each metric instance's latest value; every
 * tracker started on it hears each change on `update` (first the values measured before it
 * started: a tracker made after another's shutdown, as an SPA re-init does, still gets them) and,
 * whenever the page is hidden, `final` for each instance not sent yet, at its value by then. Each
 * instance is sent once per page view, by whichever tracker's hide comes first. A metric first seen
 * after an earlier hide (INP once the visitor came back and clicked) goes at the next hide; after a
 * back/forward-cache restore web-vitals gives new ids, so that page view is sent too.
 */
export function createVitals(lib: WebVitalsFunctions): VitalsModule {
  let subscribed = false;
  const latest = new Map<string, VitalSample>();
  const sent = new Set<string>();
  const live = new Set<VitalsHooks>();
  const call = (hooks: VitalsHooks, fn: (s: VitalSample) => void, s: VitalSample) => {
    if (hooks.signal?.aborted) return; // the tracker was shut down (web-vitals' own observers cannot be removed)
    try { fn(s); } catch { /* the tracker's own problem: never the page's */ }
  };
  const report = (m: ReportedMetric) => {
    try {
      const s = toSample(m);
      latest.set(s.id, s);
      for (const hooks of live) call(hooks, hooks.update, s);
    } catch { /* a malformed metric is skipped, not thrown into web-vitals */ }
  };
  return {
    startVitals(hooks: VitalsHooks): void {
      if (hooks.signal?.aborted) return;
      live.add(hooks);
      hooks.signal?.addEventListener('abort', () => live.delete(hooks), { once: true });
      for (const s of latest.values()) call(hooks, hooks.update, s);
      if (!subscribed) {
        subscribed = true;
        for (const on of [lib.onLCP, lib.onINP, lib.onCLS, lib.onFCP, lib.onTTFB]) {
          try { on(report, { reportAllChanges: true }); } catch { /* an API this browser lacks: that metric is absent */ }
        }
      }
      /** `leaving`: pagehide on a page still visible (Chromium leaves so, its visibilitychange next). */
      const hidden = (leaving?: unknown) => {
        if (hooks.signal?.aborted) return;
        for (const [id, s] of latest) {
          // An interaction web-vitals still has to measure goes in with that visibilitychange (a
          // slow click on a link that leaves: the earlier, faster one was sent instead).
          if (sent.has(id) || (leaving && s.name === 'INP' && document.visibilityState === 'visible')) continue;
          sent.add(id);
          call(hooks, hooks.final, s);
        }
      };
      // On the document in the capture phase, added while the event is on its way: after every
      // window listener, web-vitals' included (an interaction still to be processed adds one there
      // when it is measured, after ours: a slow click just before leaving was lost, page-experience
      // QA 2026-12-06), and before the tracker's page-hidden beacon (document, bubble phase), so the
      // final values leave with it.
      try {
        const on = { capture: true, signal: hooks.signal };
        addEventListener('visibilitychange', () => {
          if (document.visibilityState === 'hidden') document.addEventListener('visibilitychange', () => hidden(), { ...on, once: true });
        }, on);
        // Safari may leave without a visibilitychange; a hide already handled finds nothing pending.
        addEventListener('pagehide', hidden, on);
      } catch { /* no window (SSR): nothing to measure */ }
    },
  };
}
