/**
 * The cookie banner a page loads, when it is one measureplan reads itself (`consent.cmp`): found
 * by its script's address, or for an IAB TCF platform by the `__tcfapi` stub pasted into the
 * page. A draft that names it needs no `measureplan.consent()` call in the site's code.
 */
import type { ConsentPlatform } from '../../plan/types';
import { readPage } from './page';

export interface Banner {
  cmp: ConsentPlatform;
  /** The platform in words. */
  name: string;
  page: string;
  line: number;
}

/** Each platform's own script hosts (its documentation's loader snippets). */
const BY_ADDRESS: readonly [RegExp, ConsentPlatform, string][] = [
  [/^(https?:)?\/\/consent\.cookiebot\.(com|eu)\//i, 'cookiebot', 'Cookiebot'],
  [/^(https?:)?\/\/(cdn\.cookielaw\.org|cookie-cdn\.cookiepro\.com)\//i, 'onetrust', 'OneTrust'],
  [/^(https?:)?\/\/policy\.app\.cookieinformation\.com\//i, 'cookieinformation', 'Cookie Information'],
  [/^(https?:)?\/\/([a-z0-9-]+\.)*(consensu\.org|cmp\.quantcast\.com)\//i, 'tcf', 'an IAB TCF consent platform'],
];
const TCF = { cmp: 'tcf', name: 'an IAB TCF consent platform' } as const;
/**
 * The TCF stub a platform's snippet pastes in (it defines `__tcfapi` and its `__tcfapiLocator`
 * frame), not a script that only asks whether one is there (`typeof window.__tcfapi`): a draft
 * that waited for a platform the site does not have would never send anything.
 */
const TCF_STUB = /__tcfapiLocator|\b__tcfapi\s*=[^=]|function\s+__tcfapi\b/;

export function banners(page: string, html: string): Banner[] {
  const { scripts, sources, line } = readPage(html);
  const out: Banner[] = [];
  for (const { src, offset } of sources) {
    const hit = BY_ADDRESS.find(([re]) => re.test(src));
    if (hit) out.push({ cmp: hit[1], name: hit[2], page, line: line(offset) });
  }
  for (const s of scripts) {
    const at = s.text.search(TCF_STUB);
    if (at >= 0) out.push({ ...TCF, page, line: line(s.offset + at) });
  }
  return out;
}

/**
 * The one platform the draft names, or why it names none. A platform's own script wins over a TCF
 * API on the same site (OneTrust and Cookiebot also speak TCF); two different ones are the site's to choose.
 */
export function chooseBanner(found: Banner[]): { banner?: Banner; several?: Banner[] } {
  const own = found.filter((b) => b.cmp !== 'tcf');
  const pool = own.length ? own : found;
  const kinds = [...new Map(pool.map((b) => [b.cmp, b])).values()];
  if (kinds.length === 1) return { banner: kinds[0] };
  return kinds.length ? { several: kinds } : {};
}
