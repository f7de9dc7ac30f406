/** How the report's text, Markdown and HTML write shares, money and times. */
import { parseZone, UTC, wallTime, type Zone } from '../offline/time';
import { formatShare } from './stats';

/** A share as text (one rounding rule everywhere), '—' when there is none. */
export const pct = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : formatShare(r));
/** Whole units of money with the plan's currency, '—' for none. */
export const money = (v: number | null, cur: string | null): string => (v === null ? '—' : `${Math.round(v).toLocaleString('en')}${cur ? ` ${cur}` : ''}`);

const zones = new Map<string, Zone>();

/** `2026-12-01 00:30`: an ISO time in `timezone` (an IANA id or an offset; UTC by default); '—' for none. */
export function localTime(iso: string | null, timezone = 'UTC'): string {
  if (!iso) return '—';
  let zone = zones.get(timezone);
  if (!zone) zones.set(timezone, (zone = parseZone(timezone) ?? UTC));
  return wallTime(Date.parse(iso), zone).slice(0, 16);
}

/** A web vital's value in its unit: `216 ms`, `2.86 s`, CLS `0.05` (`0.105`); '—' for none. */
export function vitalValue(metric: string, v: number | null): string {
  if (v === null) return '—';
  // CLS to its bucket (0.001): 0.105 rounded to `0.10` would read as good beside "needs improvement".
  if (metric === 'CLS') return v.toFixed(3).replace(/(\.\d\d)0$/, '$1');
  return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`;
}

/** What the page-load table says above it, in every format. */
export const PAGE_LOADS_LEAD = 'The value 75 % of page loads were at or under, with its rating. Google\'s Core Web Vitals assessment reads LCP, INP and CLS this way: a site passes when all three are good.';

/** The page-load table's rows (metric, page loads, 75th percentile, rating), for metrics measured. */
export function pageLoadRows(pages: readonly { metric: string; pages: number; p75: number | null; rating: string | null }[], count: (n: number) => string): string[][] {
  return pages.filter((p) => p.pages).map((p) => [p.metric, count(p.pages), vitalValue(p.metric, p.p75), (p.rating ?? '—').replace('-', ' ')]);
}
