/**
 * The parts of a saved page that can hold hand-pasted tags: its inline scripts (with where each
 * starts, for line numbers) and any Google Tag Manager container ids. Commented-out markup is
 * skipped: a tag inside `<!-- … -->` sends nothing.
 */

export interface Script {
  /** The script's text. */
  text: string;
  /** Offset of the text in the page. */
  offset: number;
}

export interface Page {
  scripts: Script[];
  /** GTM container ids with their offsets. */
  gtm: { id: string; offset: number }[];
  /** The addresses of the page's external scripts (`<script src>`), with their offsets. */
  sources: { src: string; offset: number }[];
  /** Offset → 1-based line number. */
  line(offset: number): number;
}

/** Script types that hold data or markup, not code. */
const NOT_CODE = /^\s*(application\/(ld\+)?json|importmap|speculationrules|text\/(html|template|x-template|x-handlebars-template))\s*$/i;
const GTM_ID = /\bGTM-[A-Z0-9]{4,12}\b/g;

export function readPage(html: string): Page {
  const starts = [0];
  for (let i = html.indexOf('\n'); i >= 0; i = html.indexOf('\n', i + 1)) starts.push(i + 1);
  const line = (offset: number): number => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid]! <= offset) lo = mid; else hi = mid - 1; }
    return lo + 1;
  };
  const scripts: Script[] = [];
  const sources: Page['sources'] = [];
  const lower = html.toLowerCase();
  let i = 0;
  // The next comment is searched for again only once the scan has passed it: one pass over the page.
  let comment = -1;
  while (i < html.length) {
    if (comment !== Infinity && comment < i) { comment = lower.indexOf('<!--', i); if (comment < 0) comment = Infinity; }
    const open = lower.indexOf('<script', i);
    if (open < 0) break;
    if (comment < open) {
      const end = lower.indexOf('-->', comment + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const tagEnd = html.indexOf('>', open);
    if (tagEnd < 0) break;
    const attrs = html.slice(open + 7, tagEnd);
    const close = lower.indexOf('</script', tagEnd + 1);
    const end = close < 0 ? html.length : close; // a truncated page: the script runs to its end
    const src = /(?:^|\s)src\s*=\s*["']?([^"'\s>]+)/i.exec(attrs)?.[1]; // not data-src
    if (src) sources.push({ src, offset: open });
    const type = /\btype\s*=\s*["']?([^"'\s>]*)/i.exec(attrs)?.[1];
    if (!(type && NOT_CODE.test(type))) scripts.push({ text: html.slice(tagEnd + 1, end), offset: tagEnd + 1 });
    i = close < 0 ? html.length : close + 8;
  }
  const gtm = new Map<string, number>(); // each container once, where it first appears
  for (const m of html.matchAll(GTM_ID)) if (!gtm.has(m[0])) gtm.set(m[0], m.index);
  return { scripts, gtm: [...gtm].map(([id, offset]) => ({ id, offset })), sources, line };
}
