import type { PageViewTrigger } from '../plan/types';
import { globToRegExp } from './glob';

/**
 * Whether the page at `location` is one a page_view trigger means: its `path` glob and its
 * `regex` (each when given; both when both are) match the pathname, and every `query`
 * parameter is present with exactly the listed value.
 */
export function pageMatches(t: PageViewTrigger, location: Location): boolean {
  const p = location.pathname;
  const q = new URLSearchParams(location.search);
  return (!t.path || globToRegExp(t.path).test(p)) && (!t.regex || new RegExp(t.regex).test(p)) &&
    Object.entries(t.query ?? {}).every(([k, v]) => q.get(k) === v);
}
