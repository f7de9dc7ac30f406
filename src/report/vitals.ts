/**
 * Conversion rate by Core Web Vitals rating, for `measureplan report`'s page-experience section:
 * do visitors who had a poor LCP (INP, CLS, …) convert less than those who had a good one?
 * Pure, no I/O, no dependencies. A comparison of groups, not a cause: slow pages and low
 * conversion can share a cause (old phones, bad networks), so the report should say so.
 *
 * Input per unit (a visitor or a session, as the caller chooses): one rating, or value, per
 * metric (its worst or last on the unit's pages, the caller's choice: {@link worstRating} helps)
 * and whether the unit converted. Output per metric: units, conversions and the conversion
 * rate with its Wilson interval for each rating.
 */
import { wilson } from './stats';

export type VitalName = 'LCP' | 'INP' | 'CLS' | 'FCP' | 'TTFB';
export type VitalRating = 'good' | 'needs-improvement' | 'poor';

/** The metrics, in the order the report lists them. */
export const VITAL_NAMES: readonly VitalName[] = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];
/** The ratings, best first. */
export const VITAL_RATINGS: readonly VitalRating[] = ['good', 'needs-improvement', 'poor'];

/**
 * web-vitals' thresholds (reference §1.3): a value ≤ [0] is good, ≤ [1] needs improvement,
 * above [1] poor. Milliseconds, except CLS (a unitless score).
 */
export const VITAL_THRESHOLDS: Readonly<Record<VitalName, readonly [good: number, poor: number]>> = {
  LCP: [2500, 4000],
  INP: [200, 500],
  CLS: [0.1, 0.25],
  FCP: [1800, 3000],
  TTFB: [800, 1800],
};

/** The rating of one measured value: `rate('LCP', 2500)` is `'good'`, `rate('LCP', 2501)` `'needs-improvement'`. */
export function rate(metric: VitalName, value: number): VitalRating {
  const limits = VITAL_THRESHOLDS[metric];
  if (!limits) throw new RangeError(`rate: unknown metric ${String(metric)}`);
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`rate: ${metric} must be a finite value ≥ 0, got ${value}`);
  return value <= limits[0] ? 'good' : value <= limits[1] ? 'needs-improvement' : 'poor';
}

/** The worst of some ratings (`poor` over `needs-improvement` over `good`); `undefined` for none. */
export function worstRating(ratings: Iterable<VitalRating>): VitalRating | undefined {
  let worst = -1;
  for (const r of ratings) worst = Math.max(worst, VITAL_RATINGS.indexOf(r));
  return worst < 0 ? undefined : VITAL_RATINGS[worst];
}

/** One visitor or session: a rating (or a raw value, rated with {@link rate}) per metric it has, and whether it converted. */
export interface VitalsUnit {
  vitals: Partial<Record<VitalName, VitalRating | number>>;
  converted: boolean;
}

/** Units with one rating of one metric, and how they converted (rates are shares, 0…1). */
export interface RatingGroup {
  units: number;
  conversions: number;
  /** Conversion rate and its Wilson interval; all three `null` when no unit has this rating. */
  rate: number | null;
  low: number | null;
  high: number | null;
}

/** One metric: the units that have it, and their conversion per rating. */
export interface VitalConversion {
  metric: VitalName;
  /** Units with a rating for this metric (a unit without one, e.g. no INP without an interaction, is left out). */
  units: number;
  good: RatingGroup;
  'needs-improvement': RatingGroup;
  poor: RatingGroup;
}

/** A counter fed one unit at a time (e.g. from a query cursor). */
export interface VitalsCounter {
  /** Counts one unit. Unknown metric names, unknown ratings and values that are not finite numbers ≥ 0 are skipped. */
  add(unit: VitalsUnit): void;
  /** Per metric, in {@link VITAL_NAMES} order, with Wilson intervals at `confidence` (default 0.95). */
  result(confidence?: number): VitalConversion[];
}

/** Conversion by rating per metric, counted one unit at a time. */
export function vitalsCounter(): VitalsCounter {
  const counts = new Map<VitalName, Record<VitalRating, [units: number, conversions: number]>>();
  for (const m of VITAL_NAMES) counts.set(m, { good: [0, 0], 'needs-improvement': [0, 0], poor: [0, 0] });

  return {
    add(unit) {
      for (const [metric, v] of Object.entries(unit.vitals)) {
        const byRating = counts.get(metric as VitalName);
        if (!byRating || v === undefined) continue;
        let r: VitalRating;
        if (typeof v === 'number') {
          if (!Number.isFinite(v) || v < 0) continue;
          r = rate(metric as VitalName, v);
        } else if (VITAL_RATINGS.includes(v)) r = v;
        else continue;
        const c = byRating[r];
        c[0]++;
        if (unit.converted) c[1]++;
      }
    },
    result(confidence = 0.95) {
      return VITAL_NAMES.map((metric) => {
        const byRating = counts.get(metric)!;
        const group = (r: VitalRating): RatingGroup => {
          const [units, conversions] = byRating[r];
          const w = wilson(conversions, units, confidence);
          return { units, conversions, rate: w?.rate ?? null, low: w?.low ?? null, high: w?.high ?? null };
        };
        const good = group('good');
        const ni = group('needs-improvement');
        const poor = group('poor');
        return { metric, units: good.units + ni.units + poor.units, good, 'needs-improvement': ni, poor };
      });
    },
  };
}

