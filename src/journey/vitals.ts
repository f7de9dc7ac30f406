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
 * A page-experience module over one web-vitals build. `startVitals` subscribes each metric once
 * (web-vitals wants one observer per page) and reports every change to `update`; whenever the page
 * is hidden it hands each metric instance not sent yet to `final`, at its value by then. A metric
 * first seen after an earlier hide (INP once the visitor came back and clicked) goes at the next
 * hide; after a back/forward-cache restore web-vitals gives new ids, so that page view is sent too.
 */
export function createVitals(lib: WebVitalsFunctions): VitalsModule {
  let started = false;
  return {
    startVitals(hooks: VitalsHooks): void {
      if (started) return;
      started = true;
      const pending = new Map<string, VitalSample>();
      const sent = new Set<string>();
      const call = (fn: (s: VitalSample) => void, s: VitalSample) => {
        if (hooks.signal?.aborted) return; // the tracker was shut down (web-vitals' own observers cannot be removed)
        try { fn(s); } catch { /* the tracker's own problem: never the page's */ }
      };
      const report = (m: ReportedMetric) => {
        try {
          const s = toSample(m);
          if (!sent.has(s.id)) pending.set(s.id, s);
          call(hooks.update, s);
        } catch { /* a malformed metric is skipped, not thrown into web-vitals */ }
      };
      const hidden = () => {
        for (const [id, s] of pending) {
          pending.delete(id);
          sent.add(id);
          call(hooks.final, s);
        }
      };
      for (const on of [lib.onLCP, lib.onINP, lib.onCLS, lib.onFCP, lib.onTTFB]) {
        try { on(report, { reportAllChanges: true }); } catch { /* an API this browser lacks: that metric is absent */ }
      }
      // Window, capture phase, added after web-vitals' own: its listeners (which flush the last
      // entries) run first, and ours still run before the tracker's page-hidden beacon (document /
      // bubble listeners), so the final values leave with it.
      try {
        const on = { capture: true, signal: hooks.signal };
        addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') hidden(); }, on);
        // Safari may leave without a visibilitychange; a hide already handled finds nothing pending.
        addEventListener('pagehide', hidden, on);
      } catch { /* no window (SSR): nothing to measure */ }
    },
  };
}
