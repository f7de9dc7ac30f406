import type { PageViewTrigger, Plan } from '../plan/types';
import { globToRegExp } from './glob';

/**
 * Whether the page at `location` is one a page_view trigger means: its `path` glob and its
 * `regex` (each when given; both when both are) match the pathname, as the browser gives it
 * (percent-encoded) or decoded (`/om oss`, `/sommer-ø`), and every `query` parameter is present
 * with exactly the listed value. A glob's letter with its accent as one character or as two (an
 * "ä" from a Mac's file name is "a" and U+0308) is the same letter on both sides (intl QA
 * 2026-12-07); a regex is taken as written (normalising it could change what it means), and
 * matches the path as it comes or composed.
 */
export function pageMatches(t: PageViewTrigger, location: Location): boolean {
  const p = location.pathname;
  let decoded = p;
  try { decoded = decodeURI(p); } catch { /* a malformed escape: the raw path only */ }
  const test = (r: RegExp) => r.test(p) || r.test(decoded) || r.test(decoded.normalize());
  const q = new URLSearchParams(location.search);
  return (!t.path || test(globToRegExp(t.path.normalize()))) && (!t.regex || test(new RegExp(t.regex))) &&
    Object.entries(t.query ?? {}).every(([k, v]) => q.get(k) === v);
}

/**
 * The page_view conversions of a page the visitor has already left (`url`): those whose trigger
 * reads nothing from the page, whose content is gone. Each name in the plan's order.
 */
export function pageViewsAt(plan: Plan, url: string): string[] {
  const at = new URL(url) as unknown as Location;
  return Object.values(plan.conversions).filter((c) => {
    const t = c.trigger;
    return t?.on === 'page_view' && !Object.keys(t.properties ?? {}).length && pageMatches(t, at);
  }).map((c) => c.name);
}