/** Conversion by rating per metric over all units at once (see {@link vitalsCounter}). */
export function conversionByVitals(units: Iterable<VitalsUnit>, confidence = 0.95): VitalConversion[] {
  const counter = vitalsCounter();
  for (const u of units) counter.add(u);
  return counter.result(confidence);
}

/**
 * The 75th percentile of page loads per metric, the figure Google's Core Web Vitals assessment
 * uses ("good" when 75 % of page loads are good). Values are counted in buckets, so the store
 * can keep the all-time distribution at ingest (a few hundred rows) instead of the report
 * scanning every `web_vital` event: 10 ms for LCP, FCP and TTFB, 1 ms for INP (its values are
 * small), 0.001 for CLS. A bucket holds the values
 * above the previous edge up to its own, and every threshold is an edge, so the percentile,
 * read as its bucket's upper edge, is rated exactly as the values in it.
 */
export const VITAL_BUCKET: Readonly<Record<VitalName, number>> = { LCP: 10, INP: 1, CLS: 0.001, FCP: 10, TTFB: 10 };

/** The bucket of one value: `vitalBucket('LCP', 2500)` is 250, 2500.1 is 251 (edges 2500 and 2510). */
export function vitalBucket(metric: VitalName, value: number): number {
  // Rounded to 6 places first, so that 0.123 / 0.001 (123.00000000000001) stays in bucket 123.
  return Math.ceil(Number((value / VITAL_BUCKET[metric]).toFixed(6)));
}

/** The SQL for {@link vitalBucket} over `metric_name` and `metric_value` (for the store's migration). */
export function vitalBucketSql(): string {
  const x = `round(metric_value / CASE metric_name ${VITAL_NAMES.map((m) => `WHEN '${m}' THEN ${VITAL_BUCKET[m]}`).join(' ')} END, 6)`;
  return `(CAST(${x} AS INTEGER) + (${x} > CAST(${x} AS INTEGER)))`;
}

/** One metric over page loads: how many, and the value 75 % of them were at or under, rated. */
export interface PageLoads {
  metric: VitalName;
  pages: number;
  /** Milliseconds (CLS: its score); `null` without page loads. */
  p75: number | null;
  rating: VitalRating | null;
}

/** Counts page loads per metric and bucket, and reads each metric's 75th percentile. */
export interface PageLoadsCounter {
  /** `count` page loads in `bucket` (see {@link vitalBucket}); unknown metrics and bad buckets are skipped. */
  add(metric: string, bucket: number, count?: number): void;
  /** The counts as `vital_pages` rows: `[metric, bucket, pages]` (what ingest adds and an erasure takes away). */
  rows(): [VitalName, number, number][];
  result(): PageLoads[];
}

export function pageLoadsCounter(): PageLoadsCounter {
  const hist = new Map<VitalName, Map<number, number>>(VITAL_NAMES.map((m) => [m, new Map()]));
  return {
    add(metric, bucket, count = 1) {
      const h = hist.get(metric as VitalName);
      if (!h || !Number.isInteger(bucket) || bucket < 0 || !(count > 0)) return;
      h.set(bucket, (h.get(bucket) ?? 0) + count);
    },
    rows: () => [...hist].flatMap(([metric, h]) => [...h].map(([bucket, n]) => [metric, bucket, n] as [VitalName, number, number])),
    result() {
      return VITAL_NAMES.map((metric) => {
        const h = hist.get(metric)!;
        let pages = 0;
        for (const n of h.values()) pages += n;
        if (!pages) return { metric, pages, p75: null, rating: null };
        // Nearest rank: the smallest value with at least 75 % of the page loads at or under it.
        const rank = Math.ceil(0.75 * pages);
        let seen = 0;
        let bucket = 0;
        for (const b of [...h.keys()].sort((x, y) => x - y)) {
          seen += h.get(b)!;
          if (seen >= rank) { bucket = b; break; }
        }
        const p75 = Number((bucket * VITAL_BUCKET[metric]).toFixed(3));
        return { metric, pages, p75, rating: rate(metric, p75) };
      });
    },
  };
}

/** The page-load bucket a stored row counts in, `[metric, bucket]`: a `web_vital` of a known metric with a value ≥ 0; otherwise undefined. */
export function pageLoadOf(event: unknown, metric: unknown, value: unknown): [VitalName, number] | undefined {
  if (event !== 'web_vital' || !VITAL_NAMES.includes(metric as VitalName) || typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) return undefined;
  return [metric as VitalName, vitalBucket(metric as VitalName, value)];
}
