/** What the page-experience file (loaded on demand, only for plans with `vitals`) reports to the tracker. */
export type VitalName = 'LCP' | 'INP' | 'CLS' | 'FCP' | 'TTFB';

/** One Core Web Vitals metric of this page view, as web-vitals measured it. */
export interface VitalSample {
  name: VitalName;
  /** Milliseconds (LCP, INP, FCP, TTFB) or the unitless layout-shift score (CLS). */
  value: number;
  rating: 'good' | 'needs-improvement' | 'poor';
  /** web-vitals' id of this metric instance: a new one after a back/forward-cache restore. */
  id: string;
  navigationType: string;
  /** With the attribution build: the element or interaction that caused the value (a CSS selector). */
  target?: string;
}

export interface VitalsHooks {
  /** Every change of a metric: conversions tracked on the page carry the values known so far. */
  update(sample: VitalSample): void;
  /** Once per metric instance, at its final value: when the page is hidden (left, tab switched, closed). */
  final(sample: VitalSample): void;
  /** Aborted by the tracker's shutdown(): no more reports, and the page-hidden listeners are removed. */
  signal?: AbortSignal;
}

/** The page-experience module: `measureplan.vitals.js` next to the script tag, or a chunk of the npm build. */
export interface VitalsModule {
  startVitals(hooks: VitalsHooks): void;
}
